"""Signing up for a session: exactly `capacity` admitted, the rest waitlisted in order.

The session's row is locked (`SELECT ... FOR UPDATE`; on SQLite the database's write lock,
tpcourse.database.row_locks) while the admitted places are counted and the sign-up written,
so sign-ups arriving together are decided one after another; one sign-up per trainee and
session is the unique key. A place given up goes to the first on the waitlist.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Course, Enrollment, PracticalSession, SessionSignup, User
from ..errors import Conflict, NotFound
from ..jobs import enqueue
from ..records.audit import actor_of, record_event


def _locked_session(session_id: int) -> PracticalSession:
    session = db.session.execute(select(PracticalSession).where(
        PracticalSession.id == session_id).with_for_update()).scalar_one_or_none()
    if session is None:
        raise NotFound(_("No such session."))
    return session


def _admitted(session_id: int) -> int:
    return db.session.execute(select(func.count()).select_from(SessionSignup).where(
        SessionSignup.session_id == session_id, SessionSignup.status == "admitted")).scalar_one()


def sign_up(user: User, session_id: int, now: datetime) -> SessionSignup:
    """Take a place on a session of a course the user is enrolled in, or join its waitlist
    when it is full; an admitted trainee is sent a calendar invitation."""
    session = _locked_session(session_id)
    enrolled = db.session.execute(select(Enrollment.id).filter_by(
        user_id=user.id, course_id=session.course_id)).first() is not None
    if not enrolled:
        db.session.rollback()
        raise NotFound(_("No such session."))
    if session.starts_at <= now:
        db.session.rollback()
        raise Conflict(_("This session has already started."))
    existing = db.session.execute(select(SessionSignup).filter_by(
        session_id=session_id, user_id=user.id)).scalar_one_or_none()
    status = "admitted" if _admitted(session_id) < session.capacity else "waitlisted"
    if existing is not None:
        if existing.status != "cancelled":
            db.session.rollback()
            raise Conflict(_("You are already signed up for this session."))
        existing.status, existing.signed_up_at = status, now
        signup = existing
    else:
        signup = SessionSignup(session_id=session_id, user_id=user.id, status=status,
                               signed_up_at=now)
        db.session.add(signup)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("You are already signed up for this session.")) from None
    record_event("session.signed_up", {"session": session_id, "user": user.id,
                                       "status": status}, actor_of(user), now)
    if status == "admitted":
        _invite(signup, session, now)
    db.session.commit()
    return signup


def _invite(signup: SessionSignup, session: PracticalSession, now: datetime) -> None:
    """Tell an admitted trainee in the app (in their language), and email the calendar
    invitation (one job)."""
    from flask_babel import gettext as _

    from ..notifications.language import in_language_of
    from ..notifications.notices import notify
    from .jobs import email_invitation, session_moment

    with in_language_of(db.session.get(User, signup.user_id)):
        subject = _("You have a place at a live practical session")
        body = _("Your place: %(when)s, %(minutes)s minutes, at %(place)s. The calendar "
                 "invitation is in your email.", when=session_moment(session),
                 minutes=session.minutes, place=session.place)
    notify(signup.user_id, "session_invitation", f"session_invitation:{signup.id}:"
           f"{now.isoformat()}", subject, body,
           f"/courses/{db.session.get(Course, session.course_id).slug}/sessions", now,
           email=False)
    enqueue(email_invitation, [signup.id, now.isoformat()],
            key=f"session-invite:{signup.id}:{now.isoformat()}")


def cancel(user: User, session_id: int, now: datetime) -> SessionSignup | None:
    """Give up a place (or leave the waitlist); the first waiting trainee takes the place and
    is sent the invitation. Returns the promoted sign-up, if any."""
    _locked_session(session_id)
    signup = db.session.execute(select(SessionSignup).filter_by(
        session_id=session_id, user_id=user.id)).scalar_one_or_none()
    if signup is None or signup.status == "cancelled":
        db.session.rollback()
        raise NotFound(_("You are not signed up for this session."))
    was_admitted = signup.status == "admitted"
    signup.status = "cancelled"
    promoted = None
    if was_admitted:
        promoted = db.session.execute(select(SessionSignup).filter_by(
            session_id=session_id, status="waitlisted")
            .order_by(SessionSignup.signed_up_at, SessionSignup.id).limit(1)).scalar_one_or_none()
        if promoted is not None:
            promoted.status = "admitted"
    db.session.flush()
    record_event("session.cancelled", {"session": session_id, "user": user.id,
                                       "promoted": promoted.user_id if promoted else None},
                 actor_of(user), now)
    if promoted is not None:
        _invite(promoted, db.session.get(PracticalSession, session_id), now)
    db.session.commit()
    return promoted
