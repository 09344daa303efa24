"""The calendar invitation of an admitted trainee: one email with the session's .ics, sent
once per sign-up event (the email's key), through the background-job path."""

from __future__ import annotations

from functools import partial

from flask import current_app
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _

from ...extensions import db
from ...models import Course as CourseModel
from ...models import CourseVersion, PracticalSession, SessionSignup, User
from ...records.calendar import session_invitation
from ...records.certificate import format_date
from ..jobs.maintenance import clock
from ..jobs.registry import job
from ..learning.translations import course_title
from ..notifications.delivery import send_once
from ..notifications.jobs import greeting, render_message, site_url
from ..notifications.language import in_language_of
from ..notifications.mail import send_mail


def invitation_ics(session: PracticalSession, title: str, attendee: str, stamp) -> bytes:
    """Return the session's iCalendar invitation for one attendee, in the current locale."""
    organizer = current_app.config["MAIL_FROM"].rsplit("<", 1)[-1].rstrip(">").strip()
    return session_invitation(
        f"practical-session-{session.id}@tpcourse", session.starts_at, session.minutes,
        _("Practical session: %(title)s", title=title), session.place,
        _("Live practical session of %(title)s. Bring your own towels; arrive 10 minutes "
          "early.", title=title),
        organizer, attendee, stamp)


def session_moment(session: PracticalSession) -> str:
    """When a session starts, in UTC, written for the current locale: "Monday 2 March 2026,
    09:00 UTC"."""
    starts = session.starts_at
    return _("%(weekday)s %(day)s, %(time)s UTC",
             weekday=format_datetime(starts, "EEEE", rebase=False),
             day=format_date(starts.date(), str(get_locale() or "en")), time=f"{starts:%H:%M}")


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
    version = db.session.execute(db.select(CourseVersion).filter_by(
        course_id=course.id, version=course.current_version)).scalar_one()
    now = clock()
    with in_language_of(user) as locale:
        title = course_title(version, locale)
        subject = _("Your place at the practical session of %(title)s", title=title)
        plain, html = render_message(
            subject, greeting(user.name, _(
                "You have a place at the live practical session of %(title)s: %(when)s, "
                "%(minutes)s minutes, at %(place)s. The calendar invitation is attached.",
                title=title, when=session_moment(session), minutes=session.minutes,
                place=session.place)),
            site_url(f"/courses/{course.slug}/sessions"), link_label=_("Your sessions"))
        ics = invitation_ics(session, title, user.email, now)
    return send_once(f"session-invite:{signup_id}:{at}", now, user.email, subject, plain, html,
                     send=partial(send_mail, attachments=[("session.ics", "text/calendar", ics)]))
