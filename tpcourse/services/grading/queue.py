"""The grading queue: essays waiting for an instructor, oldest submission first."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...grading.manual import pending_questions
from ...grading.types.essay import criteria_of, word_count
from ...models import Attempt, Course, CourseVersion, EssayGrade, Quiz, QuizVersion, User
from .. import cache  # noqa: F401  (fills the deferred QuizVersion.data from the process cache)
from ..errors import Conflict, NotFound
from .access import gradable_attempt, taught_course_ids

QUEUE_LIMIT = 500


def pseudonym(attempt_id: str) -> str:
    """Name a trainee by their attempt only, for grading without knowing who wrote it."""
    return _("Candidate %(code)s",
             code=hashlib.sha256(attempt_id.encode()).hexdigest()[:6].upper())


@dataclass(frozen=True)
class QueueItem:
    """One essay waiting for a grade."""

    attempt_id: str
    question_id: str
    number: int  # the question's number in the attempt
    quiz_title: str
    course_title: str
    trainee: str
    submitted_at: datetime


def _awaiting(viewer: User):
    statement = (select(Attempt, QuizVersion.title, CourseVersion.title, User.name)
                 .join(QuizVersion, QuizVersion.id == Attempt.quiz_version_id)
                 .join(Quiz, Quiz.id == Attempt.quiz_id)
                 .join(Course, Course.id == Quiz.course_id)
                 .join(CourseVersion, (CourseVersion.course_id == Course.id)
                       & (CourseVersion.version == Course.current_version))
                 .join(User, User.id == Attempt.user_id)
                 .where(Attempt.status != "in_progress", Attempt.passed.is_(None))
                 .order_by(Attempt.submitted_at, Attempt.id).limit(QUEUE_LIMIT))
    courses = taught_course_ids(viewer)
    if courses is not None:
        statement = statement.where(Quiz.course_id.in_(courses))
    return statement


def grading_queue(viewer: User, anonymous: bool = False) -> list[QueueItem]:
    """Return the essays the viewer may grade, oldest submission first (then in the order
    of the attempt); trainees' names replaced by pseudonyms when `anonymous`."""
    items = []
    for attempt, quiz_title, course_title, name in db.session.execute(_awaiting(viewer)):
        for qid in pending_questions(attempt.results):
            items.append(QueueItem(attempt.id, qid, attempt.question_ids.index(qid) + 1,
                                   quiz_title, course_title,
                                   pseudonym(attempt.id) if anonymous else name,
                                   attempt.submitted_at))
    return items


def next_item(viewer: User, after: tuple[str, str] | None = None) -> QueueItem | None:
    """Return the first essay in the queue other than `after` (attempt id, question id)."""
    for item in grading_queue(viewer):
        if (item.attempt_id, item.question_id) != after:
            return item
    return None


@dataclass(frozen=True)
class EssayToGrade:
    """What a grader sees: the answer beside the rubric, the model answer, the attempt."""

    attempt: Attempt
    quiz: Quiz
    question: dict[str, Any]
    number: int
    answer: str | None
    words: int
    criteria: list[dict[str, Any]]
    trainee: str
    grade: EssayGrade | None


def essay_to_grade(viewer: User, attempt_id: str, question_id: str,
                   anonymous: bool = False) -> EssayToGrade:
    """Return one essay of an attempt the viewer may grade (graded or not); NotFound else."""
    attempt, quiz = gradable_attempt(viewer, attempt_id)
    if attempt.status == "in_progress":
        raise Conflict(_("This attempt has not been submitted yet."))
    by_id = {q["id"]: q for q in attempt.quiz_version.data["questions"]}
    question = by_id.get(question_id)
    if question is None or question_id not in attempt.question_ids \
            or question["type"] != "essay":
        raise NotFound(_("This attempt has no such essay."))
    answer = (attempt.responses or {}).get(question_id)
    grade = db.session.execute(select(EssayGrade).filter_by(
        attempt_id=attempt.id, question_id=question_id)).scalar_one_or_none()
    trainee = pseudonym(attempt.id) if anonymous else db.session.get(User, attempt.user_id).name
    return EssayToGrade(attempt, quiz, question, attempt.question_ids.index(question_id) + 1,
                        answer, word_count(answer), criteria_of(question), trainee, grade)


def trainee_name(attempt: Attempt, anonymous: bool = False) -> str:
    """Return the name of an attempt's trainee, or its pseudonym when grading anonymously."""
    return pseudonym(attempt.id) if anonymous else db.session.get(User, attempt.user_id).name


@dataclass(frozen=True)
class RecentAttempt:
    """A closed attempt in a course the viewer teaches, for the override page."""

    id: str
    quiz_title: str
    trainee: str
    submitted_at: datetime | None
    percent: float | None
    passed: bool | None


def recent_attempts(viewer: User, anonymous: bool = False, limit: int = 50) -> list[RecentAttempt]:
    """Return the latest closed attempts in the courses the viewer teaches, newest first."""
    statement = (select(Attempt.id, QuizVersion.title, User.name, Attempt.submitted_at,
                        Attempt.percent, Attempt.passed)
                 .join(QuizVersion, QuizVersion.id == Attempt.quiz_version_id)
                 .join(Quiz, Quiz.id == Attempt.quiz_id)
                 .join(User, User.id == Attempt.user_id)
                 .where(Attempt.status != "in_progress", Quiz.course_id.is_not(None))
                 .order_by(Attempt.submitted_at.desc(), Attempt.id).limit(limit))
    courses = taught_course_ids(viewer)
    if courses is not None:
        statement = statement.where(Quiz.course_id.in_(courses))
    return [RecentAttempt(row.id, row.title, pseudonym(row.id) if anonymous else row.name,
                          row.submitted_at, row.percent, row.passed)
            for row in db.session.execute(statement)]
