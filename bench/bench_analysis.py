"""Time item analysis on 10,000 attempts x 50 questions.

Run from the repository root: `python -m bench.bench_analysis` (or plain
`python bench/bench_analysis.py` once tpcourse is installed).

Trainees have a latent ability; questions a difficulty; most are single-choice with four
options, some partial-credit `multiple`. A second run draws 40 of the 50 questions per attempt.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta

from tpcourse.analysis import AttemptResponses, ItemResponse, QuestionMeta, analyse

OPTIONS = ("a", "b", "c", "d")


def make_questions(k: int) -> list[QuestionMeta]:
    """Return k questions spread over five objectives and four body regions."""
    regions = ("neck", "shoulder", "back", "hip")
    return [
        QuestionMeta(
            f"q{j:02d}",
            "multiple" if j % 5 == 0 else "single",
            1.0,
            f"OBJ-{j % 5 + 1}",
            (regions[j % 4],),
            OPTIONS,
        )
        for j in range(k)
    ]


def make_attempts(questions: list[QuestionMeta], n: int, draw: int, seed: int = 7):
    """Return n attempts, each drawing `draw` of the questions at random."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    difficulty = [rng.gauss(0, 1) for _ in questions]
    attempts = []
    for a in range(n):
        ability = rng.gauss(0, 1)
        items = []
        for j in sorted(rng.sample(range(len(questions)), draw)):
            q = questions[j]
            p = 1 / (1 + 2.718281828 ** -(1.5 * (ability - difficulty[j])))
            if q.type == "multiple":
                score = round(sum(rng.random() < p for _ in range(3)) / 3, 4)
                choices = ("a", "b") if score >= 0.5 else ("c",)
            else:
                score = 1.0 if rng.random() < p else 0.0
                choices = ("a",) if score else (rng.choice(OPTIONS[1:]),)
            items.append(ItemResponse(q.question_id, score, 1.0, choices))
        attempts.append(AttemptResponses(f"t{a}", a, start + timedelta(minutes=a), tuple(items)))
    return attempts


def best_of(runs: int, attempts, questions) -> float:
    """Return the fastest of `runs` timings of analyse, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        analyse(attempts, questions)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    """Print how long analyse takes on full and on random-draw attempts."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    questions = make_questions(args.questions)
    for draw in (args.questions, max(args.questions * 4 // 5, 2)):
        attempts = make_attempts(questions, args.attempts, draw)
        seconds = best_of(args.runs, attempts, questions)
        alpha = analyse(attempts, questions).quiz.alpha
        print(
            f"analyse: {args.attempts} attempts x {draw}/{args.questions} questions drawn: "
            f"{seconds:.3f} s (best of {args.runs}; alpha {alpha:.3f})"
        )


if __name__ == "__main__":
    main()
