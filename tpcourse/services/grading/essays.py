"""Grading an essay: once per essay, audited; the attempt's grade is decided with the last one.

The grade row's unique key (attempt, question) makes an essay graded once however many
graders post at the same moment; the attempt's row is locked while its results are rewritten,
so two essays of one attempt graded at once cannot lose each other's score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...grading.manual import (
    MAX_FEEDBACK_CHARS,
    essay_points,
    grade_from_results,
    read_criterion_scores,
    with_essay_graded,
)
from ...models import EssayGrade, GradeOverride, User
from ..certification.completion import check_completion
from ..errors import Conflict, ServiceError
from ..notifications import announce
from ..records.audit import actor_of, record_event
from .access import gradable_attempt
from .queue import essay_to_grade

ALREADY_GRADED = _l("This essay has already been graded; its grade stands (an override can "
                     "change the attempt's grade).")


class GradeRefused(ServiceError):
    """The scores typed cannot be used; `errors` says why, per criterion id."""

    status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(_("Check the scores marked below."))
        self.errors = errors


def grade_essay(viewer: User, attempt_id: str, question_id: str, scores: Mapping[str, str],
                feedback: Mapping[str, str], overall: str, now: datetime) -> EssayGrade:
    """Store an instructor's grade of one essay (per criterion), once; when it was the
    attempt's last essay, decide pass or fail, notify the trainee and check completion."""
    essay = essay_to_grade(viewer, attempt_id, question_id)
    if essay.grade is not None:
        raise Conflict(str(ALREADY_GRADED))
    criteria, errors = read_criterion_scores(essay.question, scores, feedback, say=_)
    overall = (overall or "").strip()
    if len(overall) > MAX_FEEDBACK_CHARS:
        errors["overall"] = _("Keep the feedback under %(limit)s characters.",
                              limit=format_decimal(MAX_FEEDBACK_CHARS))
    if errors:
        raise GradeRefused(errors)
    points = essay_points(essay.question, criteria)
    grade = EssayGrade(attempt_id=attempt_id, question_id=question_id, grader_id=viewer.id,
                       graded_at=now, criteria=[asdict(c) for c in criteria], points=points,
                       feedback=overall)
    try:
        with db.session.begin_nested():
            db.session.add(grade)
    except IntegrityError:
        db.session.rollback()
        raise Conflict(str(ALREADY_GRADED)) from None
    attempt, quiz = gradable_attempt(viewer, attempt_id, lock=True)  # fresh, locked
    results = with_essay_graded(attempt.results or [], question_id, points)
    decided = grade_from_results(attempt.quiz_version.data, results)
    attempt.results = results
    attempt.score, attempt.regraded_at = decided.score, now
    payload = {"attempt": attempt.id, "user": attempt.user_id, "question": question_id,
               "points": points, "criteria": {c.id: c.score for c in criteria}}
    if not decided.pending:
        attempt.percent, attempt.passed = decided.percent, decided.passed
        payload.update(score=decided.score, max_score=decided.max_score,
                       percent=decided.percent, passed=decided.passed)
    record_event("attempt.essay_graded", payload, actor_of(viewer), now)
    if not decided.pending:
        announce.attempt_graded(attempt, essay.attempt.quiz_version.title, now)
    db.session.commit()
    if attempt.passed:
        check_completion(db.session.get(User, attempt.user_id), quiz.course_id, now,
                         actor=viewer)
    return grade


def essay_grades_of(attempt_id: str) -> dict[str, EssayGrade]:
    """Return the grades of an attempt's essays, by question id."""
    return {g.question_id: g for g in db.session.execute(
        select(EssayGrade).where(EssayGrade.attempt_id == attempt_id)).scalars()}


def manual_grading(attempt, data) -> dict:
    """What a trainee's result page shows of grading by hand: the essays' grades and the
    latest override. Read only for an attempt an instructor has regraded (no query else)."""
    if attempt.regraded_at is None:
        return {"essay_grades": {}, "override": None}
    latest = db.session.execute(select(GradeOverride).where(
        GradeOverride.attempt_id == attempt.id)
        .order_by(GradeOverride.at.desc(), GradeOverride.id.desc()).limit(1)).scalar_one_or_none()
    return {"essay_grades": essay_grades_of(attempt.id), "override": latest}
