"""Write platform question dicts as a Moodle XML bank."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # writing only; reading goes through defusedxml
from collections.abc import Callable
from typing import Any

from .model import (
    CONTROL_CHARACTERS,
    BankExport,
    ExportNote,
    Unwritable,
    category_path,
    finite,
    format_number,
)

_MOODLE_TYPES = {
    "single": "multichoice", "multiple": "multichoice", "true_false": "truefalse",
    "numeric": "numerical", "short_text": "shortanswer", "matching": "matching",
}


def to_moodle_xml(questions: list[dict[str, Any]]) -> bytes:
    """Write questions as Moodle XML; export_moodle_xml() also says what was left out."""
    return export_moodle_xml(questions).content


def export_moodle_xml(questions: list[dict[str, Any]]) -> BankExport:
    """Write questions as Moodle XML (UTF-8 bytes), with a note for each skipped question."""
    root, notes, pool = ET.Element("quiz"), [], None
    for number, item in enumerate(questions, start=1):
        question_id = str(item.get("id") or f"q-{number}")
        writer = _WRITERS.get(item.get("type"))
        if writer is None:
            notes.append(ExportNote(question_id, f"{item.get('type')} questions cannot be "
                                                 "written as Moodle XML; skipped"))
            continue
        element = ET.Element("question", type=_MOODLE_TYPES[item["type"]])
        try:
            _common(element, item, question_id)
            writer(element, item)
        except Unwritable as problem:
            notes.append(ExportNote(question_id, f"{problem}; skipped"))
            continue
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            notes.append(ExportNote(question_id, "the question is malformed; skipped"))
            continue
        if item.get("pool") != pool:
            pool = item.get("pool")
            category = ET.SubElement(root, "question", type="category")
            _text(category, "category", category_path(pool))
        root.append(element)
    ET.indent(root)
    return BankExport(ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n", notes)


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "text").text = CONTROL_CHARACTERS.sub("", str(text))
    return element


def _rich(parent: ET.Element, tag: str, text: str) -> ET.Element:
    return _text(parent, tag, text, format="markdown")


def _common(element: ET.Element, item: dict[str, Any], question_id: str) -> None:
    points = item.get("points") or 1
    if not finite(points) or points <= 0:
        raise Unwritable("points must be a number above 0")
    _text(element, "name", question_id)
    _rich(element, "questiontext", item["prompt"])
    _rich(element, "generalfeedback", item.get("explanation") or "")
    ET.SubElement(element, "defaultgrade").text = format_number(points)
    ET.SubElement(element, "hidden").text = "0"
    if item.get("tags"):
        tags = ET.SubElement(element, "tags")
        for tag in item["tags"]:
            _text(tags, "tag", str(tag))


def _answer(parent: ET.Element, fraction: str, text: str, feedback: str = "",
            text_format: str | None = "markdown") -> ET.Element:
    attrs = {"fraction": fraction, **({"format": text_format} if text_format else {})}
    answer = _text(parent, "answer", text, **attrs)
    _rich(answer, "feedback", feedback)
    return answer


def _choice(element: ET.Element, item: dict[str, Any]) -> None:
    options, single = item["options"], item["type"] == "single"
    k = sum(1 for o in options if o.get("correct"))
    if (single and k != 1) or not k:
        raise Unwritable("the question has no valid correct option")
    share = format(100 / k, ".5f").rstrip("0").rstrip(".")
    ET.SubElement(element, "single").text = "true" if single else "false"
    ET.SubElement(element, "shuffleanswers").text = "true"
    ET.SubElement(element, "answernumbering").text = "abc"
    for option in options:
        fraction = share if option.get("correct") else ("0" if single else f"-{share}")
        _answer(element, fraction, option["text"], option.get("feedback") or "")


def _true_false(element: ET.Element, item: dict[str, Any]) -> None:
    if not isinstance(item["answer"], bool):
        raise Unwritable("the true/false answer is not true or false")
    for value in (True, False):
        _answer(element, "100" if item["answer"] is value else "0", str(value).lower(),
                text_format="moodle_auto_format")


def _numeric(element: ET.Element, item: dict[str, Any]) -> None:
    answer, tolerance = item["answer"], item.get("tolerance") or 0
    if not finite(answer) or not finite(tolerance) or tolerance < 0:
        raise Unwritable("the numeric answer or tolerance is not a number")
    written = _answer(element, "100", format_number(answer), text_format="moodle_auto_format")
    ET.SubElement(written, "tolerance").text = format_number(tolerance)
    if item.get("unit"):
        unit = ET.SubElement(ET.SubElement(element, "units"), "unit")
        ET.SubElement(unit, "multiplier").text = "1"
        ET.SubElement(unit, "unit_name").text = CONTROL_CHARACTERS.sub("", str(item["unit"]))


def _short_text(element: ET.Element, item: dict[str, Any]) -> None:
    ET.SubElement(element, "usecase").text = "0"
    for accepted in item["accept"]:
        _answer(element, "100", str(accepted), text_format="moodle_auto_format")


def _matching(element: ET.Element, item: dict[str, Any]) -> None:
    ET.SubElement(element, "shuffleanswers").text = "true"
    for left, right in item["pairs"]:
        subquestion = _rich(element, "subquestion", str(left))
        _text(subquestion, "answer", str(right))


_WRITERS: dict[str, Callable[[ET.Element, dict[str, Any]], None]] = {
    "single": _choice,
    "multiple": _choice,
    "true_false": _true_false,
    "numeric": _numeric,
    "short_text": _short_text,
    "matching": _matching,
}
