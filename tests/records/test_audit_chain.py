"""The audit hash chain: canonical JSON, and every kind of tampering caught."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpcourse.records.audit_chain import (
    GENESIS,
    AuditEntry,
    canonical_json,
    event_hash,
    next_entry,
    sign_checkpoint,
    verify_chain,
    verify_checkpoint,
)
from tpcourse.records.signing import generate_private_key, jwks

START = datetime(2025, 1, 1, 8, 0, tzinfo=UTC)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def build_chain(count: int, payloads=None) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    for index in range(count):
        payload = payloads[index] if payloads else {"certificate": f"TPF-{index}", "n": index}
        previous = entries[-1] if entries else None
        at = START + timedelta(minutes=index)
        entries.append(next_entry(previous, at, "admin@example.org", "certificate.issued", payload))
    return entries


def rehash(entry: AuditEntry, prev_hash: str | None = None) -> AuditEntry:
    """What a careful forger does: fix up the hash after editing."""
    prev = entry.prev_hash if prev_hash is None else prev_hash
    digest = event_hash(prev, entry.seq, entry.at, entry.actor, entry.kind, entry.payload)
    return replace(entry, prev_hash=prev, hash=digest)


def test_canonical_json_is_sorted_compact_utf8():
    value = {"b": 1, "a": [True, None, "Zoë"], "at": datetime(2025, 1, 1, 9, 0, 0, 5, tzinfo=UTC)}
    assert canonical_json(value) == (
        '{"a":[true,null,"Zoë"],"at":"2025-01-01T09:00:00.000005Z","b":1}'.encode()
    )


def test_canonical_json_refuses_nan_and_naive_datetimes():
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})
    with pytest.raises(ValueError, match="no time zone"):
        canonical_json({"at": datetime(2025, 1, 1)})


@given(json_values)
def test_any_payload_round_trips_through_canonical_json(value):
    assert json.loads(canonical_json(value)) == value


@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_canonical_json_ignores_key_order(mapping):
    assert canonical_json(dict(reversed(list(mapping.items())))) == canonical_json(mapping)


def test_event_hash_is_sha256_of_canonical_event():
    digest = event_hash(GENESIS, 1, START, "system", "kind", {"a": 1})
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert digest != event_hash(GENESIS, 1, START, "system", "kind", {"a": 2})
    assert digest != event_hash(GENESIS, 2, START, "system", "kind", {"a": 1})


def test_intact_chain_verifies():
    chain = build_chain(6)
    assert chain[0].prev_hash == GENESIS and chain[0].seq == 1
    assert verify_chain(chain) is None
    assert verify_chain([]) is None


def test_edited_entry_is_caught():
    chain = build_chain(6)
    chain[3] = replace(chain[3], payload={"certificate": "FORGED", "n": 3})
    broken = verify_chain(chain)
    assert (broken.seq, str(broken)) == (
        4,
        "Entry 4 was changed after it was written: its content no longer matches its stored hash.",
    )


def test_edited_and_rehashed_entry_breaks_the_next_link():
    chain = build_chain(6)
    chain[3] = rehash(replace(chain[3], actor="someone-else"))
    broken = verify_chain(chain)
    assert broken.seq == 5
    assert "does not link to entry 4's hash" in broken.reason


def test_deleted_entry_is_caught():
    chain = build_chain(6)
    del chain[2]
    broken = verify_chain(chain)
    assert (broken.seq, broken.reason) == (
        4,
        "Entry 4 follows entry 2: entry 3 is missing (deleted) or out of order.",
    )


def test_deleted_first_entries_are_caught():
    broken = verify_chain(build_chain(6)[2:])
    assert broken.seq == 3
    assert broken.reason.startswith("Entry 3 follows the start: entries 1 to 2 are missing")


def test_deleted_and_renumbered_entries_are_caught():
    chain = build_chain(6)
    renumbered = chain[:2] + [rehash(replace(e, seq=e.seq - 1)) for e in chain[3:]]
    broken = verify_chain(renumbered)
    assert broken.seq == 3
    assert "does not link to entry 2's hash" in broken.reason


def test_reordered_entries_are_caught():
    chain = build_chain(6)
    chain[2], chain[3] = chain[3], chain[2]
    assert verify_chain(chain).seq == 4
    swapped_seqs = build_chain(6)
    swapped_seqs[2], swapped_seqs[3] = (
        replace(swapped_seqs[3], seq=3),
        replace(swapped_seqs[2], seq=4),
    )
    assert verify_chain(swapped_seqs).seq == 3


def test_duplicated_entry_is_caught():
    chain = build_chain(4)
    broken = verify_chain([*chain[:3], chain[2], chain[3]])
    assert broken.reason == "Entry 3 comes after entry 3: entries are out of order or duplicated."


def test_naively_forged_tail_is_caught():
    chain = build_chain(4)
    forged = AuditEntry(5, START, "intruder", "certificate.issued", {}, chain[-1].hash, "f" * 64)
    assert verify_chain([*chain, forged]).seq == 5
    unlinked = next_entry(build_chain(2)[-1], START, "intruder", "x", {})
    assert verify_chain([*chain, replace(unlinked, seq=5)]).seq == 5


def test_recomputed_tail_is_caught_by_an_anchor():
    chain = build_chain(6)
    anchors = {4: chain[3].hash}
    rewritten = chain[:3]
    for entry in chain[3:]:
        edited = replace(entry, payload={"certificate": "FORGED"})
        rewritten.append(rehash(edited, prev_hash=rewritten[-1].hash))
    assert verify_chain(rewritten) is None  # undetectable from the chain alone...
    broken = verify_chain(rewritten, anchors=anchors)  # ...but not against a checkpoint
    assert broken.seq == 4
    assert "differs from the checkpoint recorded outside the database" in broken.reason


def test_truncated_tail_is_caught_by_an_anchor():
    chain = build_chain(6)
    broken = verify_chain(chain[:4], anchors={6: chain[5].hash})
    assert (broken.seq, broken.reason) == (
        6,
        "The chain ends at entry 4 but a checkpoint exists for entry 6: "
        "entries at the end were deleted.",
    )
    assert verify_chain(chain, anchors={6: chain[5].hash}) is None


def test_verification_streams_and_stops_at_the_first_break():
    chain = build_chain(5)
    chain[1] = replace(chain[1], kind="edited")
    consumed = []

    def entries() -> Iterator[AuditEntry]:
        for entry in chain:
            consumed.append(entry.seq)
            yield entry

    assert verify_chain(entries()).seq == 2
    assert consumed == [1, 2]


MUTATIONS = ("payload", "kind", "actor", "at", "hash", "prev_hash", "delete", "swap", "seq")


@given(
    payloads=st.lists(json_values, min_size=2, max_size=8),
    index=st.integers(0),
    mutation=st.sampled_from(MUTATIONS),
)
def test_any_mutation_breaks_the_chain(payloads, index, mutation):
    chain = build_chain(len(payloads), payloads)
    position = index % len(chain)
    entry = chain[position]
    if mutation == "delete":
        if position == len(chain) - 1:
            position -= 1  # deleting the head needs an anchor; covered above
        del chain[position]
    elif mutation == "swap":
        position = min(position, len(chain) - 2)
        chain[position], chain[position + 1] = chain[position + 1], chain[position]
    else:
        changed = {
            "payload": ["changed", entry.payload],
            "kind": entry.kind + "!",
            "actor": "intruder",
            "at": entry.at + timedelta(seconds=1),
            "hash": "0" * 63 + "1",
            "prev_hash": "f" * 64,
            "seq": entry.seq + 100,
        }[mutation]
        chain[position] = replace(entry, **{mutation: changed})
    assert verify_chain(chain) is not None


def test_signed_checkpoint_round_trip():
    key = generate_private_key()
    head = build_chain(3)[-1]
    checkpoint = sign_checkpoint(head, key)
    assert (checkpoint["seq"], checkpoint["hash"]) == (3, head.hash)
    assert verify_checkpoint(checkpoint, jwks([key])) == []
    assert verify_checkpoint({**checkpoint, "hash": "0" * 64}, jwks([key])) == [
        "signature does not match: the checkpoint was altered or not signed by this key"
    ]
    assert verify_checkpoint(checkpoint, jwks([generate_private_key()]))[0].startswith(
        "unknown key id"
    )
