"""Typed answers: numeric and short text."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from ...i18n_markers import N_, Sentence
from .base import FULL, NOTHING, FormData, QuestionType, first, register
from .partial import partial_key, partial_number_share, partial_text_share, read_partial

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+))\s*([^\d\s].*)?$")
UNIT_SYNONYMS = (
    ("s", "sec", "secs", "second", "seconds", "seg", "segundo", "segundos"),
    ("min", "mins", "minute", "minutes", "minuto", "minutos"),
    ("h", "hr", "hrs", "hour", "hours", "hora", "horas"),
    ("d", "day", "days", "día", "días", "dia", "dias"),
    ("wk", "wks", "week", "weeks", "semana", "semanas"),
    ("/10", "out of 10", "out of ten", "of 10", "sobre 10", "de 10", "sobre diez", "de diez"),
    ("%", "percent", "per cent", "por ciento"),
    ("cm", "centimetre", "centimetres", "centimeter", "centimeters", "centímetro", "centímetros"),
    ("mm", "millimetre", "millimetres", "millimeter", "millimeters", "milímetro", "milímetros"),
    ("kg", "kilo", "kilos", "kilogram", "kilograms", "kilogramo", "kilogramos"),
)
"""Units and the common ways of typing them, in English and Spanish (grading never depends on
the language an answer is typed in); a number may be followed by any of its group."""


def _unit_key(text: str) -> str:
    return re.sub(r"\s+", "", text.casefold()).rstrip(".")


def accepted_units(unit: str | None) -> set[str]:
    """Return the unit spellings accepted after a number: the unit, its plural, its synonyms."""
    if not unit:
        return set()
    key = _unit_key(unit)
    names = {key, key + "s"}
    for group in UNIT_SYNONYMS:
        if key in {_unit_key(name) for name in group}:
            names |= {_unit_key(name) for name in group}
    return names


def parse_number(raw: str, unit: str | None = None) -> float | None:
    """Read a typed number, allowing a decimal comma and the question's unit or a synonym
    of it after the number ("48 hours", "60 sec", "6/10"); None if unreadable."""
    match = _NUMBER.match(raw or "")
    if not match:
        return None
    suffix = (match.group(2) or "").strip()
    if suffix and _unit_key(suffix) not in accepted_units(unit):
        return None
    return float(match.group(1).replace(",", "."))


def normalise_text(text: str) -> str:
    """Fold case, treat hyphens as spaces, collapse spacing and drop trailing punctuation."""
    text = re.sub(r"[-\u2010-\u2015_]", " ", (text or "").casefold()).replace("\u2019", "'")
    return re.sub(r"\s+", " ", text).strip().rstrip(".!?;:").strip()


@register
class Numeric(QuestionType):
    """A number within answer ± tolerance; all or nothing."""

    name = "numeric"
    keys = frozenset({"answer", "tolerance", "unit", "partial"})
    required = frozenset({"answer"})

    def validate(self, q, line_of, report, ctx):
        answer, tolerance = q.get("answer"), q.get("tolerance", 0)
        if isinstance(answer, bool) or not isinstance(answer, int | float) \
                or not math.isfinite(answer):
            report(line_of("answer"), "'answer' must be a number")
            answer = 0
        if isinstance(tolerance, bool) or not isinstance(tolerance, int | float) \
                or not math.isfinite(tolerance) or tolerance < 0:
            report(line_of("tolerance"), "'tolerance' must be a number of zero or more")
            tolerance = 0
        unit = q.get("unit")
        if unit is not None and not isinstance(unit, str):
            report(line_of("unit"), "'unit' must be text")
            unit = None
        return {"answer": answer, "tolerance": tolerance, "unit": unit,
                **read_partial(q, "numeric", line_of, report)}

    def public(self, q, order):
        return {"unit": q.get("unit")}

    def parse_response(self, q, order, field, form: FormData):
        return first(form, field)[:40] or None

    def response_error(self, q, response):
        if response is not None and parse_number(response, q.get("unit")) is None:
            if q.get("unit"):
                return Sentence(N_("Enter a number, for example 45 or 2.5 (you may add the unit, "
                                   "%(unit)s)."), {"unit": q["unit"]})
            return Sentence(N_("Enter a number, for example 45 or 2.5."))
        return None

    def key_response(self, q):
        return f"{q['answer']:g}"

    def score(self, q, response) -> Fraction:
        value = parse_number(response or "", q.get("unit"))
        if value is None:
            return NOTHING
        if abs(value - q["answer"]) <= q["tolerance"] + 1e-9:
            return FULL
        return partial_number_share(q, value)

    def answer_key(self, q):
        unit = f" {q['unit']}" if q.get("unit") else ""
        if q["tolerance"]:
            low, high = q["answer"] - q["tolerance"], q["answer"] + q["tolerance"]
            return {"correct": [f"{q['answer']:g}{unit} (accepted {low:g}–{high:g})",
                                *partial_key(q, unit)]}
        return {"correct": [f"{q['answer']:g}{unit}", *partial_key(q, unit)]}


@register
class ShortText(QuestionType):
    """A word or phrase matched against accepted answers, ignoring case and spacing."""

    name = "short_text"
    keys = frozenset({"accept", "partial"})
    required = frozenset({"accept"})

    def validate(self, q, line_of, report, ctx):
        accept = q.get("accept")
        if isinstance(accept, str | int | float) and not isinstance(accept, bool):
            accept = [accept]
        if not isinstance(accept, list) or not accept or not all(
            isinstance(a, str | int | float) and str(a).strip() for a in accept
        ):
            report(line_of("accept"), "'accept' must list at least one accepted answer")
            accept = []
        return {"accept": [str(a).strip() for a in accept],
                **read_partial(q, "short_text", line_of, report)}

    def parse_response(self, q, order, field, form: FormData):
        return first(form, field)[:200] or None

    def key_response(self, q):
        return q["accept"][0]

    def score(self, q, response) -> Fraction:
        accepted = {normalise_text(a) for a in q["accept"]}
        if not response:
            return NOTHING
        typed = normalise_text(response)
        return FULL if typed in accepted else partial_text_share(q, typed, normalise_text)

    def answer_key(self, q):
        return {"correct": [*q["accept"], *partial_key(q)]}
