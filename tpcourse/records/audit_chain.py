"""Append-only audit log as a SHA-256 hash chain: each entry's hash covers the one before it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tpcourse.i18n_markers import N_, Sentence
from tpcourse.records.encoding import canonical_json, isoformat_z
from tpcourse.records.signing import (
    ALG,
    b64url_decode,
    b64url_encode,
    find_public_key,
    key_id,
)

__all__ = [
    "FIRST_SEQ",
    "GENESIS",
    "AuditEntry",
    "ChainBreak",
    "canonical_json",
    "event_hash",
    "next_entry",
    "sign_checkpoint",
    "verify_chain",
    "verify_checkpoint",
]

GENESIS = "0" * 64  # prev_hash of the first entry
FIRST_SEQ = 1
Actor = str | int | None


def event_hash(
    prev_hash: str, seq: int, at: datetime, actor: Actor, kind: str, payload: Any
) -> str:
    """Return the SHA-256 hex of the canonical JSON of an entry and its predecessor's hash."""
    event = {
        "prev_hash": prev_hash,
        "seq": seq,
        "at": isoformat_z(at),
        "actor": actor,
        "kind": kind,
        "payload": payload,
    }
    return hashlib.sha256(canonical_json(event)).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """One stored audit event with the hash that links it to the entry before."""

    seq: int
    at: datetime
    actor: Actor
    kind: str
    payload: Any
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain first fails verification, and why, as a sentence (translated where it
    is shown)."""

    seq: int
    reason: Sentence

    def __str__(self) -> str:
        return self.reason


def next_entry(
    previous: AuditEntry | None, at: datetime, actor: Actor, kind: str, payload: Any
) -> AuditEntry:
    """Build the entry that follows `previous` (or starts the chain when it is None)."""
    seq = FIRST_SEQ if previous is None else previous.seq + 1
    prev_hash = GENESIS if previous is None else previous.hash
    digest = event_hash(prev_hash, seq, at, actor, kind, payload)
    return AuditEntry(seq, at, actor, kind, payload, prev_hash, digest)


def _link_break(entry: AuditEntry, previous: AuditEntry | None) -> ChainBreak | None:
    """Check that `entry` sits right after `previous` in sequence and in hash."""
    expected_seq = FIRST_SEQ if previous is None else previous.seq + 1
    if entry.seq < expected_seq:
        return ChainBreak(entry.seq, Sentence(
            N_("Entry %(seq)d comes after entry %(previous)d: entries are out of order or "
               "duplicated."), seq=entry.seq, previous=expected_seq - 1))
    if entry.seq > expected_seq:
        return ChainBreak(entry.seq, _gap(entry.seq, previous, expected_seq))
    expected_prev = GENESIS if previous is None else previous.hash
    if entry.prev_hash != expected_prev:
        if previous is None:
            return ChainBreak(entry.seq, Sentence(
                N_("Entry %(seq)d does not link to the genesis value: an entry before it was "
                   "deleted, replaced or reordered."), seq=entry.seq))
        return ChainBreak(entry.seq, Sentence(
            N_("Entry %(seq)d does not link to entry %(previous)d's hash: an entry before it "
               "was deleted, replaced or reordered."), seq=entry.seq, previous=previous.seq))
    return None


def _gap(seq: int, previous: AuditEntry | None, expected_seq: int) -> Sentence:
    """Why entry `seq` cannot follow `previous`: the entries expected between are missing."""
    values = {"seq": seq, "first": expected_seq, "last": seq - 1}
    if previous is None:
        if seq == expected_seq + 1:
            return Sentence(N_("Entry %(seq)d follows the start: entry %(first)d is missing "
                               "(deleted) or out of order."), **values)
        return Sentence(N_("Entry %(seq)d follows the start: entries %(first)d to %(last)d are "
                           "missing (deleted) or out of order."), **values)
    if seq == expected_seq + 1:
        return Sentence(N_("Entry %(seq)d follows entry %(previous)d: entry %(first)d is "
                           "missing (deleted) or out of order."), previous=previous.seq, **values)
    return Sentence(N_("Entry %(seq)d follows entry %(previous)d: entries %(first)d to %(last)d "
                       "are missing (deleted) or out of order."), previous=previous.seq, **values)


def verify_chain(
    entries: Iterable[AuditEntry], *, anchors: Mapping[int, str] | None = None
) -> ChainBreak | None:
    """Check entries in seq order, one at a time; return the first break, or None if intact.

    `anchors` maps seq to hashes recorded outside the database (signed checkpoints, signed
    exports): they catch a tail rewritten with freshly computed hashes, and a truncated tail.
    """
    anchors = dict(anchors or {})
    previous: AuditEntry | None = None
    for entry in entries:
        broken = _link_break(entry, previous)
        if broken is not None:
            return broken
        content_hash = event_hash(
            entry.prev_hash, entry.seq, entry.at, entry.actor, entry.kind, entry.payload
        )
        if content_hash != entry.hash:
            return ChainBreak(entry.seq, Sentence(
                N_("Entry %(seq)d was changed after it was written: its content no longer "
                   "matches its stored hash."), seq=entry.seq))
        anchored = anchors.pop(entry.seq, None)
        if anchored is not None and anchored != entry.hash:
            return ChainBreak(entry.seq, Sentence(
                N_("Entry %(seq)d differs from the checkpoint recorded outside the database: "
                   "the chain was rewritten from this entry or earlier."), seq=entry.seq))
        previous = entry
    if anchors:
        last = FIRST_SEQ - 1 if previous is None else previous.seq
        missing_seq = min(anchors)
        return ChainBreak(missing_seq, Sentence(
            N_("The chain ends at entry %(last)d but a checkpoint exists for entry "
               "%(missing)d: entries at the end were deleted."), last=last, missing=missing_seq))
    return None


def _checkpoint_message(checkpoint: Mapping[str, Any]) -> bytes:
    fields = ("type", "alg", "kid", "seq", "hash", "at")
    return canonical_json({name: checkpoint.get(name) for name in fields})


def sign_checkpoint(entry: AuditEntry, key: Ed25519PrivateKey) -> dict[str, Any]:
    """Sign the head of the chain so it can be kept outside the database as an anchor."""
    checkpoint: dict[str, Any] = {
        "type": "tpcourse-audit-checkpoint/v1",
        "alg": ALG,
        "kid": key_id(key),
        "seq": entry.seq,
        "hash": entry.hash,
        "at": isoformat_z(entry.at),
    }
    checkpoint["signature"] = b64url_encode(key.sign(_checkpoint_message(checkpoint)))
    return checkpoint


def verify_checkpoint(checkpoint: Mapping[str, Any], jwks: Mapping[str, Any]) -> list[Sentence]:
    """Check a signed checkpoint against a JWK set; return problems, empty when valid."""
    public_key = find_public_key(jwks, str(checkpoint.get("kid")))
    if public_key is None:
        return [Sentence(N_("unknown key id %(kid)s: it is not in the key set given"),
                         kid=checkpoint.get("kid"))]
    try:
        signature = b64url_decode(str(checkpoint.get("signature", "")))
        public_key.verify(signature, _checkpoint_message(checkpoint))
    except (ValueError, InvalidSignature):
        return [Sentence(N_("signature does not match: the checkpoint was altered or not signed "
                            "by this key"))]
    return []
