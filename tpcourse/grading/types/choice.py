"""Choice questions: single, multiple and true/false."""

from __future__ import annotations

import random
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ...i18n_markers import N_
from .base import NOTHING, FormData, QuestionType, all_or_nothing, first, pick, register
from .scoring import (
    ALL_OR_NOTHING,
    WEIGHTS,
    bounded,
    percent_value,
    reaches_full,
    read_scoring,
    scoring_field,
    share_of_percent,
    weighted_share,
)

OPTION_KEYS = ("id", "text", "correct", "feedback", "weight")


def _options(q, line_of, report) -> list[dict[str, Any]]:
    raw = q.get("options")
    if not isinstance(raw, list) or len(raw) < 2:
        report(line_of("options"), "'options' must be a list of at least two options")
        return []
    options, seen = [], set()
    for index, item in enumerate(raw):
        line = raw.line_of(index) if hasattr(raw, "line_of") else line_of("options")
        if not isinstance(item, Mapping):
            report(line, "each option must be a mapping like {id: a, text: ...}")
            continue
        unknown = set(item) - set(OPTION_KEYS)
        for key in sorted(unknown):
            report(line, f"unknown option key '{key}' (allowed: {', '.join(OPTION_KEYS)})")
        option_id, text = str(item.get("id", "")).strip(), item.get("text")
        if not option_id:
            report(line, "option has no 'id'")
        elif option_id in seen:
            report(line, f"duplicate option id '{option_id}'")
        if not isinstance(text, str | int | float) or not str(text).strip():
            report(line, "option has no 'text'")
        if "correct" in item and not isinstance(item["correct"], bool):
            report(line, "'correct' must be true or false")
        seen.add(option_id)
        option = {"id": option_id, "text": str(text or "").strip(),
                  "correct": item.get("correct") is True}
        if item.get("feedback"):
            option["feedback"] = str(item["feedback"]).strip()
        if "weight" in item:
            option["weight"] = item["weight"]
            option["weight_line"] = line
        options.append(option)
    return options


def _weights(q, options: list[dict[str, Any]], single: bool, line_of, report) -> str | None:
    """Check the options' weights against the question's rule; return the rule.

    Under `scoring: weights` each option's `weight` (percent, default 0) is its credit and
    `correct` follows from it (100% for single choice, any positive weight for multiple);
    a `correct` that disagrees is an error. Without that rule, `weight` is not allowed.
    """
    rule = read_scoring(q, "single" if single else "multiple", line_of, report)
    for option in options:
        line = option.pop("weight_line", line_of("options"))
        if rule != WEIGHTS:
            if "weight" in option:
                report(line, "an option 'weight' needs 'scoring: weights' on the question")
                option.pop("weight")
            continue
        weight = percent_value(option.get("weight", 0), -100, 100)
        if weight is None:
            report(line, "'weight' must be a percent between -100 and 100")
            weight = 0
        derived = weight >= 100 if single else weight > 0
        if "correct" in option and option["correct"] and not derived:
            report(line, f"option '{option['id']}' is marked correct but its weight is "
                         f"{weight:g}%; with scoring: weights the weight decides")
        option["weight"], option["correct"] = weight, derived
    if rule == WEIGHTS and options and not single and not reaches_full(
            o["weight"] for o in options if o["weight"] > 0):
        total = sum(o["weight"] for o in options if o["weight"] > 0)
        report(line_of("options"), f"the positive weights add up to {total:g}%: make them "
                                   "add up to 100% so a complete answer earns full marks")
    return rule


class _Choice(QuestionType):
    keys = frozenset({"options", "scoring"})
    required = frozenset({"options"})
    shuffles = True

    def draw_order(self, q, rng: random.Random, shuffle: bool) -> list[str]:
        order = [option["id"] for option in q["options"]]
        if shuffle:
            rng.shuffle(order)
        return order

    def public(self, q, order):
        text = {option["id"]: option["text"] for option in q["options"]}
        return {"choices": [text[option_id] for option_id in order]}

    def answer_key(self, q):
        if q.get("scoring") == WEIGHTS:
            return {"correct": [o["text"] + ("" if o["weight"] >= 100 else f" ({o['weight']:g}%)")
                                for o in q["options"] if o["weight"] > 0]}
        return {"correct": [o["text"] for o in q["options"] if o["correct"]]}

    def _chosen(self, q, response) -> list[dict[str, Any]]:
        chosen = response if isinstance(response, list) else [response]
        return [o for o in q["options"] if o["id"] in chosen]

    def describe(self, q, response):
        return [o["text"] for o in self._chosen(q, response)]

    def feedback(self, q, response):
        return [o["feedback_html"] for o in self._chosen(q, response) if o.get("feedback_html")]


