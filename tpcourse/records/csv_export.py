"""Stream completion rows as a CSV file that opens cleanly, and safely, in Excel."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from tpcourse.records.encoding import CHUNK_SIZE
from tpcourse.records.fields import FIELDS, field_values
from tpcourse.records.rows import CompletionRow

__all__ = ["CSV_COLUMNS", "csv_cell", "stream_csv"]

# Header row, in order (**contract**): see docs/records.md for each column's meaning.
CSV_COLUMNS: tuple[str, ...] = FIELDS

BOM = "\ufeff"  # tells Excel the file is UTF-8, so accented names survive a double-click
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """Format one value as cell text; text that a spreadsheet would run as a formula gets a `'`."""
    if isinstance(value, str):
        # OWASP CSV injection guard: a leading quote makes spreadsheets show text, not run it.
        return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def stream_csv(rows: Iterable[CompletionRow]) -> Iterator[bytes]:
    """Yield a UTF-8 (with BOM), CRLF, minimally quoted CSV of `rows` in chunks of about 64 KiB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    buffer.write(BOM)
    writer.writerow(CSV_COLUMNS)
    writerow = writer.writerow
    for row in rows:
        writerow(map(csv_cell, field_values(row)))
        if buffer.tell() >= CHUNK_SIZE:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
