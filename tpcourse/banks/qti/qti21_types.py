"""Readers of each QTI 2.1 interaction into platform question fields, and how items score.

Scoring is read from the response processing: the standard templates (`match_correct`:
all or nothing; `map_response`: the mapping's values) or the same rules written out, as
tpcourse's own export writes them (with `index` for ordering's one share per item, `equal`
with a tolerance for numbers).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..gift_answers import numeric_fields, short_text_fields
from ..gift_text import BLANK
from ..limits import MAX_CHOICES, choice_count_message
from ..model import BankImport, finite, make_options, tidy_number
from ..texts import to_markdown, to_plain
from ..weights import choice_scoring, matching_ok
from .common import inner_html
from .xhtml import Render, markdown_from_html

INTERACTION_TAGS = {
    "choiceInteraction", "textEntryInteraction", "extendedTextInteraction", "matchInteraction",
    "orderInteraction", "associateInteraction", "gapMatchInteraction", "inlineChoiceInteraction",
    "hotspotInteraction", "hottextInteraction", "graphicOrderInteraction", "sliderInteraction",
    "selectPointInteraction", "graphicAssociateInteraction", "graphicGapMatchInteraction",
    "positionObjectInteraction", "uploadInteraction", "drawingInteraction", "mediaInteraction",
    "customInteraction", "endAttemptInteraction",
}
_FEEDBACK_TAGS = {"feedbackInline", "feedbackBlock", "modalFeedback"}


def _body_skip(element: ET.Element) -> bool | str:
    """Leave interactions and feedback out of the prompt; a blank where a word is typed."""
    if element.tag in ("textEntryInteraction", "inlineChoiceInteraction"):
        return BLANK
    return element.tag in INTERACTION_TAGS or element.tag in _FEEDBACK_TAGS


def _number(raw: str | None) -> float | None:
    try:
        value = float((raw or "").strip())
    except ValueError:
        return None
    return value if finite(value) else None


@dataclass
class QtiItem:
    """One assessmentItem being read (namespaces stripped), and how to report on it."""

    root: ET.Element
    line: int
    report: BankImport
    keep: bool
    link: Callable[[str], str]
    render: Render | None = None

    def markdown(self, text: str) -> str:
        """An HTML text of the item as Markdown (with its images imported)."""
        linked = self.link(text)
        return markdown_from_html(linked, self.render) if self.render else \
            to_markdown(linked, "html")

    def interactions(self) -> list[ET.Element]:
        """The item's interactions (what the candidate answers)."""
        body = self.root.find("itemBody")
        return [e for e in body.iter() if e.tag in INTERACTION_TAGS] if body is not None else []

    def prompt(self) -> str:
        """The item body without its interaction, plus the interaction's own prompt, as Markdown."""
        body = self.root.find("itemBody")
        if body is None:
            return ""
        text = re.sub(rf"<(p|div)>\s*{BLANK}\s*</\1>", "", inner_html(body, _body_skip)).strip()
        inner = [e.find("prompt") for e in self.interactions()]
        text += "".join(inner_html(p) for p in inner if p is not None)
        return self.markdown(text)

    def explanation(self) -> str:
        """tpcourse's own explanation (modal feedback shown to everyone); others are dropped."""
        parts = []
        for feedback in self.root.findall("modalFeedback"):
            if feedback.get("outcomeIdentifier") == "EXPLANATION":
                parts.append(self.markdown(inner_html(feedback)))
            else:
                self.report.warn(self.line, "feedback shown only for some answers (modal feedback) "
                                            "is not imported; put it in the explanation")
        return "\n\n".join(p for p in parts if p)

    def declaration(self, identifier: str) -> ET.Element | None:
        """The responseDeclaration of an interaction's response."""
        return next((d for d in self.root.iter("responseDeclaration")
                     if d.get("identifier") == identifier), None)

    def correct(self, declaration: ET.Element | None) -> list[str]:
        """The values of a declaration's correct response."""
        if declaration is None:
            return []
        return [(v.text or "").strip() for v in declaration.findall("correctResponse/value")]

    def mapping(self, declaration: ET.Element | None) -> tuple[dict[str, float], ET.Element | None]:
        """The mapping's key → value (first entry of a key wins), and the mapping element."""
        found = declaration.find("mapping") if declaration is not None else None
        values: dict[str, float] = {}
        for entry in found.findall("mapEntry") if found is not None else []:
            value = _number(entry.get("mappedValue"))
            if value is not None:
                values.setdefault(entry.get("mapKey", "").strip(), value)
        return values, found

    def processing(self) -> str:
        """How the item scores: match_correct, map_response, per_item, numeric or unknown."""
        processing = self.root.find("responseProcessing")
        if processing is None:
            return "unknown"
        template = processing.get("template", "")
        for name in ("match_correct", "map_response"):
            if template.endswith(name):
                return name
        tags = {e.tag for e in processing.iter()}
        if "index" in tags:
            return "per_item"
        if "equal" in tags:
            return "numeric"
        if "mapResponse" in tags:
            return "map_response"
        if "match" in tags and "correct" in tags:
            return "match_correct"
        return "unknown"

    def plain(self, element: ET.Element) -> str:
        """A choice's text as plain text, without its feedback (lost formatting is noted)."""
        text, lost = to_plain(inner_html(element, lambda e: e.tag in _FEEDBACK_TAGS), "html")
        if lost:
            self.report.warn(self.line, f"'{text[:40]}' had formatting (bold, images…) that an "
                                        "answer cannot show; kept as plain text")
        return text

    def inline_feedback(self, element: ET.Element) -> str:
        """A choice's inline feedback, as Markdown."""
        found = element.find("feedbackInline")
        return self.markdown(inner_html(found)) if found is not None else ""

    def unknown_scoring(self) -> None:
        """Report response processing this reader does not understand."""
        self.report.warn(self.line, "the item's response processing is not one the importer "
                                    "understands; scored by the platform's rule for its type")


