"""The essay question type and the pure rules of grading by hand (no app)."""

from __future__ import annotations

from fractions import Fraction

from tpcourse.content.quizfile import parse_quiz
from tpcourse.content.yamlsrc import load_yaml
from tpcourse.grading.attempts import grade_attempt
from tpcourse.grading.manual import (
    essay_points,
    grade_from_results,
    read_criterion_scores,
    with_essay_graded,
)
from tpcourse.grading.types import QUESTION_TYPES, ValidationContext, question_type
from tpcourse.grading.types.essay import word_count

CTX = ValidationContext(image_viewbox=lambda name: None)
ESSAY = {"id": "case", "type": "essay", "points": 4, "word_limit": 5, "template": "Plan:",
         "rubric": [{"id": "action", "text": "Refers", "points": 3},
                    {"id": "reason", "text": "Says why", "points": 1}],
         "model_answer": None, "must_pass": False}
QUIZ = {"pass_mark": 60, "questions": [
    {"id": "tf", "type": "true_false", "answer": True, "points": 2, "must_pass": False},
    ESSAY]}


def parse(text: str):
    problems = []
    spec = parse_quiz(load_yaml(text), "q",
                      lambda line, message: problems.append((line, message)), CTX)
    return spec, problems


def test_essay_is_registered_with_the_other_types():
    assert "essay" in QUESTION_TYPES and len(QUESTION_TYPES) == 9
    assert question_type("essay").manual and not question_type("single").manual


def test_a_trainee_page_gets_the_limit_and_template_never_the_rubric_or_model_answer():
    public = question_type("essay").public({**ESSAY, "model_answer": "Refer"}, [])
    assert public == {"word_limit": 5, "template": "Plan:"}
    assert question_type("essay").answer_key(ESSAY) == {"correct": []}


def test_the_word_limit_is_checked_and_the_untouched_template_is_no_answer():
    kind = question_type("essay")
    assert kind.parse_response(ESSAY, [], "q1", {"q1": ["Plan:"]}) is None
    assert kind.response_error(ESSAY, "one two three four five") is None
    message = kind.response_error(ESSAY, "one two three four five six")
    assert "6 words" in message and "limit is 5" in message
    assert word_count(" a\nb  c ") == 3


def test_an_attempt_with_an_essay_is_pending_and_not_passed():
    grade = grade_attempt(QUIZ, ["tf", "case"], {"tf": True, "case": "Refer now"})
    assert grade.pending == ["case"] and grade.passed is False
    assert grade.score == 2 and grade.max_score == 6
    assert [r.pending for r in grade.results] == [False, True]


def test_the_last_essay_decides_pass_or_fail():
    grade = grade_attempt(QUIZ, ["tf", "case"], {"tf": True})
    results = [{"id": r.question_id, "points": r.points, "score": r.score,
                "must_pass": r.must_pass, **({"pending": True} if r.pending else {})}
               for r in grade.results]
    scores, errors = read_criterion_scores(ESSAY, {"action": "2", "reason": "0,5"}, {})
    assert errors == {}
    points = essay_points(ESSAY, scores)
    assert points == float(Fraction(4) * Fraction(5, 2) / 4)  # 2.5 of 4 rubric points
    decided = grade_from_results(QUIZ, with_essay_graded(results, "case", points))
    assert decided.pending == [] and decided.score == 4.5 and decided.percent == 75.0
    assert decided.passed is True
    low = grade_from_results(QUIZ, with_essay_graded(results, "case", 1.0))
    assert low.percent == 50.0 and low.passed is False


def test_scores_out_of_range_or_unreadable_are_refused_per_criterion():
    _scores, errors = read_criterion_scores(ESSAY, {"action": "4", "reason": "x"}, {})
    assert set(errors) == {"action", "reason"} and "0 to 3" in errors["action"]
    _scores, errors = read_criterion_scores(ESSAY, {"action": "١", "reason": "nan"}, {})
    assert set(errors) == {"action", "reason"}


def test_quiz_files_take_essays_with_a_rubric_or_a_model_answer():
    spec, problems = parse("""slug: q
title: Q
questions:
  - id: a
    type: essay
    prompt: What do you do?
    word_limit: 200
    rubric:
      - {id: plan, text: A safe plan, points: 2}
  - id: b
    type: essay
    prompt: Why?
    model_answer: Because **safety** comes first.
""")
    assert problems == []
    by_id = {q["id"]: q for q in spec.data["questions"]}
    assert by_id["a"]["rubric"] == [{"id": "plan", "text": "A safe plan", "points": 2}]
    assert "<strong>safety</strong>" in by_id["b"]["model_answer_html"]


def test_quiz_files_refuse_an_essay_without_grading_guidance_or_with_a_bad_limit():
    _spec, problems = parse("""slug: q
title: Q
questions:
  - id: a
    type: essay
    prompt: What do you do?
    word_limit: 0
  - id: b
    type: essay
    prompt: Why?
    rubric: [{id: Bad Id, text: x}]
""")
    messages = " | ".join(message for _line, message in problems)
    assert "needs a 'rubric' or a 'model_answer'" in messages
    assert "'word_limit' must be a whole number" in messages
    assert "unique 'id'" in messages
    assert all(line > 1 for line, _m in problems)
