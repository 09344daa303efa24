"""Time grading one 50-question attempt (µs) and item analysis over 10,000 attempts.

    python bench/bench_grading.py [--questions 50] [--attempts 10000] [--runs 3]

Grading: a quiz of every question type (the test fixture's eight types, repeated), loaded and
validated by the real content loader, answered right and wrong; the time is the pure
`grade_attempt` call, best of many. Analysis reuses bench/bench_analysis.py's generator.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import timeit
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_analysis import best_of, make_attempts, make_questions  # noqa: E402
from tests.helpers import answer_form  # noqa: E402
from tests.perf.world import QUIZ, write_content  # noqa: E402
from tpcourse.content.loader import load_content  # noqa: E402
from tpcourse.grading.attempts import draw_attempt, grade_attempt  # noqa: E402
from tpcourse.services.exams.attempts import read_responses  # noqa: E402  (fields named by position)


def quiz_of(questions: int) -> dict:
    """Return the stored data of a quiz with `questions` questions of every type."""
    with tempfile.TemporaryDirectory() as tmp:
        content = load_content(*write_content(questions, Path(tmp)))
    assert content.ok, [str(p) for p in content.problems]
    return content.quizzes[QUIZ].data


def responses_for(quiz: dict, correct: bool) -> tuple[list[str], dict]:
    """Draw an attempt and return its question ids and stored responses, right or wrong."""
    draw = draw_attempt(quiz, random.Random(5))
    attempt = SimpleNamespace(quiz_version=SimpleNamespace(data=quiz),
                              question_ids=draw.question_ids, orders=draw.orders)
    form = answer_form(attempt, correct=correct)
    form = {k: v if isinstance(v, list) else [v] for k, v in form.items()}
    return draw.question_ids, read_responses(attempt, form)


def grading_microseconds(quiz: dict, correct: bool, number: int = 200) -> tuple[float, float]:
    """Return (best µs per grade, percent scored) for one attempt answered right or wrong."""
    ids, responses = responses_for(quiz, correct)
    grade = grade_attempt(quiz, ids, responses)
    timer = timeit.Timer(lambda: grade_attempt(quiz, ids, responses))
    best = min(timer.repeat(repeat=5, number=number)) / number
    return best * 1e6, grade.percent


def main() -> None:
    """Print the grading and analysis tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--number", type=int, default=200, help="grades per timing")
    args = parser.parse_args()
    quiz = quiz_of(args.questions)
    print(f"{'grading':<40}{'µs/attempt':>12}{'score %':>9}")
    for correct in (True, False):
        micros, percent = grading_microseconds(quiz, correct, args.number)
        label = f"{args.questions} questions, answered {'right' if correct else 'wrong'}"
        print(f"{label:<40}{micros:>12.0f}{percent:>9.0f}", flush=True)
    print(f"\n{'item analysis':<40}{'seconds':>12}{'alpha':>9}")
    questions = make_questions(50)
    from tpcourse.analysis import analyse

    for draw in (50, 40):
        attempts = make_attempts(questions, args.attempts, draw)
        seconds = best_of(args.runs, attempts, questions)
        alpha = analyse(attempts, questions).quiz.alpha
        label = f"{args.attempts} attempts x {draw}/50 questions"
        print(f"{label:<40}{seconds:>12.3f}{alpha:>9.3f}", flush=True)


if __name__ == "__main__":
    main()
