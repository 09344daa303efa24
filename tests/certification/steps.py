"""What a trainee and an instructor do to earn a certificate, through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from tests.helpers import answer_form
from tpcourse.extensions import db
from tpcourse.models import CompletionRecord, Course, Lesson, Module
from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
from tpcourse.services.learning.learning import current_version, enroll, mark_lesson_read

CERTIFIED_SKILLS = ("pincer-upper-trap", "pressure-scale", "screen-contraindications")
GOOD_EVALUATION = {"objectives": "5", "useful": "4", "change": "Check in more often.",
                   "improve": ""}


def read_every_lesson(user, slug: str, now: datetime) -> None:
    """Mark every lesson of the course's current version read."""
    version = current_version(slug)
    keys = db.session.execute(select(Module.slug, Lesson.slug).join(
        Lesson, Lesson.module_id == Module.id).where(Module.course_version_id == version.id)).all()
    for module_slug, lesson_slug in keys:
        mark_lesson_read(user, version.course_id, f"{module_slug}/{lesson_slug}", now)


def pass_quiz(user, slug: str, now: datetime) -> None:
    """Start and submit a right answer to every drawn question."""
    quiz, version = get_quiz(slug)
    attempt = start_attempt(user, quiz, version, now)
    form = {key: value if isinstance(value, list) else [value]
            for key, value in answer_form(attempt).items()}
    outcome = submit_attempt(attempt.id, user, form, now + timedelta(minutes=1))
    assert outcome.attempt.passed, outcome


def record_of(user, slug: str) -> CompletionRecord | None:
    """Return the user's newest completion record for a course (its latest cycle), if any."""
    course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one()
    db.session.expire_all()
    return db.session.execute(select(CompletionRecord).filter_by(
        user_id=user.id, course_id=course.id).order_by(CompletionRecord.cycle.desc())
        .limit(1)).scalar_one_or_none()


def complete_basics(user, now: datetime) -> CompletionRecord:
    """Enrol, read, pass every quiz and the final exam of 'basics'; return the record."""
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    enroll(user, course.id)
    read_every_lesson(user, "basics", now)
    for slug in ("intro-quiz", "safety-quiz", "basics-final"):
        pass_quiz(user, slug, now)
    record = record_of(user, "basics")
    assert record is not None
    return record


def sign_skills(instructor, trainee, now: datetime, keys=CERTIFIED_SKILLS) -> None:
    """Sign the given skills of 'certified' off for the trainee."""
    from tpcourse.services.certification.skills import sign_off

    for key in keys:
        sign_off(instructor, "certified", trainee.id, key, now.date(), "", now)


def evaluate(trainee, now: datetime, answers=None) -> None:
    """Send the evaluation of 'certified'."""
    from tpcourse.services.certification.evaluation import submit_evaluation

    submit_evaluation(trainee, "certified", answers or GOOD_EVALUATION, now)
