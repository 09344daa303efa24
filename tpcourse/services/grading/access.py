"""Which attempts a grader may see: those at quizzes of the courses they teach."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...extensions import db
from ...models import Attempt, CourseInstructor, Quiz, User
from ...permissions.grading import can_grade
from ..errors import NotFound

NO_SUCH_ATTEMPT = _l("No such attempt among the courses you teach.")


def taught_course_ids(viewer: User) -> list[int] | None:
    """Return the ids of the courses the viewer teaches; None for an admin (every course)."""
    if viewer.role == "admin":
        return None
    return list(db.session.execute(select(CourseInstructor.course_id).where(
        CourseInstructor.user_id == viewer.id)).scalars())


def gradable_attempt(viewer: User, attempt_id: str, lock: bool = False) -> tuple[Attempt, Quiz]:
    """Return an attempt at a quiz of a course the viewer teaches, and its quiz; NotFound for
    any other (so ids do not leak). `lock` reads the row for update."""
    statement = (select(Attempt, Quiz).join(Quiz, Quiz.id == Attempt.quiz_id)
                 .where(Attempt.id == attempt_id))
    if lock:
        statement = statement.with_for_update(of=Attempt)
    row = db.session.execute(statement).first()
    if row is None or row.Quiz.course_id is None:
        raise NotFound(str(NO_SUCH_ATTEMPT))
    attempt, quiz = row
    instructs = db.session.get(CourseInstructor, (viewer.id, quiz.course_id)) is not None
    if not can_grade(viewer, instructs):
        raise NotFound(str(NO_SUCH_ATTEMPT))
    return attempt, quiz
