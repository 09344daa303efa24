"""Notifications: an in-app notice, and an email unless the person turned the kind off.

`notify` is called by the service that changed something (a record issued, a skill signed
off), in its transaction: the notice's key names the event, so it exists once however often
the service runs, and the email job is handed over when the transaction commits.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Notification, NotificationOptOut
from ..errors import ServiceError
from .kinds import KINDS, OPTIONAL

SHOWN = 5
UNSUBSCRIBE_SALT = "tpcourse.unsubscribe"


def turned_off(user_id: int) -> set[str]:
    """The optional kinds whose emails the person turned off."""
    return set(db.session.execute(select(NotificationOptOut.kind).where(
        NotificationOptOut.user_id == user_id)).scalars())


def notify(user_id: int, kind: str, key: str, subject: str, body: str, link: str | None,
           now: datetime, email: bool = True) -> Notification | None:
    """Create the notice for the event `key` (once) and email it unless turned off.

    Runs in the caller's transaction (a savepoint guards the unique key); None when the
    notice existed already. `email=False`: the caller sends the email itself (reminders).
    The caller writes `subject` and `body` in the person's language (`in_language_of`): the
    notice and its email are read in it.
    """
    from ..jobs import enqueue
    from .jobs import email_notification

    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    emailed = not (KINDS[kind].optional and kind in turned_off(user_id))
    notice = Notification(user_id=user_id, kind=kind, key=key, subject=subject[:300],
                          body=body, link=link, emailed=emailed, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(notice)
    except IntegrityError:
        return None
    if emailed and email:
        enqueue(email_notification, [notice.id], key=f"email:{key}")
    return notice


def unread(user_id: int, limit: int = SHOWN) -> list[Notification]:
    """The person's unread notices, newest first."""
    return list(db.session.execute(
        select(Notification).where(Notification.user_id == user_id,
                                   Notification.read_at.is_(None))
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)).scalars())


def recent(user_id: int, limit: int = 50) -> list[Notification]:
    """The person's notices, read or not, newest first."""
    return list(db.session.execute(
        select(Notification).where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)).scalars())


def mark_read(user_id: int, now: datetime, notice_id: int | None = None) -> int:
    """Mark one of the person's notices (or all of them) read; return how many changed."""
    where = [Notification.user_id == user_id, Notification.read_at.is_(None)]
    if notice_id is not None:
        where.append(Notification.id == notice_id)
    changed = db.session.execute(update(Notification).where(*where).values(read_at=now)).rowcount
    db.session.commit()
    return changed


def set_preferences(user_id: int, wanted: set[str], now: datetime) -> None:
    """Keep emails of the optional kinds in `wanted`; turn the other optional kinds off."""
    unknown = wanted - set(OPTIONAL)
    if unknown:
        raise ServiceError(_("Those notifications cannot be chosen: %(kinds)s",
                             kinds=", ".join(sorted(unknown))))
    off = set(OPTIONAL) - wanted
    db.session.execute(delete(NotificationOptOut).where(NotificationOptOut.user_id == user_id))
    if off:
        db.session.execute(insert(NotificationOptOut), [
            {"user_id": user_id, "kind": kind, "created_at": now} for kind in sorted(off)])
    db.session.commit()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token for an email's unsubscribe link (works without logging in)."""
    return _serializer().dumps({"u": user_id, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The (user id, kind) an unsubscribe link is for; None for a bad or foreign token."""
    try:
        claims = _serializer().loads(token)
    except BadSignature:
        return None
    if (not isinstance(claims, dict) or not isinstance(claims.get("u"), int)
            or claims.get("k") not in OPTIONAL):
        return None
    return claims["u"], claims["k"]


def unsubscribe(token: str, now: datetime) -> str:
    """Turn off the kind an unsubscribe link names; return its label. ServiceError if bad."""
    found = read_unsubscribe_token(token)
    if found is None:
        raise ServiceError(_("This unsubscribe link is not valid. Change your email settings "
                             "after logging in instead."))
    user_id, kind = found
    try:
        with db.session.begin_nested():
            db.session.add(NotificationOptOut(user_id=user_id, kind=kind, created_at=now))
    except IntegrityError:
        pass  # already off
    db.session.commit()
    return KINDS[kind].label
