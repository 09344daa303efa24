"""`audit verify` over the stored chain: edits, deletions and reorderings are each caught."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, func, select, update

from tpcourse.models import AuditEvent


@pytest.fixture
def chain(world, db) -> int:
    """The world's audit log (grades, completions, cohorts); return its length."""
    count = db.session.execute(select(func.count(AuditEvent.seq))).scalar_one()
    assert count >= 8
    return count


def _verify(runner, *extra):
    return runner.invoke(args=["audit", "verify", *extra])


def test_an_intact_chain_verifies(runner, chain):
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"OK: {chain} audit entries, chain intact")


def test_an_edited_entry_is_named(runner, chain, db):
    payload = db.session.get(AuditEvent, 3).payload
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(
        payload={**payload, "score": -1}))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "BROKEN at entry 3: Entry 3 was changed after it was written" in result.output


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(runner, chain, db):
    from tpcourse.records.audit_chain import event_hash

    entry = db.session.get(AuditEvent, 4)
    forged = {**entry.payload, "forged": True}
    new_hash = event_hash(entry.prev_hash, 4, entry.at, entry.actor, entry.kind, forged)
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 4).values(
        payload=forged, hash=new_hash))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "BROKEN at entry 5: Entry 5 does not link to entry 4's hash" in result.output


def test_a_deleted_entry_is_named(runner, chain, db):
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq == 5))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "BROKEN at entry 6: Entry 6 follows entry 4: entry 5 is missing" in result.output


def test_reordered_entries_are_caught(runner, chain, db):
    # Swap entries 2 and 3 by their sequence numbers (the order the chain is read in).
    for old, new in ((2, -2), (3, 2), (-2, 3)):
        db.session.execute(update(AuditEvent).where(AuditEvent.seq == old).values(seq=new))
    db.session.commit()
    result = _verify(runner)
    assert result.exit_code == 1
    assert "BROKEN at entry 2: Entry 2 does not link to entry 1's hash" in result.output


def test_a_deleted_tail_is_caught_only_against_a_checkpoint(runner, chain, db, tmp_path):
    checkpoint = tmp_path / "checkpoint.json"
    made = runner.invoke(args=["audit", "checkpoint", "-o", str(checkpoint)])
    assert made.exit_code == 0 and json.loads(checkpoint.read_text())["seq"] == chain
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq == chain))
    db.session.commit()
    assert _verify(runner).exit_code == 0  # a chain alone cannot see its end was cut
    result = _verify(runner, "--checkpoint", str(checkpoint))
    assert result.exit_code == 1
    assert f"BROKEN at entry {chain}:" in result.output and "deleted" in result.output


def test_a_forged_checkpoint_is_refused(runner, chain, tmp_path):
    checkpoint = tmp_path / "checkpoint.json"
    runner.invoke(args=["audit", "checkpoint", "-o", str(checkpoint)])
    forged = json.loads(checkpoint.read_text())
    forged["seq"] = 1
    checkpoint.write_text(json.dumps(forged))
    result = _verify(runner, "--checkpoint", str(checkpoint))
    assert result.exit_code == 1 and "signature does not match" in result.output
