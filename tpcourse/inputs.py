"""Reading numbers from untrusted text: what every layer shares about the database's ranges.

Python's `int()` accepts non-ASCII digits (`int("٣") == 3`), `str.isdigit()` accepts ones it
cannot read (`"²".isdigit()`), and both accept numbers far beyond a database column; these
helpers accept plain ASCII digits within the range of an integer column, or nothing.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1
"""The largest value of an `Integer` column on PostgreSQL (ids, counts, minutes)."""
MAX_DIGITS = len(str(MAX_ID))
MIN_YEAR, MAX_YEAR = 1900, 2200
"""Dates outside these years are refused wherever a person types one (filters, sign-offs)."""


def ascii_int(text: object, maximum: int = MAX_ID) -> int | None:
    """Return `text` as a non-negative int if it is 1–10 ASCII digits and at most `maximum`."""
    if isinstance(text, int) and not isinstance(text, bool):
        return text if 0 <= text <= maximum else None
    if not isinstance(text, str):
        return None
    text = text.strip()
    if not (0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if number <= maximum else None


def year_in_range(year: int) -> bool:
    """Whether a typed date's year is one tpcourse accepts (MIN_YEAR–MAX_YEAR)."""
    return MIN_YEAR <= year <= MAX_YEAR
