"""Moving through an attempt: pages, answered and flagged questions, the rules in numbers.

Pure functions over stored data. Nothing here looks at correctness: the navigator, the
summary page and the flags may be shown before submission, so they only ever say whether a
question has an answer, never whether it is right.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..inputs import ascii_int


def page_count(questions: int, per_page: int | None) -> int:
    """Return how many pages an attempt of `questions` questions has (at least one)."""
    if not per_page or questions <= per_page:
        return 1
    return -(-questions // per_page)


def page_of(number: int, per_page: int | None) -> int:
    """Return the page (1-based) that shows question `number` (1-based)."""
    return 1 if not per_page else (number - 1) // per_page + 1


def page_numbers(page: int, questions: int, per_page: int | None) -> range:
    """Return the question numbers (1-based) shown on `page`, clamped to the attempt."""
    if not per_page:
        return range(1, questions + 1)
    page = min(max(page, 1), page_count(questions, per_page))
    return range((page - 1) * per_page + 1, min(page * per_page, questions) + 1)


def clamp_page(raw: Any, questions: int, per_page: int | None) -> int:
    """Read a page number from a form or query string; anything odd means the first page."""
    text = str(raw or "").strip()
    page = ascii_int(text) or 1
    return min(max(page, 1), page_count(questions, per_page))


def is_answered(response: Any) -> bool:
    """Whether a stored response holds an answer (types store None when left blank)."""
    if response is None or response == "" or response == []:
        return False
    if isinstance(response, list):  # matching and ordering: a list with blanks in it
        return any(part not in (None, "") for part in response)
    return True


@dataclass(frozen=True)
class QuestionState:
    """One question of an attempt as the navigator and summary show it."""

    number: int
    page: int
    answered: bool
    flagged: bool


def question_states(question_ids: Sequence[str], responses: Mapping[str, Any] | None,
                    flags: Iterable[str] | None, per_page: int | None) -> list[QuestionState]:
    """Return, in draw order, each question's page and whether it is answered and flagged."""
    responses, flagged = responses or {}, set(flags or ())
    return [QuestionState(number, page_of(number, per_page), is_answered(responses.get(qid)),
                          qid in flagged)
            for number, qid in enumerate(question_ids, start=1)]


def merge_flags(question_ids: Sequence[str], stored: Iterable[str] | None,
                shown: Iterable[int], ticked: Iterable[str]) -> list[str]:
    """Return the attempt's flags after a page was posted.

    `shown` are the numbers of the questions the page held (their boxes were posted, ticked or
    not); `ticked` are the raw values of the ticked flag boxes (the question's field, "q3", or
    its number). Flags of questions on other pages are kept; the result is in draw order.
    """
    on_page = {question_ids[n - 1] for n in shown if 1 <= n <= len(question_ids)}
    chosen = set()
    for raw in ticked:
        text = str(raw).strip().removeprefix("q")
        number = ascii_int(text, maximum=len(question_ids))
        if number:
            chosen.add(question_ids[number - 1])
    keep = (set(stored or ()) - on_page) | (chosen & on_page)
    return [qid for qid in question_ids if qid in keep]


def drawn_question_count(quiz: Mapping[str, Any]) -> int:
    """Return how many questions every attempt draws (pools give `count` each, or all they have)."""
    questions = quiz["questions"]
    draw = quiz.get("draw") or {}
    fixed = sum(1 for q in questions if q.get("pool") not in draw)
    pooled = sum(min(count, sum(1 for q in questions if q.get("pool") == pool))
                 for pool, count in draw.items())
    return fixed + pooled


@dataclass(frozen=True)
class MustPassCount:
    """How many must-pass questions an attempt holds: `always` are in every draw; up to
    `pooled` more may come from pools."""

    always: int
    pooled: int

    @property
    def any(self) -> bool:
        """Whether an attempt can hold a must-pass question at all."""
        return bool(self.always or self.pooled)


def must_pass_count(quiz: Mapping[str, Any]) -> MustPassCount:
    """Count the must-pass questions a trainee will meet in an attempt."""
    questions = quiz["questions"]
    draw = quiz.get("draw") or {}
    always = sum(1 for q in questions if q.get("must_pass") and q.get("pool") not in draw)
    pooled = 0
    for pool, count in draw.items():
        members = [q for q in questions if q.get("pool") == pool]
        pooled += min(count, sum(1 for q in members if q.get("must_pass")))
    return MustPassCount(always, pooled)


def failed_must_pass(results: Sequence[Mapping[str, Any]] | None,
                     question_ids: Sequence[str]) -> list[int]:
    """Return the numbers (in draw order) of must-pass questions not answered fully right."""
    position = {qid: number for number, qid in enumerate(question_ids, start=1)}
    return sorted(position[r["id"]] for r in results or ()
                  if r.get("must_pass") and r["score"] < r["points"] and r["id"] in position)
