"""Password reset by an emailed link that expires and works once.

The link carries a token signed with SECRET_KEY over the user id, the time it was issued and a
fingerprint of the account's current password hash. Changing the password changes the hash
(werkzeug salts every hash), so a used link stops working without storing anything.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ...extensions import db
from ...i18n_markers import N_
from ...models import User
from ..errors import ServiceError
from ..records.audit import actor_of, record_event
from .accounts import MIN_PASSWORD_LENGTH, find_user_by_email

SALT = "tpcourse.password-reset"
DEFAULT_MAX_AGE = 60 * 60  # seconds
# Allow a little clock skew between workers before calling a token "from the future".
_SKEW = 300
INVALID_LINK = N_("This password reset link has expired or has already been used. "
                  "Ask for a new one below.")
log = logging.getLogger(__name__)


def reset_max_age(config: Mapping[str, Any]) -> int:
    """Return how long a reset link lives, in seconds (TPCOURSE_RESET_MAX_AGE)."""
    value = config.get("TPCOURSE_RESET_MAX_AGE")
    return int(value) if value else DEFAULT_MAX_AGE


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def account_fingerprint(user: User) -> str:
    """Digest of what must not have changed since the link was sent (email, password)."""
    material = f"{user.id}\0{user.email}\0{user.password_hash}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def make_reset_token(user: User, now: datetime) -> str:
    """Return a signed token for a reset link issued to the user at `now`."""
    return _serializer().dumps({"u": user.id, "f": account_fingerprint(user),
                                "t": int(now.timestamp())})


def user_for_token(token: str, now: datetime, lock: bool = False) -> User | None:
    """Return the account a live, unused token belongs to; None for anything else."""
    try:
        claims = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(claims, dict) or not all(
            isinstance(claims.get(k), t) for k, t in (("u", int), ("f", str), ("t", int))):
        return None
    age = now.timestamp() - claims["t"]
    if age > reset_max_age(current_app.config) or age < -_SKEW:
        return None
    query = select(User).where(User.id == claims["u"])
    if lock:  # a second use of the same link waits here, then sees the new hash
        query = query.with_for_update(of=User).execution_options(populate_existing=True)
    user = db.session.execute(query).scalar_one_or_none()
    if user is None or not user.active or user.deleted_at is not None:
        return None
    if not hmac.compare_digest(account_fingerprint(user), claims["f"]):
        return None
    return user


def request_reset(email: str, now: datetime) -> None:
    """Ask for a reset link to be emailed to `email` if it has an active account.

    The request only hands the typed address to a job (`accounts.reset_email`), which looks
    the account up and sends the link: the same work, and so the same time, whether or not
    the address has an account, and no mail server on the request's path.
    """
    from ..jobs import enqueue
    from ..notifications.jobs import email_password_reset
    from ..notifications.language import asking_locale

    enqueue(email_password_reset, [email, secrets.token_hex(16), asking_locale()],
            after_commit=False)


def reset_message(email: str, now: datetime,
                  locale: str | None = None) -> tuple[str, str, str, str, str] | None:
    """The reset email for an active account (to, subject, text, link, language), in the
    account's language, else `locale`; None for any other address."""
    from ..notifications.language import in_language_of

    user = find_user_by_email(email)
    if user is None or not user.active or user.deleted_at is not None:
        return None
    minutes = reset_max_age(current_app.config) // 60
    site = current_app.config["TPCOURSE_SITE_URL"].rstrip("/")
    link = f"{site}/password/reset/{make_reset_token(user, now)}"
    with in_language_of(user, locale) as language:
        text = ngettext(
            "Hello %(name)s,\n\n"
            "Someone asked to reset the password of your %(site)s account. To choose a new "
            "password, open this link within %(num)d minute:\n\n"
            "%(link)s\n\n"
            "The link works once. If you did not ask for this, ignore this email: "
            "your password stays as it is.",
            "Hello %(name)s,\n\n"
            "Someone asked to reset the password of your %(site)s account. To choose a new "
            "password, open this link within %(num)d minutes:\n\n"
            "%(link)s\n\n"
            "The link works once. If you did not ask for this, ignore this email: "
            "your password stays as it is.", minutes, name=user.name,
            site=current_app.config["TPCOURSE_SITE_NAME"], link=link)
        return user.email, _("Reset your password"), text, link, language


def reset_password(token: str, new_password: str, now: datetime) -> User:
    """Set a new password through a reset link; the link then stops working."""
    user = user_for_token(token, now, lock=True)
    if user is None:
        db.session.rollback()
        raise ServiceError(_(INVALID_LINK))
    if len(new_password or "") < MIN_PASSWORD_LENGTH:
        db.session.rollback()
        raise ServiceError(_("Passwords need at least %(count)s characters.",
                             count=MIN_PASSWORD_LENGTH))
    user.password_hash = generate_password_hash(new_password)
    record_event("account.password_reset", {"user": user.id}, actor_of(user), now)
    db.session.commit()
    return user
