"""Course evaluations: trainees answer once before their certificate; instructors see totals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import CompletionRecord, CourseVersion, EvaluationResponse, User
from ...permissions.certification import can_see_evaluations
from ..errors import Conflict, NotFound, ServiceError
from ..learning.learning import current_version, enrollment_for, instructs
from ..records.audit import actor_of, record_event
from .completion import check_completion

RATINGS = (1, 2, 3, 4, 5)
TEXT_MAX = 2000


class EvaluationInvalid(ServiceError):
    """Some answers are missing or malformed; `errors` maps question ids to messages."""

    status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Some answers need your attention.")
        self.errors = errors


def clean_answers(questions: Sequence[Mapping[str, Any]],
                  raw: Mapping[str, str | None]) -> tuple[dict[str, Any], dict[str, str]]:
    """Check answers (by question id) against the questions; return (answers, errors)."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in questions:
        qid = question["id"]
        value = (raw.get(qid) or "").strip()
        if question["type"] == "rating":
            if value in {str(r) for r in RATINGS}:
                answers[qid] = int(value)
            elif value or question.get("required"):
                errors[qid] = _("Choose a rating from 1 (poor) to 5 (excellent).")
        elif len(value) > TEXT_MAX:
            errors[qid] = _("Keep your answer under %(count)s characters.", count=TEXT_MAX)
        elif value:
            answers[qid] = value
        elif question.get("required"):
            errors[qid] = _("Write an answer to this question.")
    return answers, errors


def evaluation_of(user: User, slug: str) -> tuple[CourseVersion, EvaluationResponse | None]:
    """Return a course with an evaluation the user is enrolled in, and their answers if sent."""
    version = current_version(slug)
    if enrollment_for(user, version.course_id) is None or not version.evaluation:
        raise NotFound(_("This course has no evaluation for you to fill in."))
    response = db.session.execute(select(EvaluationResponse).filter_by(
        user_id=user.id, course_id=version.course_id)).scalar_one_or_none()
    return version, response


def submit_evaluation(user: User, slug: str, raw: Mapping[str, str | None],
                      now: datetime) -> tuple[EvaluationResponse, CompletionRecord | None]:
    """Store the user's evaluation once; issue their record if it was the last step."""
    version, existing = evaluation_of(user, slug)
    if existing is not None:
        raise Conflict(_("You have already sent the evaluation for this course. Thank you!"))
    answers, errors = clean_answers(version.evaluation, raw)
    if errors:
        raise EvaluationInvalid(errors)
    response = EvaluationResponse(user_id=user.id, course_id=version.course_id,
                                  course_version_id=version.id, answers=answers,
                                  submitted_at=now)
    db.session.add(response)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("You have already sent the evaluation for this course.")) from None
    record_event("evaluation.submitted", {
        "response": response.id, "user": user.id, "course": version.course_id,
        "course_version": version.id}, actor_of(user), now)
    db.session.commit()
    return response, check_completion(user, version.course_id, now)


@dataclass
class QuestionSummary:
    """The answers to one question, totalled (ratings) or listed (text)."""

    question: Mapping[str, Any]
    count: int = 0
    mean: float | None = None
    distribution: list[tuple[int, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)


def summarise(questions: Sequence[Mapping[str, Any]],
              answer_sets: Sequence[Mapping[str, Any]]) -> list[QuestionSummary]:
    """Total ratings (count, mean, how many gave each value) and list text answers."""
    summaries = []
    for question in questions:
        qid, summary = question["id"], QuestionSummary(question)
        given = [answers[qid] for answers in answer_sets if answers.get(qid) not in (None, "")]
        if question["type"] == "rating":
            ratings = [value for value in given if value in RATINGS]
            summary.count = len(ratings)
            summary.mean = round(sum(ratings) / len(ratings), 2) if ratings else None
            summary.distribution = [(r, ratings.count(r)) for r in RATINGS]
        else:
            summary.texts = [str(value) for value in given]
            summary.count = len(summary.texts)
        summaries.append(summary)
    return summaries


def course_results(viewer: User, slug: str) -> tuple[CourseVersion, int, list[QuestionSummary]]:
    """Return the course, how many evaluations were sent, and each question's summary.

    Answers are shown without names. Questions are the current version's; answers given to
    an earlier version count where the question id is the same.
    """
    version = current_version(slug)
    if not can_see_evaluations(viewer, instructs(viewer, version.course_id)):
        raise NotFound(_("No such course among the courses you teach."))
    answer_sets = list(db.session.execute(
        select(EvaluationResponse.answers).where(EvaluationResponse.course_id == version.course_id)
        .order_by(EvaluationResponse.submitted_at.desc(), EvaluationResponse.id.desc())
    ).scalars())
    return version, len(answer_sets), summarise(version.evaluation or [], answer_sets)
