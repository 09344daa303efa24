"""Browser sessions: one row per signed-in browser, ended by logging out.

The session cookie (and the remember-me cookie) carry the row's id; every request reads the row
with the user in the same statement (tpcourse.models.user.join_live_session), so a session that
has ended stops working at once, from any copy of its cookies, on every worker.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from ...extensions import db
from ...models import User, UserSession
from ..records.audit import record_event

KEEP_ENDED_DAYS = 30
"""Ended sessions are kept this long (for the account's sessions page), then pruned."""


def start_session(user: User, user_agent: str, now: datetime) -> str:
    """Record a new signed-in browser for the user; return its id (also set on `user`)."""
    session_id = secrets.token_urlsafe(16)
    db.session.add(UserSession(id=session_id, user_id=user.id, created_at=now,
                               user_agent=(user_agent or "")[:200]))
    db.session.commit()
    user.session_id = session_id
    return session_id


def end_session(user_id: int, session_id: str | None, now: datetime) -> None:
    """End one browser session (logging out)."""
    if session_id:
        db.session.execute(update(UserSession).where(
            UserSession.id == session_id, UserSession.user_id == user_id,
            UserSession.ended_at.is_(None)).values(ended_at=now))
        db.session.commit()


def end_all_sessions(user_id: int, now: datetime, actor: str) -> int:
    """End every live session of the user ("log out everywhere"); return how many ended."""
    ended = db.session.execute(update(UserSession).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None)).values(ended_at=now))
    record_event("account.sessions_ended", {"user": user_id, "sessions": ended.rowcount},
                 actor, now)
    db.session.commit()
    return ended.rowcount


def live_sessions(user_id: int) -> list[UserSession]:
    """The user's sessions that have not ended, newest first."""
    return list(db.session.execute(
        select(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
        .order_by(UserSession.created_at.desc())).scalars())


def prune_sessions(now: datetime, remember_days: int) -> int:
    """Delete sessions ended long ago, and ones older than the remember-me cookie can live."""
    removed = db.session.execute(delete(UserSession).where(or_(
        UserSession.ended_at < now - timedelta(days=KEEP_ENDED_DAYS),
        UserSession.created_at < now - timedelta(days=remember_days))))
    db.session.commit()
    return removed.rowcount
