"""Moodle XML question banks ⇄ platform question dicts.

Imports multichoice (single or multiple), truefalse, shortanswer, numerical and matching
questions; a `category` question sets the pool of the questions after it. Anything else
is reported with its line and skipped. See docs/question-banks.md.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from .model import (
    BankImport,
    IdMaker,
    choice_weights,
    finite,
    listing,
    make_options,
    markdown_text,
    pairs_ok,
    pool_from_category,
    question,
    tidy_number,
    too_big,
)
from .moodle_xml_export import export_moodle_xml, to_moodle_xml
from .xml_tree import XmlTree, read_xml

__all__ = ["export_moodle_xml", "parse_moodle_xml", "to_moodle_xml"]

_NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$")
_NOT_SUPPORTED = {
    "essay": "essay questions are not supported; skipped",
    "description": "description items are not supported; skipped",
}
Reader = Callable[[ET.Element, XmlTree, BankImport], "dict[str, Any] | None"]


def parse_moodle_xml(data: bytes) -> BankImport:
    """Read a Moodle XML bank; every skipped or malformed question is reported by line."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if not isinstance(data, bytes | bytearray):
        result = BankImport()
        result.error(1, "a Moodle XML bank must be bytes")
        return result
    oversized = too_big(len(data))
    if oversized:
        return oversized
    result = BankImport()
    tree = read_xml(bytes(data))
    if tree.error:
        result.error(*tree.error)
        return result
    if tree.root is None or tree.root.tag != "quiz":
        result.error(1, "a Moodle XML bank must have <quiz> as its outer element")
        return result
    ids, pool, number = IdMaker(), None, 0
    for element in tree.root:
        if element.tag != "question":
            continue
        kind, line = element.get("type", ""), tree.line(element)
        if kind == "category":
            pool = pool_from_category(_text(element, "category"))
            continue
        number += 1
        reader = _READERS.get(kind)
        if reader is None:
            result.warn(line, _NOT_SUPPORTED.get(
                kind, f"Moodle question type '{kind}' is not supported; skipped"))
            continue
        prompt = _rich(element, "questiontext")
        if not prompt:
            result.error(line, "the question has no text")
            continue
        fields = reader(element, tree, result)
        if fields is None:
            continue
        _warn_files(element, line, result)
        feedback = fields.pop("feedback", [])
        parts = [*feedback, _rich(element, "generalfeedback")]
        tags = [markdown_text(t.text) for t in element.findall("tags/tag/text")]
        result.questions.append(question(
            id=ids.make(_text(element, "name"), number), pool=pool, points=_points(element),
            prompt=prompt, explanation="\n\n".join(dict.fromkeys(p for p in parts if p)),
            tags=list(dict.fromkeys(t for t in tags if t)), **fields,
        ))
    return result


def _text(element: ET.Element, path: str) -> str:
    return markdown_text(element.findtext(f"{path}/text"), "plain_text")


def _rich(element: ET.Element, path: str) -> str:
    """Return a formatted text (question text, feedback) as Markdown; '' when absent."""
    found = element.find(path)
    if found is None:
        return ""
    return markdown_text(found.findtext("text"), found.get("format", "html"))


def _points(element: ET.Element) -> int | float | None:
    raw = element.findtext("defaultgrade") or ""
    if not _NUMBER.match(raw):
        return None
    points = tidy_number(float(raw))
    return points if finite(points) and points > 0 and points != 1 else None


def _fraction(answer: ET.Element, tree: XmlTree, result: BankImport) -> float | None:
    raw = answer.get("fraction", "0")
    if not _NUMBER.match(raw):
        result.error(tree.line(answer), f"answer fraction '{raw}' is not a number")
        return None
    return float(raw)


def _warn_files(element: ET.Element, line: int, result: BankImport) -> None:
    texts = "".join(element.itertext())
    if element.find(".//file") is not None or "@@PLUGINFILE@@" in texts:
        result.warn(line, "embedded images and files are not imported; the text still "
                          "refers to them, so add them to lessons/assets/ and fix the links")


def _multichoice(element: ET.Element, tree: XmlTree, result: BankImport) -> dict | None:
    single = (element.findtext("single") or "true").strip().lower() in {"true", "1"}
    answers = [a for a in element.findall("answer") if _rich(a, ".")]
    weights = [_fraction(answer, tree, result) for answer in answers]
    if None in weights:
        return None
    line = tree.line(element)
    if len(answers) < 2:
        result.error(line, "a choice question needs at least two answers")
        return None
    correct = choice_weights(weights, single, [tree.line(a) for a in answers], line, result)
    if correct is None:
        return None
    options = make_options([_rich(a, ".") for a in answers], correct,
                           [_rich(a, "feedback") for a in answers])
    return {"type": "single" if single else "multiple", "options": options}


