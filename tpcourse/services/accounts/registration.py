"""Registering by email: the same answer for every address, and the email says which it was.

Step one takes a name and an email and always answers "check your email". A new address gets a
link (a token signed with SECRET_KEY over the email, the name, where to go afterwards and the
time) to choose a password; an address that already has an account gets an email saying so,
with links to log in and to reset the password. Nothing is stored until the link is used, so
nobody can claim someone else's address, and the page never tells who has an account.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer

from ...i18n_markers import N_
from ...models import User
from ..errors import ServiceError
from .accounts import create_user, find_user_by_email, normalise_email

SALT = "tpcourse.registration"
DEFAULT_MAX_AGE = 24 * 60 * 60  # seconds
_SKEW = 300
INVALID_LINK = N_("This sign-up link has expired or is not valid. Register again to get a new "
                  "one.")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingRegistration:
    """What a valid sign-up link carries."""

    email: str
    name: str
    next_path: str


def registration_max_age() -> int:
    """How long a sign-up link lives, in seconds (TPCOURSE_REGISTRATION_MAX_AGE)."""
    value = current_app.config.get("TPCOURSE_REGISTRATION_MAX_AGE")
    return int(value) if value else DEFAULT_MAX_AGE


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_registration_token(email: str, name: str, next_path: str, now: datetime) -> str:
    """Return a signed sign-up token for this address and name."""
    return _serializer().dumps({"e": normalise_email(email), "n": name.strip(), "x": next_path,
                                "t": int(now.timestamp())})


def pending_registration(token: str, now: datetime) -> PendingRegistration | None:
    """Return what a live sign-up token carries; None for anything else."""
    try:
        claims = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(claims, dict) or not all(
            isinstance(claims.get(k), t) for k, t in (("e", str), ("n", str), ("x", str),
                                                       ("t", int))):
        return None
    age = now.timestamp() - claims["t"]
    if age > registration_max_age() or age < -_SKEW:
        return None
    return PendingRegistration(claims["e"], claims["n"], claims["x"])


def request_registration(email: str, name: str, next_path: str, now: datetime) -> None:
    """Have a job email a sign-up link to a new address, or a note to one with an account.

    The request does the same work for both (the job looks the address up), and the answer
    is the same either way.
    """
    from ..jobs import enqueue
    from ..notifications.jobs import email_registration
    from ..notifications.language import asking_locale

    enqueue(email_registration, [email, name, next_path, secrets.token_hex(16), asking_locale()],
            after_commit=False)


def registration_message(email: str, name: str, next_path: str, now: datetime,
                         locale: str | None = None) -> tuple[str, str, str, str]:
    """The sign-up email for an address: (to, subject, text, language), in the account's
    language for an address with one, else in `locale`."""
    from ..notifications.language import in_language_of

    config = current_app.config
    site = config["TPCOURSE_SITE_NAME"]
    base = config["TPCOURSE_SITE_URL"].rstrip("/")
    existing = find_user_by_email(email)
    if existing is not None and existing.deleted_at is None:
        with in_language_of(existing, locale) as language:
            subject = _("You already have a %(site)s account", site=site)
            body = _("Hello %(name)s,\n\nSomeone (probably you) tried to create a %(site)s "
                     "account with this email address. You already have one.\n\n"
                     "Log in: %(login)s\n"
                     "Forgotten your password? Choose a new one: %(forgot)s\n\n"
                     "If this was not you, you can ignore this email: nothing has changed.",
                     name=existing.name, site=site, login=f"{base}/login",
                     forgot=f"{base}/password/forgot")
    else:
        hours = registration_max_age() // 3600
        token = make_registration_token(email, name, next_path, now)
        with in_language_of(locale) as language:
            subject = _("Finish creating your %(site)s account", site=site)
            body = ngettext(
                "Hello %(name)s,\n\nTo finish creating your %(site)s account, open this "
                "link within %(num)d hour and choose a password:\n\n"
                "%(link)s\n\n"
                "If you did not ask for this, ignore this email: no account is created.",
                "Hello %(name)s,\n\nTo finish creating your %(site)s account, open this "
                "link within %(num)d hours and choose a password:\n\n"
                "%(link)s\n\n"
                "If you did not ask for this, ignore this email: no account is created.",
                hours, name=name.strip(), site=site, link=f"{base}/register/finish/{token}")
    return normalise_email(email), subject, body, language


def complete_registration(token: str, password: str, now: datetime) -> tuple[User, str]:
    """Create the account a sign-up link was sent for; return it and where to go next.

    ServiceError for a dead link or a short password; Conflict when the address got an account
    meanwhile (another tab, a second click), as for any duplicate.
    """
    pending = pending_registration(token, now)
    if pending is None:
        raise ServiceError(_(INVALID_LINK))
    user = create_user(pending.email, pending.name, password)
    return user, pending.next_path
