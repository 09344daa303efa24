"""Overriding an attempt's grade: an instructor of the course, with a reason, audited; the
grade before stays on record beside it (grade_overrides), and the attempt's history shows
every change."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import EssayGrade, GradeOverride, User
from ..certification.completion import check_completion
from ..errors import Conflict
from ..notifications import announce
from ..records.audit import actor_of, record_event
from .access import gradable_attempt
from .essays import GradeRefused

REASON_MIN, REASON_MAX = 10, 2000


def read_override(raw_score: str, raw_result: str, reason: str,
                  max_score: float) -> tuple[float, bool, str]:
    """Read the new score, pass or fail, and the reason from a form; GradeRefused with a
    sentence per field when any cannot be used."""
    errors: dict[str, str] = {}
    typed = (raw_score or "").strip().replace(",", ".")
    try:
        score = float(typed) if typed and typed.isascii() else math.nan
    except ValueError:
        score = math.nan
    if not math.isfinite(score) or not 0 <= score <= max_score:
        errors["score"] = _("Enter a score from 0 to %(max)s points.",
                            max=format_decimal(max_score))
    if raw_result not in ("passed", "failed"):
        errors["result"] = _("Choose whether the attempt passes.")
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        errors["reason"] = _("Give the reason in %(least)s to %(most)s characters: it is kept "
                             "in the attempt's history and the audit log.",
                             least=REASON_MIN, most=format_decimal(REASON_MAX))
    if errors:
        raise GradeRefused(errors)
    return round(score, 4), raw_result == "passed", reason


def override_grade(viewer: User, attempt_id: str, raw_score: str, raw_result: str,
                   reason: str, now: datetime) -> GradeOverride:
    """Change a closed attempt's grade (score and pass or fail), keeping the grade before it;
    audited, the trainee notified, completion checked when it now passes."""
    attempt, quiz = gradable_attempt(viewer, attempt_id, lock=True)
    if attempt.status == "in_progress":
        raise Conflict(_("This attempt has not been submitted yet."))
    if attempt.passed is None:
        raise Conflict(_("Grade this attempt's essays first; then its grade can be overridden."))
    score, passed, reason = read_override(raw_score, raw_result, reason, attempt.max_score or 0)
    percent = round(score * 100 / attempt.max_score, 2) if attempt.max_score else 0.0
    override = GradeOverride(attempt_id=attempt.id, by_id=viewer.id, at=now, reason=reason,
                             from_score=attempt.score, from_percent=attempt.percent,
                             from_passed=attempt.passed, to_score=score, to_percent=percent,
                             to_passed=passed)
    db.session.add(override)
    attempt.score, attempt.percent, attempt.passed = score, percent, passed
    attempt.regraded_at = now
    db.session.flush()
    record_event("attempt.grade_overridden", {
        "override": override.id, "attempt": attempt.id, "user": attempt.user_id,
        "from": {"score": override.from_score, "percent": override.from_percent,
                 "passed": override.from_passed},
        "to": {"score": score, "percent": percent, "passed": passed}, "reason": reason},
        actor_of(viewer), now)
    announce.grade_overridden(attempt, override, attempt.quiz_version.title, now)
    db.session.commit()
    if passed:
        check_completion(db.session.get(User, attempt.user_id), quiz.course_id, now,
                         actor=viewer)
    return override


@dataclass(frozen=True)
class HistoryEntry:
    """One change to an attempt's grade, as the history shows it."""

    at: datetime
    what: str
    by: str
    detail: dict[str, Any]


def attempt_history(viewer: User, attempt_id: str) -> tuple[Any, list[HistoryEntry],
                                                            list[GradeOverride]]:
    """Return an attempt the viewer may grade, its history (submitted, essays graded,
    overrides; oldest first) and its overrides."""
    attempt, _quiz = gradable_attempt(viewer, attempt_id)
    overrides = list(db.session.execute(select(GradeOverride).where(
        GradeOverride.attempt_id == attempt_id).order_by(GradeOverride.at, GradeOverride.id))
        .scalars())
    essays = list(db.session.execute(select(EssayGrade).where(
        EssayGrade.attempt_id == attempt_id).order_by(EssayGrade.graded_at)).scalars())
    people = {u.id: u.name for u in db.session.execute(select(User).where(User.id.in_(
        {o.by_id for o in overrides} | {e.grader_id for e in essays}))).scalars()}
    history = []
    if attempt.submitted_at is not None:
        history.append(HistoryEntry(attempt.submitted_at, "submitted", "the trainee", {}))
    for essay in essays:
        history.append(HistoryEntry(essay.graded_at, "essay graded",
                                    people.get(essay.grader_id, "?"),
                                    {"question": essay.question_id, "points": essay.points}))
    for change in overrides:
        history.append(HistoryEntry(change.at, "grade overridden", people.get(change.by_id, "?"),
                                    {"override": change}))
    history.sort(key=lambda entry: entry.at)
    return attempt, history, overrides
