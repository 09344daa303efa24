"""The calendar invitation of an admitted trainee: one email with the session's .ics, sent
once per sign-up event (the email's key), through the background-job path."""

from __future__ import annotations

from functools import partial

from flask import current_app

from ...extensions import db
from ...models import Course as CourseModel
from ...models import CourseVersion, PracticalSession, SessionSignup, User
from ...records.calendar import session_invitation
from ..jobs.maintenance import clock
from ..jobs.registry import job
from ..notifications.delivery import send_once
from ..notifications.jobs import render_message, site_url
from ..notifications.mail import send_mail


def invitation_ics(session: PracticalSession, title: str, attendee: str, stamp) -> bytes:
    """Return the session's iCalendar invitation for one attendee."""
    organizer = current_app.config["MAIL_FROM"].rsplit("<", 1)[-1].rstrip(">").strip()
    return session_invitation(
        f"practical-session-{session.id}@tpcourse", session.starts_at, session.minutes,
        f"Practical session: {title}", session.place,
        f"Live practical session of {title}. Bring your own towels; arrive 10 minutes early.",
        organizer, attendee, stamp)


@job("sessions.invitation")
def email_invitation(signup_id: int, at: str) -> bool:
    """Email an admitted trainee the session's calendar invitation, once per sign-up event."""
    signup = db.session.get(SessionSignup, signup_id)
    if signup is None or signup.status != "admitted":
        return False
    session = db.session.get(PracticalSession, signup.session_id)
    user = db.session.get(User, signup.user_id)
    if user is None or not user.active or user.deleted_at is not None:
        return False
    course = db.session.get(CourseModel, session.course_id)
    title = db.session.execute(db.select(CourseVersion.title).filter_by(
        course_id=course.id, version=course.current_version)).scalar_one()
    now = clock()
    subject = f"Your place at the practical session of {title}"
    when = session.starts_at.strftime("%A %d %B %Y, %H:%M UTC")
    plain, html = render_message(
        subject, f"Hello {user.name},\n\nYou have a place at the live practical session of "
                 f"{title}: {when}, {session.minutes} minutes, at {session.place}. The "
                 "calendar invitation is attached.",
        site_url(f"/courses/{course.slug}/sessions"), link_label="Your sessions")
    ics = invitation_ics(session, title, user.email, now)
    return send_once(f"session-invite:{signup_id}:{at}", now, user.email, subject, plain, html,
                     send=partial(send_mail, attachments=[("session.ics", "text/calendar", ics)]))
