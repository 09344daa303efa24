"""Turn attempt records into arrays: one row per attempt, one column per question."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tpcourse.analysis.responses import AttemptResponses, QuestionMeta


@dataclass(frozen=True)
class ScoreMatrix:
    """Scores of n attempts on k questions; `drawn` marks the cells that exist."""

    drawn: np.ndarray  # (n, k) bool: the attempt drew the question
    fraction: np.ndarray  # (n, k) score / max_score, 0 where not drawn
    earned: np.ndarray  # (n, k) points earned, 0 where not drawn
    possible: np.ndarray  # (n, k) points possible, 0 where not drawn
    attempt_earned: np.ndarray  # (n,) points earned on every drawn question, listed or not
    attempt_possible: np.ndarray  # (n,) points drawn in the attempt
    option_ids: tuple[tuple[str, ...], ...]  # per question: listed options, then unlisted ones
    choice_cell: np.ndarray  # (c,) flat index row * k + column of each choice made
    choice_option: np.ndarray  # (c,) global option index (see option_offsets)
    option_offsets: np.ndarray  # (k + 1,) where each question's options start


def build_matrix(
    attempts: Sequence[AttemptResponses], questions: Sequence[QuestionMeta]
) -> ScoreMatrix:
    """Lay the responses out as arrays; responses to unlisted questions only count in totals."""
    n, k = len(attempts), len(questions)
    column = {q.question_id: j for j, q in enumerate(questions)}
    items = [item for attempt in attempts for item in attempt.items]
    rows = np.repeat(np.arange(n), [len(attempt.items) for attempt in attempts])
    cols = np.array([column.get(item.question_id, -1) for item in items], dtype=np.int64)
    score = np.array([item.score for item in items], dtype=float)
    top = np.array([item.max_score for item in items], dtype=float)
    # A response without a usable maximum or score carries no information: leave it out.
    usable = np.isfinite(score) & np.isfinite(top) & (top > 0)
    cols = np.where(usable, cols, -1)

    attempt_earned = np.bincount(rows[usable], weights=score[usable], minlength=n)
    attempt_possible = np.bincount(rows[usable], weights=top[usable], minlength=n)
    listed = cols >= 0
    r, c = rows[listed], cols[listed]
    drawn = np.zeros((n, k), dtype=bool)
    earned = np.zeros((n, k))
    possible = np.zeros((n, k))
    drawn[r, c] = True
    earned[r, c] = score[listed]
    possible[r, c] = top[listed]
    fraction = np.divide(earned, possible, out=np.zeros((n, k)), where=drawn)

    option_ids, cells, options, offsets = _choices(items, rows, cols, questions)
    return ScoreMatrix(
        drawn,
        fraction,
        earned,
        possible,
        attempt_earned,
        attempt_possible,
        option_ids,
        cells,
        options,
        offsets,
    )


def _choices(items, rows: np.ndarray, cols: np.ndarray, questions: Sequence[QuestionMeta]):
    """Index every chosen option; options a question does not list are appended to its own.

    Works on integer codes so that half a million choices cost a few array operations.
    """
    k = len(questions)
    code: dict[str, int] = {}
    for q in questions:
        for option in q.option_ids:
            code.setdefault(option, len(code))
    made = np.array([len(item.choices) for item in items], dtype=np.int64)
    chosen = np.array(
        [code.setdefault(c, len(code)) for item in items for c in item.choices], dtype=np.int64
    )
    item_of = np.repeat(np.arange(len(items)), made)
    keep = cols[item_of] >= 0
    item_of, chosen = item_of[keep], chosen[keep]
    width = max(len(code), 1)
    # A repeated id within one response counts once.
    item_of, chosen = np.divmod(_distinct(item_of * width + chosen), width)
    key = cols[item_of] * width + chosen  # (question, option) pair
    seen = _distinct(key)

    names = list(code)
    option_ids = []
    for j, q in enumerate(questions):
        extra = seen[(seen // width) == j] % width
        listed = set(q.option_ids)
        option_ids.append(
            tuple(q.option_ids) + tuple(names[i] for i in extra if names[i] not in listed)
        )
    offsets = np.concatenate(([0], np.cumsum([len(ids) for ids in option_ids]))).astype(np.int64)
    position = {
        (j, code[o]): offsets[j] + i for j, ids in enumerate(option_ids) for i, o in enumerate(ids)
    }
    global_of_seen = np.array([position[divmod(int(s), width)] for s in seen], dtype=np.int64)
    global_option = global_of_seen[np.searchsorted(seen, key)]
    cells = rows[item_of] * k + cols[item_of]
    return tuple(option_ids), cells, global_option, offsets


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique's hashing is slower on large integer arrays)."""
    ordered = np.sort(values)
    if not ordered.size:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]
