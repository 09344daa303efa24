"""Catalogue, enrolment, course outlines with progress, and reading lessons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    AnyUser,
    Attempt,
    Course,
    CourseInstructor,
    CourseVersion,
    Enrollment,
    LessonProgress,
    Module,
    Quiz,
    User,
    utcnow,
)
from ..errors import NotFound


def current_versions() -> list[CourseVersion]:
    """Return the current version of every course, for the catalogue."""
    return list(db.session.execute(
        select(CourseVersion).join(Course, Course.id == CourseVersion.course_id)
        .where(CourseVersion.version == Course.current_version).order_by(CourseVersion.title)
    ).scalars())


def current_version(course_slug: str, with_lessons: bool = False) -> CourseVersion:
    """Return a course's current version (modules loaded, lessons too if asked); 404 if none."""
    options = selectinload(CourseVersion.modules)
    if with_lessons:
        options = options.selectinload(Module.lessons)
    version = db.session.execute(
        select(CourseVersion).join(Course, Course.id == CourseVersion.course_id)
        .where(Course.slug == course_slug, CourseVersion.version == Course.current_version)
        .options(options)
    ).scalar_one_or_none()
    if version is None:
        raise NotFound(_("No such course."))
    return version


def enrollment_for(user: User, course_id: int) -> Enrollment | None:
    """Return the user's enrolment in a course, if any."""
    return db.session.execute(
        select(Enrollment).filter_by(user_id=user.id, course_id=course_id)
    ).scalar_one_or_none()


def enrolled_course_ids(user: User) -> set[int]:
    """Return the ids of the courses the user is enrolled in."""
    return set(db.session.execute(
        select(Enrollment.course_id).filter_by(user_id=user.id)).scalars())


def instructs(user: AnyUser, course_id: int) -> bool:
    """Whether the user is an instructor assigned to the course."""
    return db.session.get(CourseInstructor, (user.id, course_id)) is not None


def enroll(user: User, course_id: int, cohort_id: int | None = None) -> Enrollment:
    """Enrol a user in a course once; enrolling again returns the existing enrolment."""
    existing = enrollment_for(user, course_id)
    if existing:
        return existing
    enrollment = Enrollment(user_id=user.id, course_id=course_id, cohort_id=cohort_id)
    db.session.add(enrollment)
    try:
        db.session.flush()
        from ..notifications import announce

        announce.enrollment_created(enrollment, user, enrollment.enrolled_at or utcnow())
        db.session.commit()
    except IntegrityError:  # a concurrent request enrolled first
        db.session.rollback()
        return enrollment_for(user, course_id)
    return enrollment


@dataclass
class ModuleProgress:
    """A module with the trainee's progress through it."""

    module: Module
    lessons_read: int
    lessons_total: int
    quiz: Quiz | None
    quiz_status: str  # none | not_started | in_progress | failed | passed
    read_keys: set[str] = field(default_factory=set)

    @property
    def percent(self) -> int:
        """Share of the module done: lessons read plus the quiz passed."""
        steps = self.lessons_total + (1 if self.quiz else 0)
        done = self.lessons_read + (1 if self.quiz_status == "passed" else 0)
        return round(100 * done / steps) if steps else 100


def read_lesson_keys(user: AnyUser, course_id: int) -> set[str]:
    """Return the lesson keys the user has marked as read in a course."""
    return set(db.session.execute(
        select(LessonProgress.lesson_key).filter_by(user_id=user.id, course_id=course_id)
    ).scalars())


def quiz_statuses(user: User, slugs: list[str]) -> dict[str, tuple[Quiz, str]]:
    """Return, per quiz slug, the quiz and the user's status on it (two queries in all)."""
    quizzes = {q.slug: q for q in db.session.execute(
        select(Quiz).where(Quiz.slug.in_(slugs))).scalars()}
    rows = db.session.execute(
        select(Attempt.quiz_id, Attempt.status, Attempt.passed)
        .where(Attempt.user_id == user.id, Attempt.quiz_id.in_([q.id for q in quizzes.values()]))
    ).all()
    status: dict[int, str] = {}
    rank = {"not_started": 0, "failed": 1, "in_progress": 2, "passed": 3}
    for quiz_id, attempt_status, passed in rows:
        state = "in_progress" if attempt_status == "in_progress" else (
            "passed" if passed else "failed")
        if rank[state] > rank[status.get(quiz_id, "not_started")]:
            status[quiz_id] = state
    return {slug: (quiz, status.get(quiz.id, "not_started")) for slug, quiz in quizzes.items()}


def course_outline(user: User, version: CourseVersion) -> list[ModuleProgress]:
    """Return each module of a course version with the user's progress (constant queries)."""
    read = read_lesson_keys(user, version.course_id)
    slugs = [m.quiz_slug for m in version.modules if m.quiz_slug]
    statuses = quiz_statuses(user, slugs)
    outline = []
    for module in version.modules:
        keys = {f"{module.slug}/{lesson.slug}" for lesson in module.lessons}
        quiz, status = statuses.get(module.quiz_slug, (None, "none"))
        outline.append(ModuleProgress(module, len(keys & read), len(keys), quiz, status,
                                      read_keys=keys & read))
    return outline


def find_lesson(version: CourseVersion, module_slug: str, lesson_slug: str):
    """Return (module, lesson, previous lesson, next lesson) within the course; 404 if absent."""
    sequence = [(m, lesson) for m in version.modules for lesson in m.lessons]
    for index, (module, lesson) in enumerate(sequence):
        if module.slug == module_slug and lesson.slug == lesson_slug:
            before = sequence[index - 1] if index > 0 else None
            after = sequence[index + 1] if index + 1 < len(sequence) else None
            return module, lesson, before, after
    raise NotFound(_("No such lesson."))


def mark_lesson_read(user: User, course_id: int, lesson_key: str,
                     now: datetime | None = None) -> bool:
    """Record a lesson (by its module/lesson key) as read once; True when newly recorded."""
    exists = db.session.execute(select(LessonProgress.id).filter_by(
        user_id=user.id, course_id=course_id, lesson_key=lesson_key)).first()
    if exists:
        return False
    db.session.add(LessonProgress(user_id=user.id, course_id=course_id, lesson_key=lesson_key,
                                  completed_at=now or utcnow()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True
