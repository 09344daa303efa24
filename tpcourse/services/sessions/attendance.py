"""Taking attendance, and the hands-on hours that attended sessions earn."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...models import PracticalSession, SessionSignup, User
from ...permissions.grading import can_run_sessions
from ..errors import NotFound
from ..learning.learning import instructs
from ..records.audit import actor_of, record_event

MINUTES_PER_HOUR = 60
"""Attended minutes become hands-on CE hours at 60 minutes an hour: the strictest hour an
approver counts (NCBTMB counts 50 to 60), so the hours are never overstated."""


@dataclass(frozen=True)
class AttendanceRow:
    """An admitted trainee of a session and whether they attended."""

    signup: SessionSignup
    name: str


def run_session(viewer: User, session_id: int) -> PracticalSession:
    """Return a session the viewer runs (its course's instructors, admins); 404 else."""
    session = db.session.get(PracticalSession, session_id)
    if session is None or not can_run_sessions(viewer, instructs(viewer, session.course_id)):
        raise NotFound(_("No such session among the courses you teach."))
    return session


def attendance_sheet(viewer: User, session_id: int) -> tuple[PracticalSession,
                                                               list[AttendanceRow],
                                                               list[AttendanceRow]]:
    """Return the session, its admitted trainees (by name) and its waitlist (in order)."""
    session = run_session(viewer, session_id)
    rows = db.session.execute(
        select(SessionSignup, User.name).join(User, User.id == SessionSignup.user_id)
        .where(SessionSignup.session_id == session_id,
               SessionSignup.status.in_(("admitted", "waitlisted")))
        .order_by(SessionSignup.signed_up_at, SessionSignup.id)).all()
    admitted = sorted((AttendanceRow(s, n) for s, n in rows if s.status == "admitted"),
                      key=lambda row: row.name.casefold())
    return session, admitted, [AttendanceRow(s, n) for s, n in rows if s.status == "waitlisted"]


def take_attendance(viewer: User, session_id: int, present: Iterable[str],
                    now: datetime) -> int:
    """Mark each admitted trainee present (their sign-up id in `present`) or absent;
    audited. Returns how many attended."""
    session, admitted, _waiting = attendance_sheet(viewer, session_id)
    chosen = {value for value in present if value.isascii() and value.isdigit()}
    attended = []
    for row in admitted:
        row.signup.attended = str(row.signup.id) in chosen
        row.signup.marked_by_id, row.signup.marked_at = viewer.id, now
        if row.signup.attended:
            attended.append(row.signup.user_id)
    record_event("session.attendance", {"session": session.id, "attended": sorted(attended),
                                        "minutes": session.minutes}, actor_of(viewer), now)
    db.session.commit()
    return len(attended)


def hands_on_minutes(user_id: int, course_id: int) -> int:
    """Return the minutes of the course's live sessions the trainee attended."""
    return int(db.session.execute(
        select(func.coalesce(func.sum(PracticalSession.minutes), 0))
        .join(SessionSignup, SessionSignup.session_id == PracticalSession.id)
        .where(SessionSignup.user_id == user_id, SessionSignup.attended.is_(True),
               PracticalSession.course_id == course_id)).scalar_one())


def hands_on_hours(user_id: int, course_id: int) -> float:
    """Return the hands-on CE hours attended sessions earn (two decimals)."""
    return round(hands_on_minutes(user_id, course_id) / MINUTES_PER_HOUR, 2)
