"""Locked steps: the course's sequencing settings and a cohort's deadline applied to one trainee.

The rules are tpcourse/grading/sequencing.py; this module reads what they need. The start path
reads the settings and the deadline in its one statement (attempts.quiz_for: `Gate`), so a
course without sequencing costs no statement more; an accommodation with `lift_locks` lifts
every lock on its quiz for its trainee.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from flask_babel import get_locale
from sqlalchemy import select

from ...extensions import db
from ...grading.sequencing import Lock, quiz_lock
from ...i18n_markers import N_, Sentence
from ...models import (
    Accommodation,
    AnyUser,
    Attempt,
    Cohort,
    Course,
    CourseVersion,
    Enrollment,
    Quiz,
)
from .. import cache
from ..learning import translations
from ..learning.learning import current_version, read_lesson_keys


class Gate(NamedTuple):
    """What decides whether locks apply at all: the course's settings, the cohort's deadline."""

    sequencing: dict[str, Any] | None
    cohort_deadline: datetime | None

    @property
    def idle(self) -> bool:
        """True when nothing can be locked (no settings, no deadline): no reads needed."""
        return not self.sequencing and self.cohort_deadline is None


NO_GATE = Gate(None, None)
# The current course version's settings, as a column of the quiz reads (correlated to Quiz).
SEQUENCING_COLUMN = (
    select(CourseVersion.sequencing).join(Course, Course.id == CourseVersion.course_id)
    .where(Course.id == Quiz.course_id, CourseVersion.version == Course.current_version)
    .correlate(Quiz).scalar_subquery().label("sequencing"))


def gate_for(user: AnyUser, course_id: int | None) -> Gate:
    """Read the gate of a course for a user (one statement); the start path reads it itself."""
    if course_id is None:
        return NO_GATE
    row = db.session.execute(
        select(CourseVersion.sequencing, Cohort.deadline)
        .join(Course, Course.id == CourseVersion.course_id)
        .outerjoin(Enrollment, (Enrollment.course_id == Course.id)
                   & (Enrollment.user_id == user.id))
        .outerjoin(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Course.id == course_id, CourseVersion.version == Course.current_version)).first()
    return Gate(row.sequencing, row.deadline) if row else NO_GATE


def lock_for(user: AnyUser, quiz: Quiz, now: datetime, gate: Gate | None = None,
             extra: Accommodation | None = None) -> Lock | None:
    """The lock on a quiz for the user now, or None (also when an accommodation lifts it)."""
    if quiz.course_id is None or (extra is not None and extra.lift_locks):
        return None
    gate = gate if gate is not None else gate_for(user, quiz.course_id)
    if gate.idle:
        return None
    lock = locks_in_course(user, quiz.course_id, now, gate, only=quiz.slug).get(quiz.slug)
    if lock is None:
        return None
    # Locked (the rare case): say again with the lessons' and quizzes' titles.
    slug = db.session.execute(select(Course.slug).where(Course.id == quiz.course_id)).scalar()
    version, _ = translations.course_in(current_version(slug, with_lessons=True),
                                        str(get_locale() or "en"))  # titles as the reader reads
    return locks_in_course(user, quiz.course_id, now, gate, only=quiz.slug,
                           version=version).get(quiz.slug, lock)


def locks_in_course(user: AnyUser, course_id: int, now: datetime, gate: Gate | None = None,
                    only: str | None = None, version: Any = None) -> dict[str, Lock]:
    """The locked quizzes of a course for the user now (module quizzes and the final), by slug;
    accommodations that lift locks are honoured. Given the course `version` with its modules
    and lessons loaded, what unlocks a step is said with lesson and module titles."""
    gate = gate if gate is not None else gate_for(user, course_id)
    if gate.idle:
        return {}
    outline = cache.course_outline(course_id)
    settings = gate.sequencing or {}
    module_of = dict(outline.quiz_modules)
    slugs = [*outline.module_quizzes, *([outline.final_exam_slug]
                                        if outline.final_exam_slug else [])]
    slugs = [slug for slug in slugs if only is None or slug == only]
    read = read_lesson_keys(user, course_id) if settings.get("module_quiz_after_lessons") else set()
    passed: set[str] = set()
    if settings.get("final_after_module_quizzes") and outline.final_exam_slug in slugs:
        passed = set(db.session.execute(
            select(Quiz.slug).join(Attempt, Attempt.quiz_id == Quiz.id)
            .where(Attempt.user_id == user.id, Attempt.passed.is_(True),
                   Quiz.slug.in_(outline.module_quizzes))).scalars())
    lifted = set(db.session.execute(
        select(Quiz.slug).join(Accommodation, Accommodation.quiz_id == Quiz.id)
        .where(Accommodation.user_id == user.id, Accommodation.lift_locks.is_(True),
               Quiz.slug.in_(slugs)))
        .scalars()) if slugs else set()
    lesson_titles: dict[str, str] = {}
    quiz_titles: dict[str, str | Sentence] = {}
    for module in getattr(version, "modules", None) or []:
        if module.quiz_slug:
            quiz_titles[module.quiz_slug] = Sentence(N_("the quiz of “%(module)s”"),
                                                     {"module": module.title})
        for lesson in module.__dict__.get("lessons") or []:  # only when loaded
            lesson_titles[f"{module.slug}/{lesson.slug}"] = f"“{lesson.title}”"
    locks = {}
    for slug in slugs:
        if slug in lifted:
            continue
        module = module_of.get(slug)
        lock = quiz_lock(
            slug, settings, now, cohort_deadline=gate.cohort_deadline,
            module_lessons=[k for k in outline.lesson_keys if module and k.startswith(module + "/")],
            lessons_read=read, is_final=slug == outline.final_exam_slug,
            module_quizzes=outline.module_quizzes, passed=passed,
            lesson_titles=lesson_titles, quiz_titles=quiz_titles)
        if lock is not None:
            locks[slug] = lock
    return locks
