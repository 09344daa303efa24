"""The question-type protocol and the registry every type registers in."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, ClassVar

from ...inputs import ascii_int

Report = Callable[[int, str], None]
"""Called with (line, message) for every problem found in a question."""

FormData = Mapping[str, list[str]]
"""Submitted form values: field name -> list of values (as from a MultiDict)."""

NOTHING, FULL = Fraction(0), Fraction(1)
"""The shares of all-or-nothing questions, built once (a Fraction costs a microsecond)."""


def all_or_nothing(correct: bool) -> Fraction:
    """Return the full share when `correct`, else nothing."""
    return FULL if correct else NOTHING


@dataclass(frozen=True)
class ValidationContext:
    """What a type may need to know beyond the question itself."""

    image_viewbox: Callable[[str], tuple[float, float, float, float] | None]
    region_errors: Callable[[Mapping[str, Any]], list[str]] | None = None
    """Given a validated hotspot question, say which of its regions break a rule of its
    drawing (e.g. a palpation target in an endangerment zone); None: no drawing checks."""


class QuestionType:
    """One kind of question: validate file data, show it without a key, score a response."""

    name: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()
    required: ClassVar[frozenset[str]] = frozenset()
    shuffles: ClassVar[bool] = False  # whether option order is drawn per attempt
    manual: ClassVar[bool] = False  # graded by an instructor after submission (essays)

    def validate(self, q: Mapping[str, Any], line_of: Callable[[str], int], report: Report,
                 ctx: ValidationContext) -> dict[str, Any]:
        """Check the type-specific keys and return them normalised."""
        raise NotImplementedError

    def draw_order(self, q: Mapping[str, Any], rng: random.Random, shuffle: bool) -> list[str]:
        """Return the per-attempt display order of the question's choices (ids or texts)."""
        return []

    def public(self, q: Mapping[str, Any], order: list[str]) -> dict[str, Any]:
        """Return what a trainee's page needs, with no correct answer or feedback."""
        return {}

    def parse_response(self, q: Mapping[str, Any], order: list[str], field: str,
                       form: FormData) -> Any:
        """Turn submitted form values into the stored response (None when blank)."""
        raise NotImplementedError

    def response_error(self, q: Mapping[str, Any], response: Any) -> str | None:
        """Return a sentence when a response cannot be graded as typed (e.g. not a number)."""
        return None

    def form_values(self, q: Mapping[str, Any], order: list[str], response: Any) -> dict[str, Any]:
        """Return the stored response as the values the form should show again."""
        return {"value": response}

    def score(self, q: Mapping[str, Any], response: Any) -> Fraction:
        """Return the share of the question's points earned, between 0 and 1."""
        raise NotImplementedError

    def answer_key(self, q: Mapping[str, Any]) -> dict[str, Any]:
        """Return the correct answer for review pages."""
        raise NotImplementedError

    def key_response(self, q: Mapping[str, Any]) -> Any:
        """Return a response that earns full marks (for previews and content checks)."""
        raise NotImplementedError

    def describe(self, q: Mapping[str, Any], response: Any) -> list[str]:
        """Return the trainee's answer as lines of plain text for result pages."""
        return [] if response in (None, "", []) else [str(response)]

    def feedback(self, q: Mapping[str, Any], response: Any) -> list[str]:
        """Return the feedback (HTML) of the options the trainee chose, for review."""
        return []


QUESTION_TYPES: dict[str, QuestionType] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator: add a question type to the registry."""
    QUESTION_TYPES[cls.name] = cls()
    return cls


def question_type(name: str) -> QuestionType:
    """Return the registered type called `name`; KeyError when unknown."""
    return QUESTION_TYPES[name]


def first(form: FormData, field: str) -> str:
    """Return the first submitted value of a field, stripped, or ''."""
    values = form.get(field) or [""]
    return (values[0] or "").strip()


def pick(order: list[str], raw: str) -> str | None:
    """Map a submitted display index back to the choice it stood for."""
    index = ascii_int(raw, maximum=len(order) - 1) if order else None
    return order[index] if index is not None else None
