"""Cohorts: a school's group of trainees on one course, joined by an invite code."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...inputs import MAX_YEAR, MIN_YEAR, year_in_range
from ...models import Cohort, Course, CourseVersion, Enrollment, School, User
from ..errors import Conflict, NotFound, ServiceError
from ..records.audit import record_event

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
INVITE_LENGTH = 10  # 50 bits: not guessable at any rate a login limit allows


def new_invite_code() -> str:
    """Return a random invite code like `K7QX-M2PA-RB`."""
    symbols = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
    return f"{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"


def normalise_code(code: str) -> str:
    """Upper-case a typed code and restore its hyphens, so `k7qxm2parb` finds `K7QX-M2PA-RB`."""
    symbols = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}" if len(symbols) == INVITE_LENGTH else symbols


@dataclass(frozen=True)
class CohortSummary:
    """A cohort with its course title and how many trainees joined and completed."""

    cohort: Cohort
    course_slug: str
    course_title: str
    trainees: int


def course_choices() -> list[tuple[int, str, str]]:
    """Return (course id, slug, current title) for every course, for forms."""
    rows = db.session.execute(
        select(Course.id, Course.slug, CourseVersion.title)
        .join(CourseVersion, (CourseVersion.course_id == Course.id)
              & (CourseVersion.version == Course.current_version))
        .order_by(CourseVersion.title)).all()
    return [(row.id, row.slug, row.title) for row in rows]


def _in_order(query):
    """Live cohorts first, then newest first (the order of every cohort list)."""
    return query.order_by(Cohort.archived_at.is_not(None), Cohort.created_at.desc(),
                          Cohort.id.desc())


def cohort_choices(school: School) -> list[tuple[int, str]]:
    """Return (id, name) of the school's cohorts for a filter, in list order (one query)."""
    rows = db.session.execute(_in_order(select(Cohort.id, Cohort.name)
                                        .where(Cohort.school_id == school.id))).all()
    return [(row.id, row.name) for row in rows]


def cohorts_of(school: School, include_archived: bool = True) -> list[CohortSummary]:
    """Return a school's cohorts with course titles and trainee counts (two queries)."""
    query = _in_order(select(Cohort, Course.slug, CourseVersion.title)
                      .join(Course, Course.id == Cohort.course_id)
                      .join(CourseVersion, (CourseVersion.course_id == Course.id)
                            & (CourseVersion.version == Course.current_version))
                      .where(Cohort.school_id == school.id))
    if not include_archived:
        query = query.where(Cohort.archived_at.is_(None))
    rows = db.session.execute(query).all()
    counts = dict(db.session.execute(
        select(Enrollment.cohort_id, func.count(Enrollment.id))
        .where(Enrollment.cohort_id.in_([row[0].id for row in rows]))
        .group_by(Enrollment.cohort_id)).all()) if rows else {}
    return [CohortSummary(cohort, slug, title, counts.get(cohort.id, 0))
            for cohort, slug, title in rows]