def _truefalse(element: ET.Element, tree: XmlTree, result: BankImport) -> dict | None:
    right, wrong, answer = "", "", None
    for item in element.findall("answer"):
        value = _text(item, ".").lower()
        weight = _fraction(item, tree, result)
        if weight is None or value not in {"true", "false"}:
            if weight is not None:
                result.error(tree.line(item), "a true/false answer must be 'true' or 'false'")
            return None
        if weight >= 100:
            answer, right = value == "true", _rich(item, "feedback")
        else:
            wrong = _rich(item, "feedback")
    if answer is None:
        result.error(tree.line(element), "no correct answer: give 'true' or 'false' 100%")
        return None
    return {"type": "true_false", "answer": answer, "feedback": [wrong, right]}


def _shortanswer(element: ET.Element, tree: XmlTree, result: BankImport) -> dict | None:
    line, accept, dropped, has_feedback = tree.line(element), [], [], False
    for item in element.findall("answer"):
        weight, text = _fraction(item, tree, result), _rich(item, ".")
        if weight is None:
            return None
        has_feedback = has_feedback or bool(_rich(item, "feedback"))
        if text and weight >= 100:
            accept.append(text)
        elif text:
            dropped.append(f"'{text}' ({weight:g}%)")
    if not accept:
        result.error(line, "no correct answer: a short-answer question needs a 100% answer")
        return None
    if dropped:
        result.warn(line, "short-text answers score all or nothing; answers without full "
                          f"credit are not imported: {listing(dropped)}")
    if (element.findtext("usecase") or "0").strip() == "1":
        result.warn(line, "case-sensitive matching is not kept: the platform ignores case")
    if has_feedback:
        result.warn(line, "answer feedback is not imported for short-text questions; "
                          "use general feedback for an explanation")
    return {"type": "short_text", "accept": list(dict.fromkeys(accept))}


def _numerical(element: ET.Element, tree: XmlTree, result: BankImport) -> dict | None:
    line, entries, dropped = tree.line(element), [], []
    for item in element.findall("answer"):
        weight, value = _fraction(item, tree, result), _text(item, ".")
        tolerance = (item.findtext("tolerance") or "0").strip()
        if weight is None:
            return None
        if value == "*":
            dropped.append("* (any answer)")
            continue
        if not (_NUMBER.match(value) and _NUMBER.match(tolerance)) or not (
            finite(float(value)) and finite(float(tolerance)) and float(tolerance) >= 0
        ):
            result.error(tree.line(item), f"bad numeric answer '{value}' (tolerance "
                                          f"'{tolerance}'): both must be numbers")
            return None
        entries.append((weight, value, tidy_number(float(value)), tidy_number(float(tolerance))))
    full = [entry for entry in entries if entry[0] >= 100]
    if not full:
        result.error(line, "no correct answer: a numeric question needs a 100% answer")
        return None
    kept = full[0]
    dropped += [f"{e[1]} ({e[0]:g}%)" for e in entries if e != kept]
    if dropped:
        result.warn(line, f"only the first full-credit answer ({kept[1]}) is imported; "
                          f"not imported: {listing(dropped)}")
    fields: dict[str, Any] = {"type": "numeric", "answer": kept[2]}
    if kept[3]:
        fields["tolerance"] = kept[3]
    units = [(u.findtext("unit_name") or "").strip() for u in element.findall("units/unit")
             if _NUMBER.match(u.findtext("multiplier") or "1")
             and float(u.findtext("multiplier") or "1") == 1]
    if units and units[0]:
        fields["unit"] = units[0]
    if len(element.findall("units/unit")) > len(units[:1]):
        result.warn(line, "only the base unit (multiplier 1) is imported")
    return fields


def _matching(element: ET.Element, tree: XmlTree, result: BankImport) -> dict | None:
    line, pairs = tree.line(element), []
    for item in element.findall("subquestion"):
        left, right = _rich(item, "."), _text(item, "answer")
        if not right:
            continue
        if not left:
            result.warn(tree.line(item), f"extra answer '{right}' (no question text) is not "
                                         "imported; matching has no distractors")
            continue
        pairs.append([left, right])
    if not pairs_ok(pairs, line, result):
        return None
    return {"type": "matching", "pairs": pairs}


_READERS: dict[str, Reader] = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
}
