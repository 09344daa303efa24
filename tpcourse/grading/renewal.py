"""Renewal rules: when a certificate's renewal window is open and what its path still needs.

Pure: the services read the record, the passes and the CE hours and pass them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from ..i18n_markers import N_, Sentence


def window_opens_at(completed_at: datetime, expires_at: datetime | None,
                    window_days: int) -> datetime | None:
    """Return when a certificate's renewal window opens; None when it never expires.

    The window opens `window_days` before expiry (never before the certificate was issued) and
    stays open after expiry, until the certificate is renewed.
    """
    if expires_at is None:
        return None
    return max(completed_at, expires_at - timedelta(days=window_days))


def window_is_open(completed_at: datetime, expires_at: datetime | None, revoked: bool,
                   window_days: int, now: datetime) -> bool:
    """Whether the holder of this (newest, unrevoked) certificate may renew it now."""
    opens = window_opens_at(completed_at, expires_at, window_days)
    return not revoked and opens is not None and now >= opens


def renewed_expiry(now: datetime, previous_expires_at: datetime | None,
                   valid_days: int | None) -> datetime | None:
    """The new certificate's expiry: a full validity from now, or from the old expiry when
    renewed early, so renewing early never costs the holder time."""
    if not valid_days:
        return None
    start = max(now, previous_expires_at) if previous_expires_at else now
    return start + timedelta(days=valid_days)


def renewal_quizzes(settings: Mapping[str, Any], module_quizzes: Iterable[str],
                    final_exam: str | None) -> list[str]:
    """The quizzes a renewal path asks to pass again (none for the CE-hours path)."""
    path = settings["path"]
    if path == "final":
        return [final_exam] if final_exam else []
    if path == "renewal_quiz":
        return [settings["quiz"]] if settings.get("quiz") else []
    if path == "full":
        return [*module_quizzes, *([final_exam] if final_exam else [])]
    return []


def renewal_missing(settings: Mapping[str, Any], quizzes: list[str], passed: set[str],
                    ce_hours_earned: float) -> list[Sentence]:
    """List what the renewal path still needs, in words; empty when the holder may renew.

    `passed` are the quizzes passed since the window opened; `ce_hours_earned` the CE hours of
    other courses' unrevoked records completed since the certificate was issued.
    """
    missing = [Sentence(N_("pass the quiz '%(quiz)s'"), {"quiz": slug})
               for slug in quizzes if slug not in passed]
    if settings["path"] == "ce_hours":
        needed = settings.get("ce_hours") or 0
        if ce_hours_earned < needed:
            missing.append(Sentence(
                N_("earn %(more)s more CE hour(s) in other courses (%(earned)s of %(needed)s so far)"),
                {"more": f"{needed - ce_hours_earned:g}", "earned": f"{ce_hours_earned:g}",
                 "needed": f"{needed:g}"}))
    return missing
