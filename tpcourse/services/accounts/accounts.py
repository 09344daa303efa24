"""Accounts: registration, password checks, creating users of any role."""

from __future__ import annotations

import hmac

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ...i18n_markers import N_
from ...models import ROLES, School, User
from ..errors import Conflict, NotFound, ServiceError

MIN_PASSWORD_LENGTH = 10
TAKEN = N_("An account with this email already exists. Log in instead.")
# Checked against when no account matches, so a wrong email costs the same time as a wrong
# password and login timing does not reveal which emails have accounts.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def normalise_email(email: str) -> str:
    """Lower-case and trim an email address so lookups are case-insensitive."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the account with this email, if any."""
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def create_user(email: str, name: str, password: str | None, role: str = "trainee",
                school_slug: str | None = None, *, password_hash: str | None = None,
                commit: bool = True) -> User:
    """Create an account; raise Conflict for a taken email, ServiceError for bad input.

    `password_hash` stores a ready hash (or a marker no password matches) instead of hashing
    `password`; with `commit=False` the account is only flushed, for a caller's transaction.
    """
    if role not in ROLES:
        raise ServiceError(_("Role must be one of: %(roles)s.", roles=", ".join(ROLES)))
    if password_hash is None and len(password or "") < MIN_PASSWORD_LENGTH:
        raise ServiceError(_("Passwords need at least %(count)s characters.",
                             count=MIN_PASSWORD_LENGTH))
    if find_user_by_email(email) is not None:
        raise Conflict(_(TAKEN))
    school = None
    if school_slug:
        school = db.session.execute(select(School).filter_by(slug=school_slug)).scalar_one_or_none()
        if school is None:
            raise NotFound(_("No school with slug '%(slug)s'.", slug=school_slug))
    user = User(email=normalise_email(email), name=name.strip(), role=role,
                password_hash=password_hash or generate_password_hash(password), school=school)
    db.session.add(user)
    try:
        if commit:
            db.session.commit()
        else:
            with db.session.begin_nested():
                db.session.flush()
    except IntegrityError:  # the same address registered a moment ago, in another request
        if commit:
            db.session.rollback()
        raise Conflict(_(TAKEN)) from None
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user whose email and password match, else None (in constant-ish time)."""
    user = find_user_by_email(email)
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def ensure_school(slug: str, name: str, **details: str | None) -> School:
    """Return the school with this slug, creating it if missing."""
    school = db.session.execute(select(School).filter_by(slug=slug)).scalar_one_or_none()
    if school is None:
        school = School(slug=slug, name=name, **details)
        db.session.add(school)
        db.session.commit()
    return school


def count_users() -> int:
    """Return how many accounts exist."""
    return db.session.execute(select(func.count(User.id))).scalar_one()


def same_secret(a: str, b: str) -> bool:
    """Compare two secrets in constant time."""
    return hmac.compare_digest(a.encode(), b.encode())
