"""The append-only, hash-chained audit log: every grade, completion, issue and export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import AuditEvent, AuditHead, utcnow
from ..records.audit_chain import GENESIS, AuditEntry, ChainBreak, next_entry, verify_chain


def _head() -> AuditHead:
    """Return the chain head row, locked for this transaction (created on first use)."""
    query = select(AuditHead).where(AuditHead.id == 1).with_for_update()
    head = db.session.execute(query).scalar_one_or_none()
    if head is None:
        try:
            with db.session.begin_nested():
                db.session.add(AuditHead(id=1, seq=0, hash=GENESIS))
        except IntegrityError:  # created by a concurrent writer
            pass
        head = db.session.execute(query).scalar_one()
    return head


def record_event(kind: str, payload: dict[str, Any], actor: str | None = None,
                 now: datetime | None = None) -> AuditEvent:
    """Append an event in the caller's transaction; the caller commits with its own change."""
    head = _head()
    previous = None
    if head.seq:
        previous = AuditEntry(seq=head.seq, at=now or utcnow(), actor=None, kind="", payload={},
                              prev_hash="", hash=head.hash)
    entry = next_entry(previous, now or utcnow(), actor, kind, payload)
    event = AuditEvent(seq=entry.seq, at=entry.at, actor=actor, kind=kind, payload=payload,
                       prev_hash=entry.prev_hash, hash=entry.hash)
    db.session.add(event)
    head.seq, head.hash = entry.seq, entry.hash
    return event


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
