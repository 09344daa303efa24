"""What item analysis reads: one record per attempt, with its drawn questions' scores."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

SelectionMode = Literal["first", "highest", "all"]


@dataclass(frozen=True)
class ItemResponse:
    """One question within one attempt."""

    question_id: str
    score: float  # points earned
    max_score: float
    choices: tuple[str, ...] = ()  # option ids chosen, for distractor analysis
    point: tuple[float, float] | None = None  # hotspot click in viewBox units


@dataclass(frozen=True)
class AttemptResponses:
    """One submitted attempt; `items` are the questions drawn in it (random draws vary)."""

    attempt_id: str
    user_id: int
    submitted_at: datetime
    items: tuple[ItemResponse, ...]


@dataclass(frozen=True)
class QuestionMeta:
    """What the analysis needs to know about a question beyond the responses."""

    question_id: str
    type: str
    max_score: float
    objective: str | None = None
    tags: tuple[str, ...] = ()
    option_ids: tuple[str, ...] = ()


def attempt_percent(attempt: AttemptResponses) -> float:
    """Return the attempt's score as a percent of the points drawn in it (0 when none)."""
    possible = sum(item.max_score for item in attempt.items)
    if possible <= 0:
        return 0.0
    return 100.0 * sum(item.score for item in attempt.items) / possible


def _submission_order(attempt: AttemptResponses) -> tuple[datetime, str]:
    return attempt.submitted_at, attempt.attempt_id


def select_attempts(
    attempts: Iterable[AttemptResponses], mode: SelectionMode
) -> list[AttemptResponses]:
    """Pick the attempts to analyse: each user's first, each user's highest, or all.

    Ties for "highest" go to the earlier attempt. The result is in submission order.
    """
    ordered = sorted(attempts, key=_submission_order)
    if mode == "all":
        return ordered
    if mode not in ("first", "highest"):
        raise ValueError(f"Unknown selection mode {mode!r}; use 'first', 'highest' or 'all'.")
    chosen: dict[int, tuple[AttemptResponses, float]] = {}
    for attempt in ordered:
        percent = attempt_percent(attempt) if mode == "highest" else 0.0
        held = chosen.get(attempt.user_id)
        if held is None or (mode == "highest" and percent > held[1]):
            chosen[attempt.user_id] = (attempt, percent)
    return sorted((attempt for attempt, _ in chosen.values()), key=_submission_order)
