"""The append-only, hash-chained audit log: every grade, completion, issue and export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import AuditEvent, AuditHead, utcnow
from ..records.audit_chain import GENESIS, AuditEntry, ChainBreak, next_entry, verify_chain

# Core statements on the tables, built once (values are given at execution): appending is on
# every grade's path, and the ORM's unit of work adds nothing here (the rows are written,
# never read back in the request).
_HEAD = AuditHead.__table__
_EVENTS = AuditEvent.__table__
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(seq=bindparam("seq"),
                                                        hash=bindparam("hash"))
_APPEND = insert(_EVENTS).values({column.name: bindparam(column.name) for column in _EVENTS.c})
# PostgreSQL runs a data-modifying WITH exactly once: append and move the head in one round
# trip, which also shortens how long the head stays locked. (SQLite has no such WITH.)
_APPEND_AND_MOVE = _APPEND.add_cte(_MOVE_HEAD.cte("moved_head"))


def _locked_head() -> tuple[int, str]:
    """Return the chain head (seq, hash), locked until this transaction ends (created on first
    use). On SQLite the lock is the database's write lock (see tpcourse.db_locks)."""
    head = db.session.execute(_LOCK_HEAD).first()
    if head is None:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(_HEAD).values(id=1, seq=0, hash=GENESIS))
        except IntegrityError:  # created by a concurrent writer
            pass
        head = db.session.execute(_LOCK_HEAD).one()
    return head.seq, head.hash


def record_event(kind: str, payload: dict[str, Any], actor: str | None = None,
                 now: datetime | None = None) -> AuditEntry:
    """Append an event in the caller's transaction; the caller commits with its own change.

    The caller's pending changes are written first, so the head stays locked only for the
    append itself: read-and-lock the head, then insert the event and move the head (one
    statement on PostgreSQL, two on SQLite).
    """
    db.session.flush()
    at = now or utcnow()
    seq, head_hash = _locked_head()
    previous = None
    if seq:
        previous = AuditEntry(seq=seq, at=at, actor=None, kind="", payload={}, prev_hash="",
                              hash=head_hash)
    entry = next_entry(previous, at, actor, kind, payload)
    row = {"seq": entry.seq, "at": entry.at, "actor": actor, "kind": kind, "payload": payload,
           "prev_hash": entry.prev_hash, "hash": entry.hash}
    connection = db.session.connection()  # the transaction that holds the head's lock
    if connection.dialect.name == "postgresql":
        connection.execute(_APPEND_AND_MOVE, row)
    else:
        connection.execute(_APPEND, row)
        connection.execute(_MOVE_HEAD, row)
    return entry


def actor_of(user: Any) -> str | None:
    """Name the actor of an event: 'user:<id>' for a person, None for the system."""
    return f"user:{user.id}" if user is not None and getattr(user, "id", None) else None


def stored_entries(batch: int = 1000) -> Iterator[AuditEntry]:
    """Stream the stored chain in order, a batch at a time."""
    rows = db.session.execute(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    ).scalars()
    for row in rows:
        yield AuditEntry(seq=row.seq, at=row.at, actor=row.actor, kind=row.kind,
                         payload=row.payload, prev_hash=row.prev_hash, hash=row.hash)


def verify_stored_chain() -> ChainBreak | None:
    """Check the whole stored chain; return the first break, or None when intact."""
    return verify_chain(stored_entries())
