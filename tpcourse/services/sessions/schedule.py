"""Scheduling sessions and listing them, for a course's instructors and its trainees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...models import CourseVersion, Enrollment, PracticalSession, SessionSignup, User
from ...permissions.grading import can_run_sessions
from ..errors import NotFound, ServiceError
from ..learning.learning import current_version, instructs
from ..records.audit import actor_of, record_event

MAX_CAPACITY = 200
MAX_MINUTES = 12 * 60
PLACE_MAX = 200


class SessionRefused(ServiceError):
    """A session's details cannot be used; `errors` by field."""

    status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def run_version(viewer: User, slug: str) -> CourseVersion:
    """Return a course the viewer runs sessions for (its instructors, admins); 404 else."""
    version = current_version(slug)
    if not can_run_sessions(viewer, instructs(viewer, version.course_id)):
        raise NotFound(_("No such course among the courses you teach."))
    return version


def schedule_session(viewer: User, slug: str, starts_at: datetime | None, minutes: int | None,
                     place: str, capacity: int | None, skills: list[str],
                     now: datetime) -> PracticalSession:
    """Schedule a session of the course (audited); SessionRefused with a sentence per field."""
    version = run_version(viewer, slug)
    known = {skill["key"] for skill in version.practical_skills or []}
    place = (place or "").strip()
    errors = {}
    if starts_at is None or starts_at <= now:
        errors["starts_at"] = _("Choose a date and time in the future.")
    if minutes is None or not 15 <= minutes <= MAX_MINUTES:
        errors["minutes"] = _("Give the length in minutes, from 15 to %(most)s.",
                              most=MAX_MINUTES)
    if not place or len(place) > PLACE_MAX:
        errors["place"] = _("Say where it takes place (up to %(most)s characters).",
                            most=PLACE_MAX)
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Give the number of places, from 1 to %(most)s.",
                               most=MAX_CAPACITY)
    if set(skills) - known:
        errors["skills"] = _("Choose skills of this course.")
    if errors:
        raise SessionRefused(errors)
    session = PracticalSession(course_id=version.course_id, starts_at=starts_at,
                               minutes=minutes, place=place, capacity=capacity,
                               skills=[s["key"] for s in version.practical_skills or []
                                       if s["key"] in skills],
                               created_by_id=viewer.id, created_at=now)
    db.session.add(session)
    db.session.flush()
    record_event("session.scheduled", {
        "session": session.id, "course": version.course_id,
        "starts_at": starts_at.isoformat(), "minutes": minutes, "place": place,
        "capacity": capacity, "skills": session.skills}, actor_of(viewer), now)
    db.session.commit()
    return session


@dataclass(frozen=True)
class SessionView:
    """A session with how many are admitted and waiting, and the viewer's own place."""

    session: PracticalSession
    admitted: int
    waitlisted: int
    mine: SessionSignup | None = None

    @property
    def full(self) -> bool:
        """Whether every place is taken (a sign-up now joins the waitlist)."""
        return self.admitted >= self.session.capacity


def course_sessions(user: User, slug: str, now: datetime,
                    upcoming_only: bool = False) -> tuple[CourseVersion, list[SessionView]]:
    """Return the course's sessions with their counts and the user's own sign-ups. The
    course's trainees, its instructors and admins may look; 404 for anyone else."""
    version = current_version(slug)
    enrolled = db.session.execute(select(Enrollment.id).filter_by(
        user_id=user.id, course_id=version.course_id)).first() is not None
    if not (enrolled or can_run_sessions(user, instructs(user, version.course_id))):
        raise NotFound(_("No such course among yours."))
    query = select(PracticalSession).where(PracticalSession.course_id == version.course_id)
    if upcoming_only:
        query = query.where(PracticalSession.starts_at > now)
    sessions = list(db.session.execute(query.order_by(PracticalSession.starts_at)).scalars())
    ids = [s.id for s in sessions]
    counts = {(row.session_id, row.status): row.n for row in db.session.execute(
        select(SessionSignup.session_id, SessionSignup.status,
               func.count().label("n"))
        .where(SessionSignup.session_id.in_(ids)).group_by(SessionSignup.session_id,
                                                           SessionSignup.status))} if ids else {}
    mine = {s.session_id: s for s in db.session.execute(select(SessionSignup).where(
        SessionSignup.session_id.in_(ids), SessionSignup.user_id == user.id)).scalars()} \
        if ids else {}
    return version, [SessionView(s, counts.get((s.id, "admitted"), 0),
                                 counts.get((s.id, "waitlisted"), 0), mine.get(s.id))
                     for s in sessions]
