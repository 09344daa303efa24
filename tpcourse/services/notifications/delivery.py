"""Sending an email once per event, even when its job runs twice or is killed mid-send.

`send_once(key, ...)` keeps one `email_deliveries` row per key. A sender claims it (state
`sending`, a lease of TPCOURSE_EMAIL_LEASE_SECONDS) in a committed compare-and-set, talks to
the mail server, then marks it `sent`. A second run of the same job finds `sent` and does
nothing; a run that finds a live lease raises `StillSending` (the queue tries again later);
a run killed mid-send leaves a lease that runs out, and the retry after it takes over. The one
window left is a crash after the mail server accepted the message and before `sent` is
committed: then the message goes twice (at least once, never lost).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import EmailDelivery
from .mail import send_mail

_TABLE = EmailDelivery.__table__


class StillSending(RuntimeError):
    """Another run holds this email's lease; try again once it has run out."""


def _lease(now: datetime) -> datetime:
    return now + timedelta(seconds=int(current_app.config.get("TPCOURSE_EMAIL_LEASE_SECONDS",
                                                                   120)))


def _claim(key: str, now: datetime) -> bool:
    """Take the row for sending; False when it was sent already. Commits."""
    try:
        with db.session.begin_nested():
            db.session.add(EmailDelivery(key=key, state="pending", attempts=0, created_at=now))
    except IntegrityError:
        pass  # the row exists: an earlier or concurrent run
    claimed = db.session.execute(
        update(_TABLE).where(_TABLE.c.key == key, or_(
            _TABLE.c.state == "pending",
            (_TABLE.c.state == "sending") & (_TABLE.c.claimed_until < now)))
        .values(state="sending", claimed_until=_lease(now), attempts=_TABLE.c.attempts + 1)
    ).rowcount
    state = db.session.execute(select(_TABLE.c.state).where(_TABLE.c.key == key)).scalar_one()
    db.session.commit()
    if claimed:
        return True
    if state == "sent":
        return False
    raise StillSending(f"email {key} is being sent by another run")


def send_once(key: str, now: datetime, to: str, subject: str, body: str,
              html: str | None = None, headers: dict[str, str] | None = None,
              send: Callable[..., None] = send_mail) -> bool:
    """Send the email for the event `key` unless it was sent; True when this call sent it.

    A failure to send releases the claim (state `pending`, the error kept) and is raised, so
    the job is tried again.
    """
    if not _claim(key, now):
        return False
    try:
        send(to, subject, body, html=html, headers=headers)
    except Exception as exc:
        db.session.rollback()
        db.session.execute(update(_TABLE).where(_TABLE.c.key == key).values(
            state="pending", claimed_until=None, error=(str(exc) or type(exc).__name__)[:500]))
        db.session.commit()
        raise
    db.session.execute(update(_TABLE).where(_TABLE.c.key == key).values(
        state="sent", sent_at=now, claimed_until=None, error=None))
    db.session.commit()
    return True


def was_sent(key: str) -> bool:
    """Whether the email for `key` has been sent."""
    return db.session.execute(select(_TABLE.c.state).where(_TABLE.c.key == key)
                              ).scalar_one_or_none() == "sent"


def requeue_stale(now: datetime, older_than: timedelta = timedelta(minutes=10),
                  give_up_after: timedelta = timedelta(days=2)) -> int:
    """Enqueue again the notification emails left unsent (a lost hand-over, a killed run) in
    the last two days (older ones are the failed jobs' business: /admin/jobs)."""
    from ...models import Notification
    from ..jobs import enqueue
    from .jobs import email_notification

    cutoff = now - older_than
    stale = db.session.execute(
        select(Notification.id, Notification.key).outerjoin(
            EmailDelivery, EmailDelivery.key == "email:" + Notification.key)
        .where(Notification.created_at < cutoff,
               Notification.created_at > now - give_up_after, Notification.emailed.is_(True),
               or_(EmailDelivery.id.is_(None), EmailDelivery.state == "pending",
                   (EmailDelivery.state == "sending") & (EmailDelivery.claimed_until < now)))
        .limit(500)).all()
    db.session.rollback()
    for notification_id, key in stale:
        enqueue(email_notification, [notification_id], key=f"sweep:{key}:{now:%Y%m%d%H%M}")
    return len(stale)
