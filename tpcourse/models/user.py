"""People and schools."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import ForeignKey, LargeBinary, String, and_, bindparam, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType, UTCDateTime, utcnow

ROLES = ("trainee", "instructor", "school_admin", "admin")
PASSWORD_NOT_CHOSEN = "!invited"
"""The password hash of an account staff created, until its owner chooses a password (not a
werkzeug hash: no password matches it)."""


def session_identity(user_id: int, session_id: str | None, password_hash: str) -> str:
    """Return `<id>.<session id>.<digest of the password hash>`.

    The cookie is signed; the session id names a row of `user_sessions` that logging out ends,
    and the digest ends every session when the password changes.
    """
    digest = hashlib.sha256(password_hash.encode()).hexdigest()[:24]
    return f"{user_id}.{session_id or ''}.{digest}"


def identity_parts(identity: str) -> tuple[int, str] | None:
    """The user id and session id an identity names, or None if it is not one of ours."""
    user_id, _, rest = identity.partition(".")
    session_id = rest.partition(".")[0]
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10) or not session_id:
        return None
    return int(user_id), session_id


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
    # The school's own web address, named in its Open Badges issuer profile (docs/records.md).
    website_url: Mapped[str | None] = mapped_column(String(300))
    # Images the school uploads (PNG, bounded; deferred: every user row joins its school):
    # the logo (issuer profile, certificates) and the signature printed on certificates.
    logo_image: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    signature_image: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # The school's certificate template: accent and secondary colours, attestation wording,
    # default page size (records/certificate.py CertificateTemplate); None: the default.
    certificate_template: Mapped[dict | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignedInIdentity(UserMixin):
    """What Flask-Login asks of a signed-in user, for `User` and `SessionUser` alike (both have
    `id`, `active`, `password_hash` and the `session_id` of the browser session in use)."""

    session_id: str | None = None

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive accounts
        return self.active

    def get_id(self) -> str:
        """Return the identity kept in the session and remember-me cookie.

        It names the browser session (a row of `user_sessions`, which logging out ends) and
        carries a digest of the password hash, so changing the password (a reset after a
        stolen laptop, say) ends every other session and remember-me cookie at once.
        """
        return session_identity(self.id, self.session_id, self.password_hash)

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
    # An IANA name ("Europe/Berlin"), detected in the browser or chosen on the profile page;
    # None until then (times are shown in UTC).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # The interface's language ("es"), chosen with the footer's switcher or on the profile
    # page; None: the browser's preference (tpcourse/web/i18n.py).
    locale: Mapped[str | None] = mapped_column(String(16))
    # Whether /verify of a superseded certificate may name the newer one's code (the holder's
    # choice on the profile page; off by default).
    share_renewed_codes: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # personal data reduced

    school: Mapped[School | None] = relationship(lazy="joined")

    @property
    def awaiting_password(self) -> bool:
        """Whether staff created the account and its owner has not chosen a password yet."""
        return self.password_hash == PASSWORD_NOT_CHOSEN

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


@dataclass(frozen=True, eq=False)
class SessionUser(SignedInIdentity):
    """The signed-in user as one plain row, for pages that only need to know who is asking.

    The exam pages (the `quiz` blueprint: start, answer, submit, results) run on every click
    of a whole cohort on certification day and use only the user's id, role and name. Reading
    those as a row instead of building a `User` object spares about a fifth of a light
    request's CPU (docs/performance.md). It is checked against the session exactly as a `User`
    is, and it is read-only: code that changes an account, or follows its relationships, loads
    the User.
    """

    id: int
    email: str
    name: str
    role: str
    school_id: int | None
    active: bool
    time_zone: str | None  # read with the row: exam pages show times in it
    locale: str | None  # and in its language
    password_hash: str
    session_id: str | None  # None when the session named in the cookie has ended

    COLUMNS = ("id", "email", "name", "role", "school_id", "active", "time_zone", "locale",
               "password_hash")

    @classmethod
    def checked(cls, row: Sequence[Any] | None, identity: str) -> SessionUser | None:
        """The row (`SESSION_USER_COLUMNS`, as read with `join_live_session`) as a user, if there
        is one, its session is live and the identity was issued for its current password."""
        if row is None or row[0] is None or row[-1] is None:
            return None
        user = cls(*row)
        return user if user.session_matches(identity) else None

    def __repr__(self) -> str:
        return f"<SessionUser {self.email} {self.role}>"


class UserSession(db.Model):
    """One signed-in browser. Its id travels in the signed session (and remember-me) cookie;
    logging out ends the row, so a copied cookie stops working everywhere at once."""

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(200), default="")


_SESSIONS = UserSession.__table__
SESSION_USER_COLUMNS = (*(User.__table__.c[name] for name in SessionUser.COLUMNS), _SESSIONS.c.id)
"""What a SessionUser is read from: the `users` columns and the live session's id (NULL when
the session has ended). A statement that reads them joins with `join_live_session`."""
LIVE_SESSION = and_(_SESSIONS.c.id == bindparam("session_id"),
                    _SESSIONS.c.user_id == User.__table__.c.id, _SESSIONS.c.ended_at.is_(None))


def join_live_session(statement):
    """Outer-join the session named by the `session_id` parameter, if it is still live."""
    return statement.outerjoin(_SESSIONS, LIVE_SESSION)


class ClaimedUser(UserMixin):
    """The user a signed session names, before the database has confirmed it.

    The two busiest requests of an exam, start and submit, read the user's row in the same
    statement as the quiz or attempt they need rather than in a statement of their own (one
    round trip fewer per request; docs/performance.md). Until then only `id`, from the signed
    session cookie, is known, and the service's statement uses nothing else. `confirm(row)`
    checks that row exactly as the user loader checks one; a service raises IdentityRejected
    when it fails. Reading any other attribute first (an error page's navigation, say) loads
    and checks the row on its own (`check`); if that fails, `rejected` is called (it signs the
    session out) and every attribute reads as empty, so nothing can act as an unchecked user.
    """

    def __init__(self, identity: str, check: Callable[[str], SessionUser | None],
                 rejected: Callable[[], None]) -> None:
        self.id, self.session_id = identity_parts(identity) or (0, "")
        self.identity = identity
        self._check, self._rejected = check, rejected
        self._user: SessionUser | None = None
        self._refused = False

    @property
    def needs_confirming(self) -> bool:
        """Whether no row has confirmed this user yet (services then read it with theirs)."""
        return self._user is None and not self._refused

    @property
    def is_authenticated(self) -> bool:
        return not self._refused

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    def get_id(self) -> str:
        return self.identity

    def confirm(self, row: Sequence[Any] | None) -> bool:
        """Check the user's columns (`SessionUser.COLUMNS`, read by the caller's statement)."""
        user = SessionUser.checked(row, self.identity)
        if user is None:
            self._refuse()
            return False
        self._user = user
        return True

    def _refuse(self) -> None:
        if not self._refused:
            self._refused = True
            self._rejected()

    def __getattr__(self, name: str) -> Any:  # everything but id and identity
        if name.startswith("_"):
            raise AttributeError(name)
        if self._user is None and not self._refused:
            self._user = self._check(self.identity)
            if self._user is None:
                self._refuse()
        return "" if self._refused else getattr(self._user, name)

    def __repr__(self) -> str:
        return f"<ClaimedUser {self.id}>"


AnyUser = User | SessionUser | ClaimedUser
"""Who services may be handed as the signed-in user; they read `id` (and `role`) only."""