def get_cohort(school: School, cohort_id: int) -> Cohort:
    """Return one of the school's cohorts; another school's is NotFound."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or cohort.school_id != school.id:
        raise NotFound(_("No such cohort."))
    return cohort


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the cohort a name, such as 'Spring 2026 evenings'."))
    return name[:200]


def create_cohort(school: School, name: str, course_id: int, actor: str | None,
                  now: datetime) -> Cohort:
    """Create a cohort of the school on a course, with a fresh invite code."""
    if db.session.get(Course, course_id) is None:
        raise NotFound(_("No such course."))
    cohort = Cohort(school_id=school.id, course_id=course_id, name=_clean_name(name),
                    invite_code=new_invite_code(), created_at=now)
    db.session.add(cohort)
    db.session.flush()
    record_event("cohort.created", {"cohort": cohort.id, "school": school.slug,
                                    "course": course_id, "name": cohort.name}, actor, now)
    db.session.commit()
    return cohort


def rename_cohort(cohort: Cohort, name: str) -> Cohort:
    """Give a cohort a new name."""
    cohort.name = _clean_name(name)
    db.session.commit()
    return cohort


def set_archived(cohort: Cohort, archived: bool, now: datetime) -> Cohort:
    """Archive a cohort (its invite stops working, its trainees and records stay) or restore it."""
    cohort.archived_at = now if archived else None
    db.session.commit()
    return cohort


def set_deadline(cohort: Cohort, day: date | None, actor: str | None, now: datetime) -> Cohort:
    """Set the cohort's deadline to the end of `day` (UTC), or clear it: after it, its trainees
    start no quiz of the course unless an accommodation lifts the lock (audited)."""
    if day is not None and not year_in_range(day.year):
        raise ServiceError(_("Choose a deadline between %(first)s and %(last)s.", first=MIN_YEAR,
                             last=MAX_YEAR))
    cohort.deadline = (datetime.combine(day + timedelta(days=1), time.min, UTC)
                       if day else None)
    record_event("cohort.deadline_set", {"cohort": cohort.id, "deadline": cohort.deadline
                                         .isoformat() if cohort.deadline else None}, actor, now)
    db.session.commit()
    return cohort


def renew_invite(cohort: Cohort) -> Cohort:
    """Give the cohort a new invite code; the old link stops working."""
    cohort.invite_code = new_invite_code()
    db.session.commit()
    return cohort


def cohort_by_code(code: str) -> tuple[Cohort, School, str]:
    """Return the live cohort an invite code opens, its school and course title; else NotFound."""
    row = db.session.execute(
        select(Cohort, School, CourseVersion.title)
        .join(School, School.id == Cohort.school_id)
        .join(Course, Course.id == Cohort.course_id)
        .join(CourseVersion, (CourseVersion.course_id == Course.id)
              & (CourseVersion.version == Course.current_version))
        .where(Cohort.invite_code == normalise_code(code))).first()
    if row is None or row[0].archived_at is not None:
        raise NotFound(_("This invite code does not open a cohort. Check it with your school; "
                         "archived cohorts no longer take new trainees."))
    return row[0], row[1], row[2]


def join_cohort(user: User, code: str, now: datetime) -> Cohort:
    """Enrol the user in the cohort's course as a member; set their school if they have none."""
    cohort, school, _title = cohort_by_code(code)
    enrollment = db.session.execute(select(Enrollment).filter_by(
        user_id=user.id, course_id=cohort.course_id)).scalar_one_or_none()
    if enrollment is not None and enrollment.cohort_id not in (None, cohort.id):
        raise Conflict(_("You already take this course with another cohort. Ask your school to "
                         "remove you from that cohort first."))
    if enrollment is None:
        enrollment = Enrollment(user_id=user.id, course_id=cohort.course_id, enrolled_at=now)
        db.session.add(enrollment)
    enrollment.cohort_id = cohort.id
    if user.school_id is None:
        user.school_id = school.id
    try:
        if enrollment.id is None:
            db.session.flush()
            from ..notifications import announce

            announce.enrollment_created(enrollment, user, now)
        db.session.commit()
    except IntegrityError:  # enrolled by a concurrent request: join with that enrolment
        db.session.rollback()
        return join_cohort(user, code, now)
    return cohort


def remove_member(cohort: Cohort, user_id: int, actor: str | None, now: datetime) -> None:
    """Take a trainee out of a cohort; their enrolment, progress and records stay."""
    enrollment = db.session.execute(select(Enrollment).filter_by(
        user_id=user_id, course_id=cohort.course_id, cohort_id=cohort.id)).scalar_one_or_none()
    if enrollment is None:
        raise NotFound(_("That trainee is not in this cohort."))
    enrollment.cohort_id = None
    record_event("cohort.member_removed", {"cohort": cohort.id, "user": user_id}, actor, now)
    db.session.commit()


def invite_code_in(path: str) -> str | None:
    """The invite code of a cohort invite link's path (`/school/join/<code>`), if it is one."""
    prefix = "/school/join/"
    if not path.startswith(prefix):
        return None
    code = path[len(prefix):].split("?", 1)[0].strip("/")
    return code if code and "/" not in code else None


def course_slug(cohort: Cohort) -> str:
    """Return the slug of the cohort's course."""
    return db.session.execute(select(Course.slug).where(Course.id == cohort.course_id)).scalar_one()
