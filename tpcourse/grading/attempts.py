"""Attempt rules: drawing questions, who may start, deadlines, grading and review policy."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Any

from ..i18n_markers import N_, Sentence
from .draws import draw_question_ids
from .types import question_type
from .types.base import FULL, NOTHING

SUBMIT_GRACE_SECONDS = 30
"""Network slack allowed after a deadline; the browser can never extend it further."""

REVIEW_POLICIES = ("after_submit", "after_pass", "never")
GRADING_MODES = ("highest", "last")


@dataclass(frozen=True)
class Draw:
    """The questions and option orders chosen for one attempt."""

    question_ids: list[str]
    orders: dict[str, list[str]]


def draw_attempt(quiz: Mapping[str, Any], rng: random.Random) -> Draw:
    """Draw the pools (honouring `excludes`), then order questions and options as set."""
    questions = quiz["questions"]
    ids = draw_question_ids(quiz, rng)
    if quiz.get("shuffle_questions"):
        rng.shuffle(ids)
    by_id = {q["id"]: q for q in questions}
    orders = {
        qid: question_type(by_id[qid]["type"]).draw_order(
            by_id[qid], rng, bool(quiz.get("shuffle_options"))
        )
        for qid in ids
    }
    return Draw(ids, orders)


def drawn_points(quiz: Mapping[str, Any]) -> float:
    """Return the most points a draw can be out of (draws differ when pool points differ)."""
    questions = quiz["questions"]
    draw = quiz.get("draw") or {}
    total = sum(q["points"] for q in questions if q.get("pool") not in draw)
    for pool, count in draw.items():
        pool_points = sorted((q["points"] for q in questions if q.get("pool") == pool), reverse=True)
        total += sum(pool_points[:count])
    return total


@dataclass(frozen=True)
class QuestionResult:
    """How one question of an attempt scored."""

    question_id: str
    points: float
    score: float
    must_pass: bool
    pending: bool = False  # an essay waiting for an instructor's grade

    @property
    def correct(self) -> bool:
        """Whether the question earned full marks."""
        return self.score >= self.points


@dataclass(frozen=True)
class AttemptGrade:
    """The outcome of grading one attempt."""

    results: list[QuestionResult]
    score: float
    max_score: float
    percent: float
    passed: bool
    failed_must_pass: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    """Questions (essays) an instructor must still grade: until none is left, `passed` is
    not decided (tpcourse.grading.manual)."""


@lru_cache(maxsize=1024)
def question_points(points: float) -> Fraction:
    """Return a question's points as an exact fraction (0.1 is 1/10, not a binary float)."""
    return Fraction(points).limit_denominator(1000)


def translated_answers(quiz: Mapping[str, Any]) -> dict[str, list[str]]:
    """Return, per short-text question, the answers its current translations accept."""
    answers: dict[str, list[str]] = {}
    for translation in (quiz.get("translations") or {}).values():
        for qid, fields in translation.get("questions", {}).items():
            answers.setdefault(qid, []).extend(fields.get("accept", []))
    return {qid: accepted for qid, accepted in answers.items() if accepted}


def grade_attempt(quiz: Mapping[str, Any], question_ids: Sequence[str],
                  responses: Mapping[str, Any]) -> AttemptGrade:
    """Score every drawn question and decide pass or fail against the pass mark.

    Sums are exact fractions, but grading runs on every submit and a Fraction operation costs
    microseconds: whole and zero shares skip the multiplication, and whole numbers of points
    (the usual case) are added as ints.
    """
    by_id = {q["id"]: q for q in quiz["questions"]}
    answers = translated_answers(quiz) if quiz.get("translations") else {}
    results, pending = [], []
    earned_whole, earned_part, maximum_whole, maximum_part = 0, NOTHING, 0, NOTHING
    for qid in question_ids:
        question = by_id[qid]
        points = question_points(question["points"])
        kind = question_type(question["type"])
        if kind.manual:  # graded later by an instructor: nothing earned yet
            pending.append(qid)
            maximum_whole, maximum_part = _add(points, maximum_whole, maximum_part)
            results.append(QuestionResult(qid, float(points), 0.0,
                                          bool(question.get("must_pass")), True))
            continue
        if qid in answers:  # a short-text answer is right in any language the quiz is in
            question = {**question, "accept": [*question["accept"], *answers[qid]]}
        share = kind.score(question, responses.get(qid))
        if share is FULL or share >= FULL:
            earned = points
        elif share is NOTHING or share <= NOTHING:
            earned = NOTHING
        else:
            earned = points * share
        if earned.denominator == 1:
            earned_whole += earned.numerator
        else:
            earned_part += earned
        if points.denominator == 1:
            maximum_whole += points.numerator
        else:
            maximum_part += points
        results.append(QuestionResult(qid, float(points), round(float(earned), 4),
                                      bool(question.get("must_pass"))))
    total, maximum = earned_part + earned_whole, maximum_part + maximum_whole
    percent = float(total * 100 / maximum) if maximum else 0.0
    failed = [r.question_id for r in results
              if r.must_pass and not r.correct and not r.pending]
    passed = maximum > 0 and total * 100 >= Fraction(quiz["pass_mark"]) * maximum and not failed
    return AttemptGrade(results, round(float(total), 4), float(maximum), round(percent, 2),
                        bool(passed) and not pending, failed, pending)


