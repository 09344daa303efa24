"""Attempt rules as pure functions: draws, limits, cooldowns, deadlines, review policy."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from tpcourse.grading.attempts import (
    SUBMIT_GRACE_SECONDS,
    PastAttempt,
    attempt_deadline,
    draw_attempt,
    past_deadline,
    review_allowed,
    start_decision,
)
from tpcourse.grading.completion import evaluate_completion

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
QUIZ = {
    "max_attempts": 2, "cooldown_minutes": 30, "shuffle_questions": True, "shuffle_options": True,
    "draw": {"core": 2, "cases": 1},
    "questions": [{"id": f"c{i}", "pool": "core", "type": "true_false", "answer": True}
                  for i in range(5)]
    + [{"id": f"k{i}", "pool": "cases", "type": "true_false", "answer": True} for i in range(3)]
    + [{"id": "always", "type": "true_false", "answer": True}],
}


def test_draw_takes_the_pool_counts_plus_unpooled_questions():
    for seed in range(20):
        draw = draw_attempt(QUIZ, random.Random(seed))
        assert len(draw.question_ids) == 4 and "always" in draw.question_ids
        assert sum(q.startswith("c") for q in draw.question_ids) == 2
        assert set(draw.orders) == set(draw.question_ids)


def test_draw_is_reproducible_from_the_rng():
    assert draw_attempt(QUIZ, random.Random(7)) == draw_attempt(QUIZ, random.Random(7))


def test_max_attempts_and_extra_attempts():
    past = [PastAttempt(NOW - timedelta(days=2), False), PastAttempt(NOW - timedelta(days=1), False)]
    assert not start_decision(QUIZ, past, NOW).allowed
    assert start_decision(QUIZ, past, NOW, extra_attempts=1).allowed


def test_cooldown_after_a_failed_attempt_only():
    failed = [PastAttempt(NOW - timedelta(minutes=10), False)]
    decision = start_decision(QUIZ, failed, NOW)
    assert not decision.allowed and decision.retry_at == NOW + timedelta(minutes=20)
    assert start_decision(QUIZ, failed, NOW + timedelta(minutes=20)).allowed
    assert start_decision(QUIZ, [PastAttempt(NOW, True)], NOW).allowed


def test_deadline_with_accommodations_and_grace():
    assert attempt_deadline(NOW, None) is None
    assert attempt_deadline(NOW, 20) == NOW + timedelta(minutes=20)
    assert attempt_deadline(NOW, 20, extra_percent=50) == NOW + timedelta(minutes=30)
    assert attempt_deadline(NOW, 20, extra_minutes=5) == NOW + timedelta(minutes=25)
    deadline = NOW
    assert not past_deadline(deadline, NOW + timedelta(seconds=SUBMIT_GRACE_SECONDS))
    assert past_deadline(deadline, NOW + timedelta(seconds=SUBMIT_GRACE_SECONDS + 1))
    assert not past_deadline(None, NOW + timedelta(days=999))


def test_review_policies():
    assert review_allowed("after_submit", False)
    assert review_allowed("after_pass", True) and not review_allowed("after_pass", False)
    assert not review_allowed("never", True)


def test_completion_rules():
    rules = {"lessons": "all", "quizzes": "all", "final_exam": "passed"}
    args = dict(lesson_keys=["m/a", "m/b"], module_quizzes=["q1"], final_exam="final")
    status = evaluate_completion(rules, read_keys={"m/a"}, best_percent={}, passed=set(), **args)
    assert not status.complete and len(status.missing) == 3
    done = evaluate_completion(rules, read_keys={"m/a", "m/b"}, best_percent={"q1": 90,
                               "final": 85}, passed={"q1", "final"}, **args)
    assert done.complete and done.score == 85
    no_final = evaluate_completion({"lessons": "none", "quizzes": "all", "final_exam": None},
                                   read_keys=set(), best_percent={"q1": 70}, passed={"q1"},
                                   **args)
    assert no_final.complete and no_final.score == 70
