"""Readers of each Canvas (QTI 1.2) question type into platform question fields."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..gift_answers import numeric_fields, short_text_fields
from ..limits import MAX_CHOICES, choice_count_message
from ..model import BankImport, finite, make_options, tidy_number
from ..texts import to_markdown, to_plain
from ..weights import choice_scoring, matching_ok
from .xhtml import Render, markdown_from_html


@dataclass
class Item:
    """One Canvas item being read, and how to report on it."""

    element: ET.Element
    line: int
    report: BankImport
    keep: bool
    link: Callable[[str], str]  # points the text's images at their imported copies
    render: Render | None = None

    def text_of(self, material: ET.Element | None, target: str) -> str:
        """The text of a material (HTML or plain), as Markdown or as plain text."""
        mattext = material.find(".//mattext") if material is not None else None
        if mattext is None:
            return ""
        html = "html" in mattext.get("texttype", "text/plain")
        text = mattext.text or ""
        if target == "plain":
            return to_plain(text, "html" if html else "plain")[0]
        if not html:
            return to_markdown(text, "plain")
        if self.render is not None:
            return markdown_from_html(self.link(text), self.render)
        return to_markdown(self.link(text), "html")

    def prompt(self) -> str:
        """The question text."""
        return self.text_of(self.element.find("presentation/material"), "markdown")

    def feedback(self, ident: str) -> str:
        """The text of one itemfeedback (general_fb, <answer id>_fb), as Markdown."""
        for found in self.element.iter("itemfeedback"):
            if found.get("ident") == ident:
                return self.text_of(found, "markdown")
        return ""

    def labels(self, response: ET.Element) -> list[tuple[str, str]] | None:
        """(ident, plain text) of a response's choices; None (reported) when too many."""
        labels = response.findall(".//response_label")
        if len(labels) > MAX_CHOICES:
            self.report.error(self.line, choice_count_message(len(labels)))
            return None
        return [(label.get("ident", ""), self.text_of(label, "plain")) for label in labels]

    def full_conditions(self) -> list[ET.Element]:
        """The conditions of respconditions that give full marks."""
        found = []
        for condition in self.element.iter("respcondition"):
            for setvar in condition.iter("setvar"):
                value = _number(setvar.text or "")
                if setvar.get("varname", "SCORE") == "SCORE" and value is not None \
                        and value >= 100 and condition.find("conditionvar") is not None:
                    found.append(condition.find("conditionvar"))
        return found


def _number(raw: str) -> float | None:
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if finite(value) else None


def _choice(item: Item, multiple: bool) -> dict[str, Any] | None:
    response = item.element.find(".//response_lid")
    labels = item.labels(response) if response is not None else []
    if labels is None:
        return None
    labels = [(ident, text) for ident, text in labels if text]
    if len(labels) < 2:
        item.report.error(item.line, "a choice question needs at least two answers")
        return None
    correct: set[str] = set()
    for condition in item.full_conditions():
        if multiple:
            negated = {id(e) for n in condition.iter("not") for e in n.iter("varequal")}
            correct |= {(e.text or "").strip() for e in condition.iter("varequal")
                        if id(e) not in negated}
        else:
            correct |= {(e.text or "").strip() for e in condition.iter("varequal")}
    texts = [text for _, text in labels]
    weights = [100.0 if ident in correct else 0.0 for ident, _ in labels]
    if multiple and correct:
        k = sum(1 for w in weights if w)  # Canvas: ±1/k, the platform's own rule
        weights = [100 / k if w else -100 / k for w in weights]
    scoring = choice_scoring(weights, not multiple, texts, [item.line] * len(texts), item.line,
                             item.report, item.keep)
    if scoring is None:
        return None
    feedback = [item.feedback(f"{ident}_fb") for ident, _ in labels]
    return {"type": "multiple" if multiple else "single", "prompt": item.prompt(),
            **scoring.fields, "options": make_options(texts, scoring.correct, feedback)}


def _true_false(item: Item) -> dict[str, Any] | None:
    response = item.element.find(".//response_lid")
    labels = item.labels(response) if response is not None else None
    values = {text.strip().lower(): ident for ident, text in labels or []}
    if set(values) != {"true", "false"}:
        item.report.error(item.line, "a true/false question needs the answers True and False")
        return None
    correct = {(e.text or "").strip() for c in item.full_conditions() for e in c.iter("varequal")}
    if len(correct & set(values.values())) != 1:
        item.report.error(item.line, "no correct answer: mark True or False as correct")
        return None
    return {"type": "true_false", "prompt": item.prompt(), "answer": values["true"] in correct,
            "feedback_true": item.feedback(f"{values['true']}_fb"),
            "feedback_false": item.feedback(f"{values['false']}_fb")}


def _short_answer(item: Item) -> dict[str, Any] | None:
    entries = [(100.0, (e.text or "").strip()) for c in item.full_conditions()
               for e in c.iter("varequal") if (e.text or "").strip()]
    if len(entries) > MAX_CHOICES:
        item.report.error(item.line, choice_count_message(len(entries)))
        return None
    fields = short_text_fields(entries, item.line, item.report, item.keep)
    return None if fields is None else {**fields, "prompt": item.prompt()}


def _numerical(item: Item) -> dict[str, Any] | None:
    entries = []
    for condition in item.full_conditions()[:MAX_CHOICES]:
        bounds = {e.tag: _number(e.text or "") for e in condition.iter()
                  if e.tag in ("vargte", "vargt", "varlte", "varlt", "varequal")}
        low = bounds.get("vargte", bounds.get("vargt"))
        high = bounds.get("varlte", bounds.get("varlt"))
        if low is not None and high is not None and low <= high:
            spec = (tidy_number((low + high) / 2), tidy_number((high - low) / 2))
        elif bounds.get("varequal") is not None:
            spec = (tidy_number(bounds["varequal"]), 0)
        else:
            item.report.error(item.line, "a numeric answer must give a value or a range")
            return None
        entries.append((100.0, f"{spec[0]:g}", spec))
    fields = numeric_fields(entries, [], False, item.line, item.report, item.keep)
    return None if fields is None else {**fields, "prompt": item.prompt()}


def _matching(item: Item) -> dict[str, Any] | None:
    responses = item.element.findall(".//response_lid")
    if len(responses) > MAX_CHOICES:
        item.report.error(item.line, choice_count_message(len(responses)))
        return None
    chosen = {(e.get("respident", ""), (e.text or "").strip())
              for c in item.element.iter("respcondition") for e in c.iter("varequal")}
    pairs, offered = [], {}
    for response in responses:
        labels = item.labels(response)
        if labels is None:
            return None
        offered.update(labels)
        left = item.text_of(response.find("material"), "plain")
        right = next((text for ident, text in labels
                      if (response.get("ident", ""), ident) in chosen), None)
        if left and right:
            pairs.append([left, right])
    rights = {pair[1] for pair in pairs}
    distractors = [t for t in dict.fromkeys(offered.values()) if t and t not in rights]
    if not matching_ok(pairs, distractors, item.line, item.report):
        return None
    fields: dict[str, Any] = {"type": "matching", "prompt": item.prompt(), "pairs": pairs}
    if distractors:
        fields["distractors"] = distractors
    return fields


READERS: dict[str, Callable[[Item], dict[str, Any] | None]] = {
    "multiple_choice_question": lambda item: _choice(item, multiple=False),
    "multiple_answers_question": lambda item: _choice(item, multiple=True),
    "true_false_question": _true_false,
    "short_answer_question": _short_answer,
    "numerical_question": _numerical,
    "matching_question": _matching,
}