@register
class Single(_Choice):
    """One correct option; all or nothing."""

    name = "single"

    def validate(self, q, line_of, report, ctx):
        options = _options(q, line_of, report)
        rule = _weights(q, options, True, line_of, report)
        if options and sum(o["correct"] for o in options) != 1:
            report(line_of("options"), "a 'single' question needs exactly one correct option"
                   + (" (one option weighted 100%)" if rule == WEIGHTS else ""))
        return {**scoring_field(rule), "options": options}

    def parse_response(self, q, order, field, form: FormData):
        return pick(order, first(form, field))

    def form_values(self, q, order, response):
        return {"chosen": [order.index(response)] if response in order else []}

    def key_response(self, q):
        return next(o["id"] for o in q["options"] if o["correct"])

    def score(self, q, response) -> Fraction:
        if q.get("scoring") == WEIGHTS:
            chosen = next((o for o in q["options"] if o["id"] == response), None)
            return bounded(share_of_percent(chosen["weight"])) if chosen else NOTHING
        correct = next(o["id"] for o in q["options"] if o["correct"])
        return all_or_nothing(response == correct)


@register
class Multiple(_Choice):
    """Several correct options; +1/k per correct chosen, -1/k per wrong chosen, floor 0.

    `scoring: all_or_nothing` gives full marks only for exactly the correct set;
    `scoring: weights` sums the chosen options' percent weights (Moodle's rule).
    """

    name = "multiple"

    def validate(self, q, line_of, report, ctx):
        options = _options(q, line_of, report)
        rule = _weights(q, options, False, line_of, report)
        if options and not any(o["correct"] for o in options):
            report(line_of("options"), "a 'multiple' question needs at least one correct option")
        return {**scoring_field(rule), "options": options}

    def parse_response(self, q, order, field, form: FormData):
        chosen = {pick(order, (raw or "").strip()) for raw in form.get(field, [])}
        chosen.discard(None)
        return sorted(chosen) or None

    def form_values(self, q, order, response):
        return {"chosen": [order.index(o) for o in (response or []) if o in order]}

    def key_response(self, q):
        return sorted(o["id"] for o in q["options"] if o["correct"])

    def score(self, q, response) -> Fraction:
        correct = {o["id"] for o in q["options"] if o["correct"]}
        chosen = set(response or [])
        rule = q.get("scoring")
        if rule == WEIGHTS:
            return weighted_share(o["weight"] for o in q["options"] if o["id"] in chosen)
        if rule == ALL_OR_NOTHING:
            return all_or_nothing(chosen == correct)
        k = len(correct)
        earned = Fraction(len(chosen & correct), k) - Fraction(len(chosen - correct), k)
        return max(NOTHING, earned)


TRUE, FALSE = N_("True"), N_("False")  # shown to trainees: translated where shown


@register
class TrueFalse(QuestionType):
    """A statement that is true or false; all or nothing."""

    name = "true_false"
    keys = frozenset({"answer", "feedback_true", "feedback_false"})
    required = frozenset({"answer"})

    def validate(self, q, line_of, report, ctx):
        if not isinstance(q.get("answer"), bool):
            report(line_of("answer"), "'answer' must be true or false")
        fields: dict[str, Any] = {"answer": q.get("answer") is True}
        for key in ("feedback_true", "feedback_false"):
            value = q.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                report(line_of(key), f"'{key}' must be text")
            elif str(value).strip():
                fields[key] = str(value).strip()
        return fields

    def public(self, q, order):
        return {"choices": [TRUE, FALSE]}

    def parse_response(self, q, order, field, form: FormData):
        return {"true": True, "false": False}.get(first(form, field).lower())

    def form_values(self, q, order, response):
        return {"value": "" if response is None else ("true" if response else "false")}

    def key_response(self, q):
        return q["answer"]

    def score(self, q, response) -> Fraction:
        return all_or_nothing(response is not None and response == q["answer"])

    def answer_key(self, q):
        return {"correct": [TRUE if q["answer"] else FALSE]}

    def describe(self, q, response):
        return [] if response is None else [TRUE if response else FALSE]

    def feedback(self, q, response):
        if response is None:
            return []
        html = q.get("feedback_true_html" if response else "feedback_false_html")
        return [html] if html else []