def _add(points: Fraction, whole: int, part: Fraction) -> tuple[int, Fraction]:
    """Add `points` to a sum kept as whole and fractional parts (see grade_attempt)."""
    if points.denominator == 1:
        return whole + points.numerator, part
    return whole, part + points


@dataclass(frozen=True)
class PastAttempt:
    """What the start rules need to know about an earlier attempt."""

    submitted_at: datetime | None
    passed: bool | None


@dataclass(frozen=True)
class StartDecision:
    """Whether a new attempt may start now, and if not, why and when."""

    allowed: bool
    reason: str = ""
    retry_at: datetime | None = None
    locked: bool = False  # a locked step (sequencing), not the attempt rules


def start_decision(quiz: Mapping[str, Any], past: Sequence[PastAttempt], now: datetime,
                   extra_attempts: int = 0) -> StartDecision:
    """Apply max_attempts (plus any granted extra) and the cooldown after a failed attempt."""
    limit = quiz.get("max_attempts")
    if limit is not None and len(past) >= limit + extra_attempts:
        return StartDecision(False, Sentence.ngettext(
            "You have used all %(num)d attempts at this quiz. "
            "Ask your instructor if you need another.",
            "You have used all %(num)d attempts at this quiz. "
            "Ask your instructor if you need another.", limit + extra_attempts))
    cooldown = quiz.get("cooldown_minutes") or 0
    submitted = [a for a in past if a.submitted_at is not None]
    if cooldown and submitted:
        last = max(submitted, key=lambda a: a.submitted_at)
        retry_at = last.submitted_at + timedelta(minutes=cooldown)
        if not last.passed and now < retry_at:
            return StartDecision(False, Sentence(N_(
                "Take a break before trying again: you can start your next attempt after the "
                "cooldown.")), retry_at)
    return StartDecision(True)


def attempt_deadline(started_at: datetime, time_limit_minutes: float | None,
                     extra_minutes: float = 0, extra_percent: float = 0) -> datetime | None:
    """Return when an attempt must be submitted by, or None when untimed."""
    if not time_limit_minutes:
        return None
    minutes = time_limit_minutes * (1 + extra_percent / 100) + extra_minutes
    return started_at + timedelta(minutes=minutes)


def past_deadline(deadline: datetime | None, now: datetime) -> bool:
    """Whether `now` is beyond the deadline plus the network grace."""
    return deadline is not None and now > deadline + timedelta(seconds=SUBMIT_GRACE_SECONDS)


def review_allowed(policy: str, passed: bool) -> bool:
    """Whether correct answers and explanations may be shown for a submitted attempt."""
    return policy == "after_submit" or (policy == "after_pass" and passed)


def counting_attempt(attempts: Sequence[Any], mode: str) -> Any | None:
    """Pick the attempt that counts: the highest score or the last submitted (of those
    graded: an attempt whose essays await an instructor has no percent yet)."""
    graded = [a for a in attempts if a.submitted_at is not None and a.percent is not None]
    if not graded:
        return None
    if mode == "last":
        return max(graded, key=lambda a: a.submitted_at)
    return max(graded, key=lambda a: (a.percent or 0, a.submitted_at))
