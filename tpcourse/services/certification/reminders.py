"""Renewal reminders: email trainees before their certificates expire, once per threshold."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from ...content.course_settings import RENEWAL_PATHS
from ...extensions import db
from ...models import CompletionRecord, ReminderSent, User
from ...records.certificate import format_date
from .. import cache
from ..accounts.profile import reader_locale
from ..learning.translations import course_title
from ..notifications.mail import send_mail
from .certificates import expiry_of, provider_for, setting, verify_url

DEFAULT_THRESHOLDS = "90,30,7"
Renewal = aliased(CompletionRecord, name="renewal")


def parse_thresholds(value: str | None) -> list[int]:
    """Read "90,30,7" (days before expiry) into [90, 30, 7]; raise ValueError if malformed."""
    try:
        days = sorted({int(part) for part in (value or DEFAULT_THRESHOLDS).split(",")
                       if part.strip()}, reverse=True)
    except ValueError:
        raise ValueError(_("TPCOURSE_REMINDER_DAYS must list whole days, e.g. %(example)s; "
                           "got %(value)s", example=DEFAULT_THRESHOLDS,
                           value=repr(value))) from None
    if not days or days[-1] < 0:
        raise ValueError(_("TPCOURSE_REMINDER_DAYS must list days of 0 or more; got %(value)s",
                           value=repr(value)))
    return days


def configured_thresholds() -> list[int]:
    """Return the thresholds from TPCOURSE_REMINDER_DAYS (default 90,30,7)."""
    return parse_thresholds(setting("TPCOURSE_REMINDER_DAYS", DEFAULT_THRESHOLDS))


def due_thresholds(days_left: int, thresholds: Sequence[int],
                   already_sent: Collection[int]) -> list[int]:
    """Return the thresholds reached (days_left <= threshold) whose reminder is not yet sent.

    A run that missed a threshold (cron stopped, a short validity) sends one email for all
    thresholds reached, not one per threshold.
    """
    return [t for t in thresholds if days_left <= t and t not in already_sent]


@dataclass(frozen=True)
class Reminder:
    """One email to send: a certificate, the days left and the thresholds it settles."""

    record: CompletionRecord
    days_left: int
    thresholds: tuple[int, ...]


@dataclass
class ReminderRun:
    """What a run did: reminders sent (or that would be, in a dry run) and failures."""

    sent: list[Reminder] = field(default_factory=list)
    failed: list[tuple[Reminder, str]] = field(default_factory=list)


def pending_reminders(now: datetime, thresholds: Sequence[int]) -> list[Reminder]:
    """Return the reminders due at `now`: valid certificates of active trainees, soonest first."""
    if not thresholds:
        return []
    today = now.astimezone(UTC).date()
    cutoff = datetime.combine(today + timedelta(days=max(thresholds) + 1), datetime.min.time(),
                              UTC)
    records = db.session.execute(
        select(CompletionRecord).join(User, User.id == CompletionRecord.user_id)
        .where(CompletionRecord.revoked_at.is_(None), CompletionRecord.expires_at > now,
               CompletionRecord.expires_at < cutoff, User.active.is_(True),
               User.deleted_at.is_(None),
               ~exists().where(Renewal.renews_id == CompletionRecord.id))  # renewed already
        .order_by(CompletionRecord.expires_at, CompletionRecord.id)).scalars().all()
    sent: dict[int, set[int]] = {}
    for record_id, threshold in db.session.execute(
            select(ReminderSent.record_id, ReminderSent.threshold_days)
            .where(ReminderSent.record_id.in_([r.id for r in records]))):
        sent.setdefault(record_id, set()).add(threshold)
    reminders = []
    for record in records:
        days_left = expiry_of(record, now).days_left
        due = due_thresholds(days_left, thresholds, sent.get(record.id, set()))
        if due:
            reminders.append(Reminder(record, days_left, tuple(due)))
    return reminders


def renewal_url(course_slug: str) -> str:
    """The page that says how to renew a certificate of the course (reminders link to it)."""
    return f"{setting('TPCOURSE_SITE_URL', '').rstrip('/')}/courses/{course_slug}/renew"


def reminder_email(reminder: Reminder) -> tuple[str, str]:
    """Return the subject and plain-text body of a renewal reminder, in the holder's language."""
    with force_locale(reader_locale(reminder.record.user)):
        return _reminder_text(reminder)


