"""Accounts made by staff: an invitation email with a link to choose a password.

An admin (any role, any school) or a school admin (trainees of their school) creates the account;
it has no usable password until the person opens the emailed link, which works once (it is
bound, like a reset link, to the account's email and password hash) and for
`TPCOURSE_INVITE_MAX_AGE` seconds (7 days). Staff can send a fresh invitation, or a password
reset link to an account that is already in use, and deactivate or reactivate an account.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ...extensions import db
from ...i18n_markers import N_
from ...models import PASSWORD_NOT_CHOSEN, ROLES, School, User
from ..errors import Conflict, ServiceError
from ..notifications.links import account_links
from ..records.audit import record_event
from .accounts import MIN_PASSWORD_LENGTH, create_user
from .password_reset import account_fingerprint, make_reset_token, reset_max_age
from .sessions import end_all_sessions

SALT = "tpcourse.invitation"
DEFAULT_MAX_AGE = 7 * 24 * 60 * 60
_SKEW = 300
INVALID_LINK = N_("This invitation link has expired or was already used. Ask whoever invited "
                  "you for a new one, or use 'Forgot your password?' if you already chose one.")


def invite_max_age() -> int:
    """How long an invitation link lives, in seconds (TPCOURSE_INVITE_MAX_AGE)."""
    value = current_app.config.get("TPCOURSE_INVITE_MAX_AGE")
    return int(value) if value else DEFAULT_MAX_AGE


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_invitation_token(user: User, now: datetime) -> str:
    """A signed, single-use link token for choosing the first password."""
    return _serializer().dumps({"u": user.id, "f": account_fingerprint(user),
                                "t": int(now.timestamp())})


def user_for_invitation(token: str, now: datetime, lock: bool = False) -> User | None:
    """The account a live, unused invitation token belongs to; None for anything else."""
    try:
        claims = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(claims, dict) or not all(
            isinstance(claims.get(k), t) for k, t in (("u", int), ("f", str), ("t", int))):
        return None
    age = now.timestamp() - claims["t"]
    if age > invite_max_age() or age < -_SKEW:
        return None
    query = select(User).where(User.id == claims["u"])
    if lock:
        query = query.with_for_update(of=User).execution_options(populate_existing=True)
    user = db.session.execute(query).scalar_one_or_none()
    if user is None or not user.active or user.deleted_at is not None:
        return None
    return user if hmac.compare_digest(account_fingerprint(user), claims["f"]) else None


def create_invited(email: str, name: str, role: str, school: School | None, actor: str,
                   now: datetime, commit: bool = True) -> User:
    """Create an account that waits for its owner to choose a password (Conflict if taken)."""
    if role not in ROLES:
        raise ServiceError(_("Role must be one of: %(roles)s.", roles=", ".join(ROLES)))
    if role == "school_admin" and school is None:
        raise ServiceError(_("A school admin needs a school: choose one."))
    user = create_user(email, name, None, role, school.slug if school else None,
                       password_hash=PASSWORD_NOT_CHOSEN, commit=False)
    record_event("account.invited", {"user": user.id, "role": role,
                                     "school": school.id if school else None}, actor, now)
    if commit:
        db.session.commit()
    return user


def send_invitation(user: User, now: datetime, inviter: str | None = None) -> None:
    """Have a job email the account its link to choose a password (after the commit)."""
    from ..jobs import enqueue
    from ..notifications.jobs import email_account_link

    # The account is committed by now (a job waiting for a later commit would be lost if the
    # request ends with a read-only transaction open), so the job goes at once.
    enqueue(email_account_link, [user.id, "invite", inviter or "", secrets.token_hex(16)],
            after_commit=False)


def send_reset_link(user: User, actor: str, now: datetime) -> None:
    """Have a job email a password reset link at staff's request (an account already in use)."""
    from ..jobs import enqueue
    from ..notifications.jobs import email_account_link

    if user.awaiting_password:
        raise Conflict(_("This person has not chosen a password yet: send the invitation again "
                         "instead."))
    record_event("account.reset_link_sent", {"user": user.id}, actor, now)
    enqueue(email_account_link, [user.id, "reset", "", secrets.token_hex(16)])
    db.session.commit()


def account_link_message(user: User, kind: str, inviter: str,
                         now: datetime) -> tuple[str, str, str, str] | None:
    """The email staff had sent (to, subject, text, link), built when the job runs in the
    current locale (the job's: the person's); None when it no longer applies (the account
    chose a password since, or was deactivated)."""
    site = current_app.config["TPCOURSE_SITE_NAME"]
    if not user.active or user.deleted_at is not None:
        return None
    if kind == "invite":
        if not user.awaiting_password:
            return None
        days = invite_max_age() // 86400
        link = account_links("invite", make_invitation_token(user, now))
        values = {"name": user.name, "inviter": inviter, "site": site, "link": link, "email": user.email,
                  "school": user.school.name if user.school else ""}
        if inviter and user.school:
            created = _("%(inviter)s has created a %(site)s account for you at %(school)s.",
                        **values)
        elif inviter:
            created = _("%(inviter)s has created a %(site)s account for you.", **values)
        elif user.school:
            created = _("Your school has created a %(site)s account for you at %(school)s.",
                        **values)
        else:
            created = _("Your school has created a %(site)s account for you.", **values)
        choose = ngettext(
            "Choose your password here (the link works once, within %(num)d day):\n\n"
            "%(link)s\n\nYour email address is your log-in: %(email)s",
            "Choose your password here (the link works once, within %(num)d days):\n\n"
            "%(link)s\n\nYour email address is your log-in: %(email)s", days, **values)
        text = _("Hello %(name)s,", **values) + "\n\n" + created + "\n\n" + choose
        return user.email, _("Your %(site)s account is ready", site=site), text, link
    if user.awaiting_password:
        return None
    minutes = reset_max_age(current_app.config) // 60
    link = account_links("reset", make_reset_token(user, now))
    text = ngettext(
        "Hello %(name)s,\n\nYour school asked us to send you a link to choose a new "
        "password. Open it within %(num)d minute; it works once:\n\n%(link)s\n\n"
        "If you did not expect this, you can ignore it: your password stays as it is.",
        "Hello %(name)s,\n\nYour school asked us to send you a link to choose a new "
        "password. Open it within %(num)d minutes; it works once:\n\n%(link)s\n\n"
        "If you did not expect this, you can ignore it: your password stays as it is.",
        minutes, name=user.name, link=link)
    return user.email, _("Choose a new password"), text, link


def accept_invitation(token: str, password: str, now: datetime) -> User:
    """Set the first password through an invitation link; the link then stops working."""
    user = user_for_invitation(token, now, lock=True)
    if user is None:
        db.session.rollback()
        raise ServiceError(_(INVALID_LINK))
    if len(password or "") < MIN_PASSWORD_LENGTH:
        db.session.rollback()
        raise ServiceError(_("Passwords need at least %(count)s characters.",
                             count=MIN_PASSWORD_LENGTH))
    user.password_hash = generate_password_hash(password)
    record_event("account.invitation_accepted", {"user": user.id}, f"user:{user.id}", now)
    db.session.commit()
    return user


def set_active(user: User, active: bool, actor: str, now: datetime) -> User:
    """Deactivate (log out everywhere, no log-in) or reactivate an account."""
    if user.deleted_at is not None:
        raise Conflict(_("This account was deleted; it keeps only its records."))
    if user.active == active:
        return user
    user.active = active
    record_event("account.activated" if active else "account.deactivated", {"user": user.id},
                 actor, now)
    db.session.commit()
    if not active:
        end_all_sessions(user.id, now, actor)
    return user

