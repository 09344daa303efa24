"""Grading by hand: essays scored per rubric criterion, and the attempt's grade decided again
once the last one is in. Plain data in and out; the services store and announce it."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..i18n_markers import N_
from .attempts import AttemptGrade, QuestionResult, question_points
from .types.essay import criteria_of

MAX_FEEDBACK_CHARS = 4_000


@dataclass(frozen=True)
class CriterionScore:
    """A grader's score and comment on one rubric criterion."""

    id: str
    score: float
    points: float
    feedback: str


def _english(message: str) -> str:
    return message


def read_criterion_scores(question: Mapping[str, Any], raw_scores: Mapping[str, str],
                          raw_feedback: Mapping[str, str],
                          say: Callable[[str], str] = _english,
                          ) -> tuple[list[CriterionScore], dict[str, str]]:
    """Read a grader's typed scores (a decimal comma allowed) and comments per criterion;
    return the scores and, per criterion id, a sentence for each one that cannot be used
    (written through `say`, the grader's gettext; English by default)."""
    scores, errors = [], {}
    for criterion in criteria_of(question):
        cid, points = criterion["id"], float(criterion["points"])
        typed = (raw_scores.get(cid) or "").strip().replace(",", ".")
        try:
            value = float(typed) if typed and typed.isascii() else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not 0 <= value <= points:
            errors[cid] = say(N_("Enter a score from 0 to %(points)s.")) % {
                "points": f"{points:g}"}
            value = 0.0
        feedback = (raw_feedback.get(cid) or "").strip()
        if len(feedback) > MAX_FEEDBACK_CHARS:
            errors[cid] = say(N_("Keep the feedback under %(limit)s characters.")) % {
                "limit": f"{MAX_FEEDBACK_CHARS:,}"}
        scores.append(CriterionScore(cid, round(value, 2), points, feedback[:MAX_FEEDBACK_CHARS]))
    return scores, errors


def essay_points(question: Mapping[str, Any], scores: Sequence[CriterionScore]) -> float:
    """Return the points an essay earns: its share of the rubric times the question's points."""
    out_of = sum(Fraction(s.points).limit_denominator(1000) for s in scores)
    got = sum(Fraction(s.score).limit_denominator(1000) for s in scores)
    if not out_of:
        return 0.0
    return round(float(question_points(question["points"]) * got / out_of), 4)


def with_essay_graded(results: Sequence[Mapping[str, Any]], question_id: str,
                      points: float) -> list[dict[str, Any]]:
    """Return the attempt's stored results with one essay's score set and no longer pending."""
    updated = []
    for result in results:
        entry = dict(result)
        if entry["id"] == question_id:
            entry["score"] = points
            entry.pop("pending", None)
        updated.append(entry)
    return updated


def grade_from_results(quiz: Mapping[str, Any], results: Sequence[Mapping[str, Any]]
                       ) -> AttemptGrade:
    """Decide an attempt's grade from its stored per-question results (the machine's scores
    and the graders'): pass or fail only when no essay is pending."""
    rows = [QuestionResult(r["id"], r["points"], r["score"], r["must_pass"],
                           bool(r.get("pending"))) for r in results]
    total = sum(Fraction(r.score).limit_denominator(10_000) for r in rows)
    maximum = sum(question_points(r.points) for r in rows)
    percent = float(total * 100 / maximum) if maximum else 0.0
    pending = [r.question_id for r in rows if r.pending]
    failed = [r.question_id for r in rows if r.must_pass and not r.pending and not r.correct]
    passed = bool(maximum) and total * 100 >= Fraction(quiz["pass_mark"]) * maximum \
        and not failed and not pending
    return AttemptGrade(rows, round(float(total), 4), float(maximum), round(percent, 2),
                        bool(passed), failed, pending)


def pending_questions(results: Sequence[Mapping[str, Any]] | None) -> list[str]:
    """Return the ids of the essays of an attempt still waiting for a grade."""
    return [r["id"] for r in results or () if r.get("pending")]
