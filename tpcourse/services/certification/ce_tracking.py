"""Continuing-education hours per renewal period, for a trainee's records page.

Periods are TPCOURSE_CE_PERIOD_YEARS long (default 2) and counted from an anchor: the
trainee's first completion, or the fixed date TPCOURSE_CE_PERIOD_ANCHOR (YYYY-MM-DD, e.g. the
day a licensing board's cycle starts). A certificate counts in the period of its completion
date; revoked certificates are listed but not counted; expired ones still count, because the
hours were earned then.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ...models import CompletionRecord
from .certificates import setting

DEFAULT_YEARS = 2


@dataclass(frozen=True)
class CeEntry:
    """One certificate as CE tracking sees it."""

    record: Any
    completed_on: date
    hours: float
    counts: bool


@dataclass
class CePeriod:
    """A renewal period [start, end) with the certificates completed in it."""

    start: date
    end: date
    current: bool
    entries: list[CeEntry] = field(default_factory=list)

    @property
    def last_day(self) -> date:
        """The period's last day (end is exclusive)."""
        return self.end - timedelta(days=1)

    @property
    def hours(self) -> float:
        """CE hours earned in the period by certificates that count."""
        return round(sum(entry.hours for entry in self.entries if entry.counts), 2)


@dataclass(frozen=True)
class CeSummary:
    """Every period from the first certificate to today, newest first."""

    years: int
    anchor: date | None
    fixed_anchor: bool
    periods: list[CePeriod]


def add_years(day: date, years: int) -> date:
    """Move a date by whole years; 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def ce_periods(entries: Sequence[CeEntry], anchor: date, years: int,
               today: date) -> list[CePeriod]:
    """Split entries into periods of `years` from `anchor`, covering them all and today.

    Periods are counted from the anchor each time (not chained), so a 29 February anchor
    does not drift. Returned newest first.
    """
    if years < 1:
        raise ValueError("A CE period is at least one year long.")
    dates = [entry.completed_on for entry in entries] + [today]
    index = 0
    while add_years(anchor, index * years) > min(dates):
        index -= 1
    periods = []
    while add_years(anchor, index * years) <= max(dates):
        start, end = add_years(anchor, index * years), add_years(anchor, (index + 1) * years)
        periods.append(CePeriod(start, end, start <= today < end,
                                [e for e in entries if start <= e.completed_on < end]))
        index += 1
    return list(reversed(periods))


def period_years() -> int:
    """Return TPCOURSE_CE_PERIOD_YEARS (default 2)."""
    value = setting("TPCOURSE_CE_PERIOD_YEARS", str(DEFAULT_YEARS))
    try:
        years = int(value)
    except ValueError:
        raise ValueError(f"TPCOURSE_CE_PERIOD_YEARS must be a whole number of years, "
                         f"not {value!r}") from None
    if years < 1:
        raise ValueError("TPCOURSE_CE_PERIOD_YEARS must be 1 or more.")
    return years


def fixed_anchor() -> date | None:
    """Return TPCOURSE_CE_PERIOD_ANCHOR as a date, or None to count from the first completion."""
    value = setting("TPCOURSE_CE_PERIOD_ANCHOR")
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"TPCOURSE_CE_PERIOD_ANCHOR must be a date like 2026-01-01, "
                         f"not {value!r}") from None


def ce_summary(records: Sequence[CompletionRecord], now: datetime) -> CeSummary:
    """Total a trainee's CE hours per renewal period (records as listed on their page)."""
    years, anchor = period_years(), fixed_anchor()
    entries = [CeEntry(record, record.completed_at.astimezone(UTC).date(), record.ce_hours,
                       record.revoked_at is None) for record in records]
    if not entries:
        return CeSummary(years, anchor, anchor is not None, [])
    first = min((e.completed_on for e in entries if e.counts),
                default=min(e.completed_on for e in entries))
    start = anchor or first
    periods = ce_periods(entries, start, years, now.astimezone(UTC).date())
    return CeSummary(years, start, anchor is not None, periods)
