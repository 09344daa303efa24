"""Arrangement questions: matching pairs and ordering items."""

from __future__ import annotations

import random
from fractions import Fraction

from ...i18n_markers import N_, Sentence
from .base import FormData, QuestionType, all_or_nothing, first, pick, register
from .scoring import ALL_OR_NOTHING, read_scoring, scoring_field


def _texts(value, line: int, report, what: str) -> list[str]:
    if not isinstance(value, list) or not all(
        isinstance(v, str | int | float) and str(v).strip() for v in value
    ):
        report(line, f"{what} must be a list of non-empty texts")
        return []
    return [str(v).strip() for v in value]


def _shuffled(items: list[str], rng: random.Random) -> list[str]:
    """Draw the display order uniformly from every order, the key's own included.

    Excluding the key's order would give it away: with two items the only other order is
    the key reversed. Drawn uniformly, the displayed order says nothing about the key.
    """
    order = list(items)
    rng.shuffle(order)
    return order


def matching_choices(q) -> list[str]:
    """Return the answers a matching question offers: each right text once, then distractors."""
    return list(dict.fromkeys([*(p[1] for p in q["pairs"]), *q.get("distractors", ())]))


def _shares(hits: int, size: int, rule: str | None) -> Fraction:
    return all_or_nothing(hits == size) if rule == ALL_OR_NOTHING else Fraction(hits, size)


@register
class Matching(QuestionType):
    """Match each left item to an answer; one share per correct pair.

    Several items may share an answer (frog and newt → amphibian), and `distractors` are
    answers that match no item. Every answer is offered once to each item.
    """

    name = "matching"
    keys = frozenset({"pairs", "distractors", "scoring"})
    required = frozenset({"pairs"})
    shuffles = True

    def validate(self, q, line_of, report, ctx):
        pairs = q.get("pairs")
        if not isinstance(pairs, list) or len(pairs) < 2:
            report(line_of("pairs"), "'pairs' must list at least two [left, right] pairs")
            return {"pairs": []}
        clean = []
        for index, pair in enumerate(pairs):
            line = pairs.line_of(index) if hasattr(pairs, "line_of") else line_of("pairs")
            texts = _texts(pair, line, report, "each pair")
            if len(texts) != 2:
                if texts:
                    report(line, "each pair must have exactly two texts: [left, right]")
                continue
            clean.append(texts)
        lefts = [p[0] for p in clean]
        if len(set(lefts)) != len(lefts):
            report(line_of("pairs"), "each left text in 'pairs' must be different")
        fields = {**scoring_field(read_scoring(q, "matching", line_of, report)), "pairs": clean}
        if q.get("distractors") is not None:
            distractors = _texts(q.get("distractors"), line_of("distractors"), report,
                                 "'distractors'")
            rights = {p[1] for p in clean}
            for text in distractors:
                if text in rights:
                    report(line_of("distractors"), f"distractor '{text}' is also a right "
                                                   "answer in 'pairs'; a distractor matches "
                                                   "nothing")
            if len(set(distractors)) != len(distractors):
                report(line_of("distractors"), "each text in 'distractors' must be different")
            if distractors:
                fields["distractors"] = distractors
        if len(clean) >= 2 and len(matching_choices(fields)) < 2:
            report(line_of("pairs"), "every item has the same answer: add a different answer "
                                     "or a distractor, or the question gives itself away")
        return fields

    def draw_order(self, q, rng, shuffle):
        return _shuffled(matching_choices(q), rng)

    def public(self, q, order):
        return {"lefts": [p[0] for p in q["pairs"]], "choices": order}

    def parse_response(self, q, order, field, form: FormData):
        chosen = [pick(order, first(form, f"{field}-{i}")) for i in range(len(q["pairs"]))]
        return chosen if any(chosen) else None

    def form_values(self, q, order, response):
        response = response or []
        return {"chosen": [order.index(r) if r in order else None for r in response]}

    def key_response(self, q):
        return [p[1] for p in q["pairs"]]

    def score(self, q, response) -> Fraction:
        response = list(response or [])
        hits = sum(1 for i, p in enumerate(q["pairs"]) if i < len(response) and response[i] == p[1])
        return _shares(hits, len(q["pairs"]), q.get("scoring"))

    def answer_key(self, q):
        return {"correct": [f"{left} → {right}" for left, right in q["pairs"]]}

    def describe(self, q, response):
        response = list(response or [])
        return [f"{left} → {response[i]}" if i < len(response) and response[i]
                else Sentence(N_("%(item)s → (none)"), {"item": left})
                for i, (left, _right) in enumerate(q["pairs"])] if response else []


@register
class Ordering(QuestionType):
    """Put items in order; one share per item in its right place."""

    name = "ordering"
    keys = frozenset({"items", "scoring"})
    required = frozenset({"items"})
    shuffles = True

    def validate(self, q, line_of, report, ctx):
        items = _texts(q.get("items"), line_of("items"), report, "'items'")
        if items and len(items) < 2:
            report(line_of("items"), "'items' must list at least two steps")
        if len(set(items)) != len(items):
            report(line_of("items"), "each item in 'items' must be different")
        return {**scoring_field(read_scoring(q, "ordering", line_of, report)), "items": items}

    def draw_order(self, q, rng, shuffle):
        return _shuffled(list(q["items"]), rng)

    def public(self, q, order):
        return {"choices": order, "positions": len(order)}

    def parse_response(self, q, order, field, form: FormData):
        chosen = [pick(order, first(form, f"{field}-{i}")) for i in range(len(q["items"]))]
        return chosen if any(chosen) else None

    def form_values(self, q, order, response):
        response = response or []
        return {"chosen": [order.index(r) if r in order else None for r in response]}

    def key_response(self, q):
        return list(q["items"])

    def score(self, q, response) -> Fraction:
        response = list(response or [])
        hits = sum(1 for i, item in enumerate(q["items"]) if i < len(response) and response[i] == item)
        return _shares(hits, len(q["items"]), q.get("scoring"))

    def answer_key(self, q):
        return {"correct": list(q["items"])}

    def describe(self, q, response):
        return [f"{i}. {item or '(none)'}" for i, item in enumerate(response or [], start=1)]
