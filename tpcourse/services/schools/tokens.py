"""API tokens for school systems: shown once when created, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import ApiToken, School
from ..errors import NotFound, ServiceError
from ..records.audit import record_event

PREFIX = "tpc_"
# Writing last_used_at on every call would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(token: str) -> str:
    """Return the hex SHA-256 of a token, the only form kept in the database."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just created: `secret` is shown once and never stored."""

    token: ApiToken
    secret: str


def create_token(school: School, name: str, actor: str | None, now: datetime,
                 created_by_id: int | None = None) -> NewToken:
    """Create a named token for a school; return it with its secret (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the token a name that says which system uses it."))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(school_id=school.id, name=name[:200], token_hash=token_hash(secret),
                     created_by_id=created_by_id, created_at=now)
    db.session.add(token)
    db.session.flush()
    record_event("api_token.created", {"token": token.id, "school": school.slug, "name": token.name},
                 actor, now)
    db.session.commit()
    return NewToken(token, secret)


def tokens_of(school: School) -> list[ApiToken]:
    """Return a school's tokens, live ones first, newest first."""
    return list(db.session.execute(
        select(ApiToken).where(ApiToken.school_id == school.id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
    ).scalars())


def revoke_token(school: School, token_id: int, actor: str | None, now: datetime) -> ApiToken:
    """Revoke one of the school's tokens (another school's is NotFound); idempotent."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.school_id != school.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = now
        record_event("api_token.revoked", {"token": token.id, "school": school.slug,
                                           "name": token.name}, actor, now)
        db.session.commit()
    return token


def authenticate(secret: str, now: datetime) -> tuple[ApiToken, School] | None:
    """Return the live token matching `secret` and its school, else None; note the use."""
    if not secret or not secret.startswith(PREFIX):
        return None
    found = db.session.execute(
        select(ApiToken, School).join(School, School.id == ApiToken.school_id)
        .where(ApiToken.token_hash == token_hash(secret))
    ).first()
    if found is None or found[0].revoked_at is not None:
        return None
    token, school = found
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token, school


def actor_of_token(token: ApiToken) -> str:
    """Name a token as the actor of an audit event."""
    return f"token:{token.id}"
