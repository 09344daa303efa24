"""Turn stored attempts (their decoded `responses` and `results`) into analysis records.

Scores come from `results`, graded once on the server, so nothing is re-graded here. Records
are immutable, so equal items are shared: a 50-question quiz taken 10,000 times holds a few
hundred distinct (question, score, options chosen) items, and most of the 500,000 items cost
one dictionary look-up instead of building an object.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tpcourse.analysis.responses import AttemptResponses, ItemResponse

CHOOSING = frozenset({"single", "multiple", "true_false"})


def chosen_options(kind: str | None, response: Any) -> tuple[str, ...]:
    """Return the option ids a stored response chose (empty when it is not a choice)."""
    if response is None:
        return ()
    if kind == "single" and isinstance(response, str):
        return (response,)
    if kind == "multiple" and isinstance(response, list):
        return tuple(str(r) for r in response)
    if kind == "true_false" and isinstance(response, bool):
        return ("true",) if response else ("false",)
    return ()


def click_point(response: Any) -> tuple[float, float] | None:
    """Return a stored hotspot response as a finite (x, y), or None."""
    if not isinstance(response, list) or len(response) != 2:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in response):
        return None
    x, y = float(response[0]), float(response[1])
    return (x, y) if math.isfinite(x) and math.isfinite(y) else None


class RecordBuilder:
    """Build AttemptResponses for one quiz version, sharing equal items between attempts."""

    def __init__(self, kinds: Mapping[str, str]) -> None:
        self.kinds = dict(kinds)  # question id -> question type, from the version's data
        self.shared: dict[tuple, ItemResponse] = {}

    def record(self, attempt_id: str, user_id: int, submitted_at: datetime,
               responses: Mapping[str, Any] | None, results: list | None) -> AttemptResponses:
        """Return one attempt's record: per graded question, its score and what was chosen."""
        responses = responses or {}
        kinds, shared = self.kinds, self.shared
        items = []
        for result in results or ():
            question_id = result["id"]
            kind = kinds.get(question_id)
            if kind == "hotspot":  # clicks are all different: nothing to share
                items.append(ItemResponse(question_id, float(result["score"]),
                                          float(result["points"]), (),
                                          click_point(responses.get(question_id))))
                continue
            chosen = chosen_options(kind, responses.get(question_id)) if kind in CHOOSING else ()
            key = (question_id, result["score"], result["points"], chosen)
            item = shared.get(key)
            if item is None:
                item = shared[key] = ItemResponse(question_id, float(result["score"]),
                                                  float(result["points"]), chosen)
            items.append(item)
        return AttemptResponses(attempt_id, user_id, submitted_at, tuple(items))