def _choices(item: QtiItem, interaction: ET.Element, tag: str) -> list[ET.Element] | None:
    choices = interaction.findall(tag)
    if len(choices) > MAX_CHOICES:
        item.report.error(item.line, choice_count_message(len(choices)))
        return None
    return choices


def _choice(item: QtiItem, interaction: ET.Element) -> dict[str, Any] | None:
    choices = _choices(item, interaction, "simpleChoice")
    if choices is None:
        return None
    declaration = item.declaration(interaction.get("responseIdentifier", "RESPONSE"))
    single = declaration is not None and declaration.get("cardinality") == "single"
    idents = [c.get("identifier", "") for c in choices]
    texts = [item.plain(c) for c in choices]
    feedback = [item.inline_feedback(c) for c in choices]
    if single and sorted(idents) == ["false", "true"]:
        answer = item.correct(declaration) == ["true"]
        return {"type": "true_false", "answer": answer,
                "feedback_true": feedback[idents.index("true")],
                "feedback_false": feedback[idents.index("false")]}
    if len(choices) < 2 or not all(texts):
        item.report.error(item.line, "a choice question needs at least two answers with text")
        return None
    kind, correct = item.processing(), set(item.correct(declaration))
    values, mapping = item.mapping(declaration)
    if kind == "map_response" and values:
        full = _number(mapping.get("upperBound")) if mapping is not None else None
        full = full or (max(values.values()) if single else sum(v for v in values.values() if v > 0))
        weights = [values.get(i, 0) / full * 100 if full else 0 for i in idents]
    else:
        if kind not in ("match_correct",):
            item.unknown_scoring()
        weights = [100.0 if i in correct else 0.0 for i in idents]
    exact = not single and kind != "map_response"
    scoring = choice_scoring([tidy_number(w) for w in weights], single, texts,
                             [item.line] * len(texts), item.line, item.report, item.keep,
                             all_or_nothing=exact)
    if scoring is None:
        return None
    return {"type": "single" if single else "multiple", **scoring.fields,
            "options": make_options(texts, scoring.correct, feedback, scoring.weights)}


def _text_entry(item: QtiItem, interaction: ET.Element) -> dict[str, Any] | None:
    declaration = item.declaration(interaction.get("responseIdentifier", "RESPONSE"))
    base = declaration.get("baseType", "string") if declaration is not None else "string"
    if base in ("float", "integer"):
        return _numeric(item, declaration)
    values, _ = item.mapping(declaration)
    if values:
        full = max(values.values())
        entries = [(v / full * 100 if full else 0, k) for k, v in values.items()]
    else:
        entries = [(100.0, value) for value in item.correct(declaration)]
    if len(entries) > MAX_CHOICES:
        item.report.error(item.line, choice_count_message(len(entries)))
        return None
    return short_text_fields(entries, item.line, item.report, item.keep)


