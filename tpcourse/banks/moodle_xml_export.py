"""Write platform question dicts as a Moodle XML bank."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET  # writing only; reading goes through defusedxml
from collections.abc import Callable
from typing import Any

from .essays import essay_losses
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
    "ordering": "ordering", "essay": "essay",
}


Files = Callable[[str], "bytes | None"]
_ASSET = re.compile(r"assets/[A-Za-z0-9._/-]+\.(?:png|jpg|gif|webp|svg)")


def to_moodle_xml(questions: list[dict[str, Any]]) -> bytes:
    """Write questions as Moodle XML; export_moodle_xml() also says what was left out."""
    return export_moodle_xml(questions).content


def export_moodle_xml(questions: list[dict[str, Any]], files: Files | None = None) -> BankExport:
    """Write questions as Moodle XML (UTF-8 bytes), with a note for each skipped question.

    `files` returns the bytes of an `assets/...` image; images the texts show are then
    embedded (`<file encoding="base64">`, linked as @@PLUGINFILE@@), as Moodle exports them.
    """
    root, notes, path = ET.Element("quiz"), [], category_path(None)
    for number, item in enumerate(questions, start=1):
        question_id = str(item.get("id") or f"q-{number}")
        writer = _WRITERS.get(item.get("type"))
        if writer is None:
            notes.append(ExportNote(question_id, f"{item.get('type')} questions cannot be "
                                                 "written as Moodle XML; skipped"))
            continue
        moodle_type = _MOODLE_TYPES[item["type"]]
        if item["type"] == "multiple" and item.get("scoring") == "all_or_nothing":
            moodle_type = "multichoiceset"
            notes.append(ExportNote(question_id, "written as Moodle's all-or-nothing multiple "
                                                 "choice (the multichoiceset question type)"))
        element = ET.Element("question", type=moodle_type)
        try:
            _common(element, item, question_id)
            writer(element, item)
        except Unwritable as problem:
            notes.append(ExportNote(question_id, f"{problem}; skipped"))
            continue
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            notes.append(ExportNote(question_id, "the question is malformed; skipped"))
            continue
        if item["type"] == "essay" and essay_losses(item, ("model_answer", "template",
                                                          "word_limit")):
            notes.append(ExportNote(question_id, "the essay's rubric is written into Moodle's "
                                                 "information for graders, as a list"))
        if files is not None:
            _embed_files(element, files)
        category_text = category_path(item.get("pool"), item.get("category"))
        if category_text != path:
            path = category_text
            category = ET.SubElement(root, "question", type="category")
            _text(category, "category", category_text)
        root.append(element)
    ET.indent(root)
    return BankExport(ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n", notes)


def _embed_files(question: ET.Element, files: Files) -> None:
    """Embed each asset image a formatted text shows, and link it as Moodle does."""
    for holder in question.iter():
        text_element = holder.find("text")
        if holder.get("format") is None or text_element is None or not text_element.text:
            continue
        for path in dict.fromkeys(_ASSET.findall(text_element.text)):
            data = files(path)
            if data is None:
                continue
            name = path.rsplit("/", 1)[-1]
            text_element.text = re.sub(rf"/?{re.escape(path)}", f"@@PLUGINFILE@@/{name}",
                                       text_element.text)
            embedded = ET.SubElement(holder, "file", name=name, path="/", encoding="base64")
            embedded.text = base64.b64encode(data).decode("ascii")


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    ET.SubElement(element, "text").text = CONTROL_CHARACTERS.sub("", str(text))
    return element


def _rich(parent: ET.Element, tag: str, text: str) -> ET.Element:
    return _text(parent, tag, text, format="markdown")


def _plain(parent: ET.Element, tag: str, text: str) -> ET.Element:
    return _text(parent, tag, text, format="plain_text")


def _common(element: ET.Element, item: dict[str, Any], question_id: str) -> None:
    points = item.get("points") or 1
    if not finite(points) or points <= 0:
        raise Unwritable("points must be a number above 0")
    _text(element, "name", str(item.get("name") or "").strip() or question_id)
    _rich(element, "questiontext", item["prompt"])
    _rich(element, "generalfeedback", item.get("explanation") or "")
    ET.SubElement(element, "defaultgrade").text = format_number(points)
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = CONTROL_CHARACTERS.sub("", question_id)
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


def _percent(value: float) -> str:
    return format(value, ".5f").rstrip("0").rstrip(".")


def _choice(element: ET.Element, item: dict[str, Any]) -> None:
    options, single = item["options"], item["type"] == "single"
    k = sum(1 for o in options if o.get("correct"))
    if (single and k != 1) or not k:
        raise Unwritable("the question has no valid correct option")
    share, rule = _percent(100 / k), item.get("scoring")
    ET.SubElement(element, "single").text = "true" if single else "false"
    ET.SubElement(element, "shuffleanswers").text = "true"
    ET.SubElement(element, "answernumbering").text = "abc"
    for option in options:
        if rule == "weights":
            fraction = _percent(float(option.get("weight") or 0))
        elif rule == "all_or_nothing":
            fraction = "100" if option.get("correct") else "0"
        else:
            fraction = share if option.get("correct") else ("0" if single else f"-{share}")
        _answer(element, fraction, option["text"], option.get("feedback") or "",
                text_format="plain_text")


def _true_false(element: ET.Element, item: dict[str, Any]) -> None:
    if not isinstance(item["answer"], bool):
        raise Unwritable("the true/false answer is not true or false")
    for value in (True, False):
        feedback = str(item.get(f"feedback_{str(value).lower()}") or "")
        _answer(element, "100" if item["answer"] is value else "0", str(value).lower(),
                feedback, text_format="moodle_auto_format")


def _numeric(element: ET.Element, item: dict[str, Any]) -> None:
    answer, tolerance = item["answer"], item.get("tolerance") or 0
    if not finite(answer) or not finite(tolerance) or tolerance < 0:
        raise Unwritable("the numeric answer or tolerance is not a number")
    written = _answer(element, "100", format_number(answer), text_format="moodle_auto_format")
    ET.SubElement(written, "tolerance").text = format_number(tolerance)
    for entry in item.get("partial") or []:
        extra = _answer(element, _percent(entry["weight"]), format_number(entry["answer"]),
                        text_format="moodle_auto_format")
        ET.SubElement(extra, "tolerance").text = format_number(entry.get("tolerance") or 0)
    if item.get("unit"):
        unit = ET.SubElement(ET.SubElement(element, "units"), "unit")
        ET.SubElement(unit, "multiplier").text = "1"
        ET.SubElement(unit, "unit_name").text = CONTROL_CHARACTERS.sub("", str(item["unit"]))


def _short_text(element: ET.Element, item: dict[str, Any]) -> None:
    ET.SubElement(element, "usecase").text = "0"
    for accepted in item["accept"]:
        _answer(element, "100", str(accepted), text_format="plain_text")
    for entry in item.get("partial") or []:
        _answer(element, _percent(entry["weight"]), str(entry["text"]), text_format="plain_text")


def _matching(element: ET.Element, item: dict[str, Any]) -> None:
    if item.get("scoring") == "all_or_nothing":
        raise Unwritable("Moodle matching questions cannot be all or nothing")
    ET.SubElement(element, "shuffleanswers").text = "true"
    for left, right in item["pairs"]:
        subquestion = _plain(element, "subquestion", str(left))
        _text(subquestion, "answer", str(right))
    for distractor in item.get("distractors") or []:
        subquestion = _plain(element, "subquestion", "")
        _text(subquestion, "answer", str(distractor))


def _ordering(element: ET.Element, item: dict[str, Any]) -> None:
    ET.SubElement(element, "layouttype").text = "VERTICAL"
    ET.SubElement(element, "selecttype").text = "ALL"
    ET.SubElement(element, "selectcount").text = "0"
    grading = "ALL_OR_NOTHING" if item.get("scoring") == "all_or_nothing" else "ABSOLUTE_POSITION"
    ET.SubElement(element, "gradingtype").text = grading
    ET.SubElement(element, "showgrading").text = "SHOW"
    ET.SubElement(element, "numberingstyle").text = "none"
    for position, text in enumerate(item["items"], start=1):
        _text(element, "answer", str(text), fraction=str(position), format="plain_text")


def _essay(element: ET.Element, item: dict[str, Any]) -> None:
    """Moodle's essay; a rubric (which Moodle's essays lack) goes into the information for
    graders as a list, after any model answer."""
    guidance = str(item.get("model_answer") or "")
    if essay_losses(item, ("model_answer", "template", "word_limit")):
        rubric = "\n".join(f"- {c['text']} ({c['points']} points)" for c in item["rubric"])
        guidance = (guidance + "\n\n" if guidance else "") + "Rubric:\n\n" + rubric
    ET.SubElement(element, "responseformat").text = "editor"
    ET.SubElement(element, "responserequired").text = "1"
    ET.SubElement(element, "maxwordlimit").text = str(item.get("word_limit") or "")
    _rich(element, "graderinfo", guidance)
    _plain(element, "responsetemplate", str(item.get("template") or ""))


_WRITERS: dict[str, Callable[[ET.Element, dict[str, Any]], None]] = {
    "essay": _essay,
    "single": _choice,
    "multiple": _choice,
    "true_false": _true_false,
    "numeric": _numeric,
    "short_text": _short_text,
    "matching": _matching,
    "ordering": _ordering,
}