def _reminder_text(reminder: Reminder) -> tuple[str, str]:
    record, days = reminder.record, reminder.days_left
    version = record.course_version
    provider = provider_for(record.user.school)
    locale = str(get_locale() or "en")
    values = {"title": course_title(version, locale), "version": version.version,
              "date": format_date(record.expires_at.date(), locale),
              "path": _(RENEWAL_PATHS[cache.course_outline(record.course_id).renewal["path"]]),
              "link": renewal_url(version.course.slug), "provider": provider.name,
              "contact": provider.contact, "code": record.certificate_code,
              "verify": verify_url(record.certificate_code)}
    if days == 0:
        subject = _("Your certificate for %(title)s expires today", **values)
        expires = _("Your certificate for %(title)s (version %(version)s) expires today, on "
                    "%(date)s.", **values)
    else:
        subject = ngettext("Your certificate for %(title)s expires in %(num)d day",
                           "Your certificate for %(title)s expires in %(num)d days", days,
                           **values)
        expires = ngettext("Your certificate for %(title)s (version %(version)s) expires in "
                           "%(num)d day, on %(date)s.",
                           "Your certificate for %(title)s (version %(version)s) expires in "
                           "%(num)d days, on %(date)s.", days, **values)
    questions = (_("Questions? Contact %(provider)s (%(contact)s).", **values)
                 if provider.contact else _("Questions? Contact %(provider)s.", **values))
    body = "\n\n".join((
        _("Hello %(name)s,", name=record.user.name), expires,
        _("To keep your certification current, renew it: %(path)s. Start here:\n%(link)s",
          **values),
        questions,
        _("Certificate code: %(code)s\nAnyone can check it at %(verify)s", **values),
        f"— {provider.name}\n"))
    return subject, body


def _notify_and_send(reminder: Reminder, now: datetime, send: Callable[..., None]) -> None:
    """The in-app notice of a reminder, and its email unless the trainee turned them off: both
    in the trainee's language."""
    from ..notifications.jobs import render_message, site_url
    from ..notifications.kinds import KINDS
    from ..notifications.language import in_language_of
    from ..notifications.notices import notify, unsubscribe_token

    record = reminder.record
    with in_language_of(record.user):
        subject, body = reminder_email(reminder)
        notice = notify(record.user_id, "certificate_expiring",
                        f"reminder:{record.id}:{min(reminder.thresholds)}", subject,
                        body.split("\n\n", 1)[1].rsplit("\n\n", 1)[0],
                        f"/courses/{record.course_version.course.slug}/renew", now, email=False)
        if notice is not None and not notice.emailed:
            return  # turned off: the notice is on their home page, and the threshold is settled
        unsubscribe = site_url("/notifications/unsubscribe/"
                               + unsubscribe_token(record.user_id, "certificate_expiring"))
        text, link = body.rstrip(), None
        plain, html = render_message(subject, text, link, unsubscribe=unsubscribe,
                                     reason=str(KINDS["certificate_expiring"].reason))
    send(record.user.email, subject, plain, html=html,
         headers={"List-Unsubscribe": f"<{unsubscribe}>"})


def send_reminders(now: datetime, thresholds: Sequence[int], dry_run: bool = False,
                   send: Callable[..., None] = send_mail) -> ReminderRun:
    """Email every due reminder once; each is recorded (and committed) with its email.

    The ReminderSent rows are written before the email is sent, inside the same transaction:
    a concurrent run fails on the unique (record, threshold) and skips it, and an email that
    cannot be sent rolls its rows back so the next run tries again.
    """
    run = ReminderRun()
    for reminder in pending_reminders(now, thresholds):
        if dry_run:
            run.sent.append(reminder)
            continue
        record_id = reminder.record.id
        db.session.add_all(ReminderSent(record_id=record_id, threshold_days=t, sent_at=now)
                           for t in reminder.thresholds)
        try:
            db.session.flush()
        except IntegrityError:  # another run got there first
            db.session.rollback()
            continue
        try:
            _notify_and_send(reminder, now, send)
        except Exception as exc:  # report every failure and keep going
            db.session.rollback()
            run.failed.append((reminder, str(exc) or type(exc).__name__))
            continue
        db.session.commit()
        run.sent.append(reminder)
    return run