def _numeric(item: QtiItem, declaration: ET.Element | None) -> dict[str, Any] | None:
    correct = [_number(v) for v in item.correct(declaration)]
    processing = item.root.find("responseProcessing")
    entries = []
    branches = [] if processing is None else [
        b for b in processing.iter() if b.tag in ("responseIf", "responseElseIf")]
    for branch in branches[:MAX_CHOICES]:
        test = next((e for e in branch if e.tag in ("equal", "match")), None)
        score = _number(branch.findtext("setOutcomeValue/baseValue"))
        if test is None or score is None or score <= 0:
            continue
        value = _number(test.findtext("baseValue")) if test.find("baseValue") is not None \
            else (correct[0] if correct else None)
        if value is None:
            continue
        spread = [_number(t) for t in (test.get("tolerance") or "0").split()] or [0]
        low, high = spread[0] or 0, (spread[1] if len(spread) > 1 else spread[0]) or 0
        if test.get("toleranceMode", "exact") != "absolute":
            low = high = 0
        entries.append((score, f"{value:g}", (tidy_number(value + (high - low) / 2),
                                              tidy_number((high + low) / 2))))
    if not entries and correct and correct[0] is not None:
        entries = [(1.0, f"{correct[0]:g}", (tidy_number(correct[0]), 0))]
    full = max((e[0] for e in entries), default=1) or 1
    entries = [(e[0] / full * 100, e[1], e[2]) for e in entries]
    return numeric_fields(entries, [], False, item.line, item.report, item.keep)


def _match(item: QtiItem, interaction: ET.Element) -> dict[str, Any] | None:
    sets = interaction.findall("simpleMatchSet")
    if len(sets) != 2:
        item.report.error(item.line, "a match interaction needs two sets of choices")
        return None
    sources = _choices(item, sets[0], "simpleAssociableChoice")
    targets = _choices(item, sets[1], "simpleAssociableChoice")
    if sources is None or targets is None:
        return None
    left = {c.get("identifier", ""): item.plain(c) for c in sources}
    right = {c.get("identifier", ""): item.plain(c) for c in targets}
    declaration = item.declaration(interaction.get("responseIdentifier", "RESPONSE"))
    chosen = dict(tuple(value.split()[:2]) for value in item.correct(declaration)
                  if len(value.split()) == 2)
    pairs = [[left[s], right[chosen[s]]] for s in left if chosen.get(s) in right]
    used = {pair[1] for pair in pairs}
    distractors = [t for t in dict.fromkeys(right.values()) if t and t not in used]
    if not matching_ok(pairs, distractors, item.line, item.report):
        return None
    fields: dict[str, Any] = {"type": "matching", "pairs": pairs}
    if distractors:
        fields["distractors"] = distractors
    return {**_arrange_scoring(item), **fields}


def _order(item: QtiItem, interaction: ET.Element) -> dict[str, Any] | None:
    choices = _choices(item, interaction, "simpleChoice")
    if choices is None:
        return None
    text = {c.get("identifier", ""): item.plain(c) for c in choices}
    declaration = item.declaration(interaction.get("responseIdentifier", "RESPONSE"))
    items = [text[i] for i in item.correct(declaration) if i in text]
    if len(items) < 2 or len(set(items)) != len(items) or len(items) != len(text):
        item.report.error(item.line, "an ordering question needs its correct order of at least "
                                     "two different items")
        return None
    return {"type": "ordering", **_arrange_scoring(item), "items": items}


def _arrange_scoring(item: QtiItem) -> dict[str, str]:
    kind = item.processing()
    if kind == "match_correct":
        if item.keep:
            return {"scoring": "all_or_nothing"}
        item.report.warn(item.line, "scores differ from the source, which is all or nothing: "
                                    "here each item in its right place earns its share")
    elif kind not in ("per_item", "map_response"):
        item.unknown_scoring()
    return {}


def _unsupported(message: str) -> Callable[[QtiItem, ET.Element], None]:
    def reader(item: QtiItem, interaction: ET.Element) -> None:
        item.report.warn(item.line, message)
    return reader


INTERACTIONS: dict[str, Callable[[QtiItem, ET.Element], dict[str, Any] | None]] = {
    "choiceInteraction": _choice,
    "textEntryInteraction": _text_entry,
    "matchInteraction": _match,
    "orderInteraction": _order,
    "extendedTextInteraction": _unsupported("essay questions are not supported; skipped"),
}
