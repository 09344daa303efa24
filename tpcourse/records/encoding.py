"""Shared encodings: ISO 8601 UTC timestamps, canonical JSON and buffered byte chunks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any

__all__ = [
    "CHUNK_SIZE",
    "canonical_json",
    "chunked",
    "compact_json",
    "isoformat_z",
    "json_array",
    "jsonable",
    "optional_isoformat_z",
]

CHUNK_SIZE = 64 * 1024  # bytes per yielded chunk: big enough for sockets, small enough to stay flat


def isoformat_z(moment: datetime) -> str:
    """Write an aware datetime as ISO 8601 UTC ending in `Z` (microseconds only when set)."""
    if moment.tzinfo is UTC:  # what the database hands back: no conversion needed
        return moment.isoformat().replace("+00:00", "Z")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"Datetime {moment.isoformat()} has no time zone: attach UTC before exporting it."
        )
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def optional_isoformat_z(moment: datetime | None) -> str | None:
    """Write `moment` like `isoformat_z`, passing None through."""
    return None if moment is None else isoformat_z(moment)


def jsonable(value: Any) -> Any:
    """Turn datetimes, dates, tuples and sets into JSON types, recursively."""
    if isinstance(value, datetime):
        return isoformat_z(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(jsonable(item) for item in value)
    return value


def canonical_json(value: Any) -> bytes:
    """Encode `value` as canonical JSON bytes: sorted keys, no spaces, UTF-8, datetimes as ISO Z."""
    return json.dumps(
        jsonable(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def compact_json(value: Any) -> str:
    """Encode `value` as compact JSON text in key order, for streamed documents."""
    return json.dumps(jsonable(value), separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def chunked(pieces: Iterable[str], size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """Join text pieces into UTF-8 chunks of about `size` bytes, never holding more than one."""
    buffer: list[str] = []
    held = 0
    for piece in pieces:
        buffer.append(piece)
        held += len(piece)
        if held >= size:
            yield "".join(buffer).encode("utf-8")
            buffer.clear()
            held = 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def json_array(items: Iterable[Any], *, head: str = "[", tail: str = "]\n") -> Iterator[str]:
    """Yield a JSON array of already-JSON-typed items, one per line, between `head` and `tail`."""
    encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode
    yield head
    empty = True
    for item in items:
        yield "\n" if empty else ",\n"
        yield encode(item)
        empty = False
    yield tail if empty else "\n" + tail
