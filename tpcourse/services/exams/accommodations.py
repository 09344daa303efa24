"""Accommodations: extra time or attempts for one trainee on one quiz, or its sequencing locks
lifted (services/exams/sequencing.py).

The course's instructors and admins grant them to anyone on the course; a school admin only to
their own school's trainees. The quiz pages show and enforce them (services/attempts.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...i18n_markers import N_
from ...models import Accommodation, Course, CourseVersion, Enrollment, Quiz, QuizVersion, User
from ...permissions import authoring as author_permissions
from ..errors import Conflict, NotFound, ServiceError
from ..learning.learning import instructs
from ..records.audit import actor_of, record_event

LIMITS = {"extra_attempts": 20, "extra_minutes": 600, "extra_percent": 300}
_OUT_OF_RANGE = {"extra_attempts": N_("Extra attempts must be between 0 and %(limit)s."),
                 "extra_minutes": N_("Extra minutes must be between 0 and %(limit)s."),
                 "extra_percent": N_("Extra percent must be between 0 and %(limit)s.")}


@dataclass
class AccommodationScope:
    """A quiz, the trainees the user may grant accommodations to, and those granted."""

    quiz: Quiz
    version: QuizVersion | None
    trainees: list[User]
    granted: list[tuple[Accommodation, User]]


def _trainees(user: User, course_id: int | None) -> list[User]:
    if course_id is None:
        return []
    query = (select(User).join(Enrollment, Enrollment.user_id == User.id)
             .where(Enrollment.course_id == course_id, User.deleted_at.is_(None))
             .order_by(User.name, User.email))
    if user.role == "school_admin":
        query = query.where(User.school_id == user.school_id)
    return list(db.session.execute(query).scalars())


def scope(user: User, slug: str) -> AccommodationScope:
    """Return what the user may see and grant on a quiz; NotFound when nothing."""
    quiz = db.session.execute(select(Quiz).filter_by(slug=slug)).scalar_one_or_none()
    if quiz is None:
        raise NotFound(_("No such quiz."))
    teaches = quiz.course_id is not None and instructs(user, quiz.course_id)
    trainees = _trainees(user, quiz.course_id)
    if not author_permissions.can_grant_accommodation(user, teaches, bool(trainees)):
        raise NotFound(_("No such quiz."))
    version = db.session.execute(select(QuizVersion).filter_by(
        quiz_id=quiz.id, version=quiz.current_version)).scalar_one_or_none()
    by_id = {t.id: t for t in trainees}
    rows = db.session.execute(select(Accommodation).where(
        Accommodation.quiz_id == quiz.id,
        Accommodation.user_id.in_(list(by_id)))).scalars() if by_id else []
    granted = sorted(((a, by_id[a.user_id]) for a in rows), key=lambda pair: pair[1].name)
    return AccommodationScope(quiz, version, trainees, granted)


def grant(user: User, slug: str, trainee_id: int, extra_attempts: int, extra_minutes: int,
          extra_percent: int, note: str, now: datetime, lift_locks: bool = False) -> Accommodation:
    """Grant (or change) a trainee's extra attempts and time on a quiz, and whether the
    course's sequencing locks are lifted on it for them (recorded and audited)."""
    place = scope(user, slug)
    trainee = next((t for t in place.trainees if t.id == trainee_id), None)
    if trainee is None:
        raise NotFound(_("No such trainee on this course."))
    amounts = {"extra_attempts": extra_attempts, "extra_minutes": extra_minutes,
               "extra_percent": extra_percent}
    for key, value in amounts.items():
        if not 0 <= value <= LIMITS[key]:
            raise ServiceError(_(_OUT_OF_RANGE[key], limit=LIMITS[key]))
    if not any(amounts.values()) and not lift_locks:
        raise ServiceError(_("Grant at least one extra attempt, minute or percent, or lift the "
                             "locks."))
    row = db.session.execute(select(Accommodation).filter_by(
        user_id=trainee.id, quiz_id=place.quiz.id)).scalar_one_or_none()
    if row is None:
        row = Accommodation(user_id=trainee.id, quiz_id=place.quiz.id)
        db.session.add(row)
    for key, value in amounts.items():
        setattr(row, key, value)
    row.lift_locks = bool(lift_locks)
    row.note, row.granted_by_id, row.granted_at = note.strip()[:500], user.id, now
    record_event("accommodation.granted", {"quiz": slug, "user": trainee.id, **amounts,
                                           "lift_locks": row.lift_locks},
                 actor_of(user), now)
    from ..notifications import announce

    announce.accommodation_granted(trainee.id, slug, place.version.title if place.version
                                   else slug, {**amounts, "lift_locks": row.lift_locks}, now)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Someone else changed this trainee's accommodation at the same "
                         "moment; check it and try again.")) from None
    return row


def revoke(user: User, slug: str, accommodation_id: int, now: datetime) -> None:
    """Remove an accommodation the user may see."""
    place = scope(user, slug)
    row = next((a for a, _ in place.granted if a.id == accommodation_id), None)
    if row is None:
        raise NotFound(_("No such accommodation."))
    record_event("accommodation.revoked", {"quiz": slug, "user": row.user_id},
                 actor_of(user), now)
    db.session.delete(row)
    db.session.commit()


def school_quizzes(user: User) -> list[tuple[CourseVersion, list[str]]]:
    """For a school admin: courses their trainees take, with the quizzes of each."""
    if user.role != "school_admin" or user.school_id is None:
        return []
    course_ids = set(db.session.execute(
        select(Enrollment.course_id).join(User, User.id == Enrollment.user_id)
        .where(User.school_id == user.school_id)).scalars())
    if not course_ids:
        return []
    versions = db.session.execute(
        select(CourseVersion).join(Course, Course.id == CourseVersion.course_id)
        .where(Course.id.in_(course_ids), CourseVersion.version == Course.current_version)
        .order_by(CourseVersion.title)).scalars()
    slugs: dict[int, list[str]] = {}
    for quiz in db.session.execute(select(Quiz).where(Quiz.course_id.in_(course_ids))
                                   .order_by(Quiz.slug)).scalars():
        slugs.setdefault(quiz.course_id, []).append(quiz.slug)
    return [(v, slugs.get(v.course_id, [])) for v in versions]
