"""People and schools."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

ROLES = ("trainee", "instructor", "school_admin", "admin")


def session_identity(user_id: int, password_hash: str) -> str:
    """Return `<id>.<digest of the password hash>` (the cookie is signed; this only binds it)."""
    digest = hashlib.sha256(password_hash.encode()).hexdigest()[:24]
    return f"{user_id}.{digest}"


class School(db.Model):
    """A school or CE provider that enrols trainees."""

    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    provider_name: Mapped[str | None] = mapped_column(String(200))
    provider_number: Mapped[str | None] = mapped_column(String(60))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_address: Mapped[str | None] = mapped_column(String(500))
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignedInIdentity(UserMixin):
    """What Flask-Login asks of a signed-in user, for `User` and `SessionUser` alike (both have
    `id`, `active` and `password_hash`)."""

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """Return the identity kept in the session and remember-me cookie.

        It carries a digest of the password hash, so changing the password (a reset after a
        stolen laptop, say) ends every other session and remember-me cookie at once.
        """
        return session_identity(self.id, self.password_hash)

    def session_matches(self, identity: str) -> bool:
        """Say whether a session's identity was issued for the current password."""
        return hmac.compare_digest(self.get_id(), identity)


class User(SignedInIdentity, db.Model):
    """An account: trainee, instructor, school admin or admin."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="trainee")
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # personal data reduced

    school: Mapped[School | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


@dataclass(frozen=True, eq=False)
class SessionUser(SignedInIdentity):
    """The signed-in user as one plain row, for pages that only need to know who is asking.

    The exam pages (the `quiz` blueprint: start, answer, submit, results) run on every click
    of a whole cohort on certification day and use only the user's id, role and name. Reading
    those as a row instead of building a `User` object spares about a fifth of a request's CPU
    (docs/performance.md). It is checked against the session exactly as a `User` is, and it
    is read-only: code that changes an account, or follows its relationships, loads the User.
    """

    id: int
    email: str
    name: str
    role: str
    school_id: int | None
    active: bool
    password_hash: str

    COLUMNS = ("id", "email", "name", "role", "school_id", "active", "password_hash")

    def __repr__(self) -> str:
        return f"<SessionUser {self.email} {self.role}>"
