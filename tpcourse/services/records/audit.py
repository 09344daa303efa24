"""The append-only, hash-chained audit log: every grade, completion, issue and export.

Two ways in. `record_event` chains an event at once, in the caller's transaction, holding the
chain's head lock until the caller commits. `queue_event` (a grade: thousands in minutes on
exam day) only inserts the event into `audit_pending`, in the caller's transaction and
without the head lock; `seal_pending` chains the waiting events, oldest first, in batches,
moments later (see tpcourse.services.records.audit_sealer). A queued event is as durable as the change
it records; until it is sealed it sits outside the chain (`flask audit verify` reports how
many wait, `flask audit seal` chains them).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import AuditEvent, AuditHead, AuditPending, utcnow
from ...records.audit_chain import GENESIS, AuditEntry, ChainBreak, next_entry, verify_chain

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
PENDING_TABLE = _PENDING = AuditPending.__table__
# A queued event's values as bound parameters named event_<column>, so a caller can fold the
# insert into a statement of its own (see services.attempt_grades) without name clashes.
QUEUED_VALUES = {name: bindparam(f"event_{name}", type_=_PENDING.c[name].type)
                 for name in ("at", "actor", "kind", "payload")}
_QUEUE = insert(_PENDING).values(QUEUED_VALUES)
_WAITING = select(_PENDING).order_by(_PENDING.c.id).limit(bindparam("batch"))
SEAL_BATCH = 500


def _locked_head() -> tuple[int, str]:
    """Return the chain head (seq, hash), locked until this transaction ends (created on first
    use). On SQLite the lock is the database's write lock (see tpcourse.database.row_locks)."""
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
    # Events queued before this one are chained first, under the lock already held.
    seq, head_hash = _seal_waiting(seq, head_hash, SEAL_BATCH)[:2]
    entry = next_entry(_previous(seq, head_hash), at, actor, kind, payload)
    row = _row(entry)
    connection = db.session.connection()  # the transaction that holds the head's lock
    if connection.dialect.name == "postgresql":
        connection.execute(_APPEND_AND_MOVE, row)
    else:
        connection.execute(_APPEND, row)
        connection.execute(_MOVE_HEAD, row)
    return entry


def queue_event(kind: str, payload: dict[str, Any], actor: str | None = None,
                now: datetime | None = None) -> None:
    """Record an event in the caller's transaction, to be chained by `seal_pending` later.

    One INSERT, no lock on the chain's head: the caller commits it with its own change, so
    the event exists exactly when the change does.
    """
    queue_row(queued_row(kind, payload, actor, now))


def queued_row(kind: str, payload: dict[str, Any], actor: str | None = None,
               now: datetime | None = None) -> dict[str, Any]:
    """An event to queue: its values by column name."""
    return {"at": now or utcnow(), "actor": actor, "kind": kind, "payload": payload}


def event_parameters(event: dict[str, Any]) -> dict[str, Any]:
    """`queued_row`'s values as the parameters of `QUEUED_VALUES`."""
    return {f"event_{name}": value for name, value in event.items()}


def queue_row(event: dict[str, Any]) -> None:
    """Insert a `queued_row` into the queue, in the caller's transaction."""
    db.session.connection().execute(_QUEUE, event_parameters(event))


def seal_pending(batch: int = SEAL_BATCH) -> int:
    """Chain every waiting event, oldest first, a batch per transaction; return how many.

    Each batch takes the head lock, appends its events with their hashes, deletes them from
    `audit_pending` and moves the head, then commits. Concurrent sealers take turns on the
    lock; one that comes second finds the events already gone.
    """
    sealed = 0
    while True:
        seq, head_hash, count = _seal_waiting(*_locked_head(), batch)
        if not count:
            db.session.rollback()  # release the lock
            return sealed
        db.session.connection().execute(_MOVE_HEAD, {"seq": seq, "hash": head_hash})
        db.session.commit()
        sealed += count
        if count < batch:
            return sealed


def waiting_count() -> int:
    """How many queued events wait to be chained."""
    return db.session.execute(select(func.count()).select_from(_PENDING)).scalar_one()


def _seal_waiting(seq: int, head_hash: str, batch: int) -> tuple[int, str, int]:
    """With the head locked at (seq, head_hash): chain up to `batch` waiting events.

    Returns the new (seq, hash) of the last appended entry and how many were appended; the
    head row itself is moved by the caller.
    """
    connection = db.session.connection()
    waiting = connection.execute(_WAITING, {"batch": batch}).all()
    if not waiting:
        return seq, head_hash, 0
    previous = _previous(seq, head_hash)
    rows = []
    for event in waiting:
        previous = next_entry(previous, event.at, event.actor, event.kind, event.payload)
        rows.append(_row(previous))
    connection.execute(_APPEND, rows)
    connection.execute(delete(_PENDING).where(_PENDING.c.id.in_([e.id for e in waiting])))
    # Grades reach schools' webhooks from here, off the exam's submit path (one query when
    # no school subscribes to attempt.graded; see integrations/webhooks/events.py).
    from ...integrations.webhooks.events import graded_events_sealed

    graded_events_sealed(waiting, utcnow())
    return previous.seq, previous.hash, len(rows)


def _previous(seq: int, head_hash: str) -> AuditEntry | None:
    """The head as the entry a new one follows (None for an empty chain)."""
    if not seq:
        return None
    return AuditEntry(seq=seq, at=utcnow(), actor=None, kind="", payload={}, prev_hash="",
                      hash=head_hash)


def _row(entry: AuditEntry) -> dict[str, Any]:
    return {"seq": entry.seq, "at": entry.at, "actor": entry.actor, "kind": entry.kind,
            "payload": entry.payload, "prev_hash": entry.prev_hash, "hash": entry.hash}


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
