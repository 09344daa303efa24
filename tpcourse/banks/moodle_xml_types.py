"""Readers of each Moodle XML question type into platform question fields."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from .essays import essay_fields
from .gift_answers import numeric_fields, short_text_fields
from .limits import MAX_CHOICES, choice_count_message
from .model import finite, make_options, tidy_number
from .moodle_xml import NUMBER, Reading, plain_text
from .weights import choice_scoring, matching_ok

Reader = Callable[[ET.Element, Reading], "dict[str, Any] | None"]

ORDERING_GRADES = {
    "-1": "ALL_OR_NOTHING", "0": "ABSOLUTE_POSITION", "1": "RELATIVE_NEXT_EXCLUDE_LAST",
    "2": "RELATIVE_NEXT_INCLUDE_LAST", "3": "RELATIVE_ONE_PREVIOUS_AND_NEXT",
    "4": "RELATIVE_ALL_PREVIOUS_AND_NEXT", "5": "LONGEST_ORDERED_SUBSET",
    "6": "LONGEST_CONTIGUOUS_SUBSET", "7": "RELATIVE_TO_CORRECT",
}


def _answers(element: ET.Element, reading: Reading, tag: str = "answer") -> list[ET.Element] | None:
    answers = element.findall(tag)
    if len(answers) > MAX_CHOICES:
        reading.result.error(reading.line(element), choice_count_message(len(answers)))
        return None
    return answers


def _multichoice(element: ET.Element, reading: Reading, exact: bool = False) -> dict | None:
    single = not exact and (element.findtext("single") or "true").strip().lower() in {"true", "1"}
    found = _answers(element, reading)
    if found is None:
        return None
    answers = [(a, reading.rich(a, ".", "plain")) for a in found]
    answers = [(a, text) for a, text in answers if text]
    weights = [reading.fraction(a) for a, _ in answers]
    if None in weights:
        return None
    line = reading.line(element)
    if len(answers) < 2:
        reading.result.error(line, "a choice question needs at least two answers")
        return None
    texts = [text for _, text in answers]
    scoring = choice_scoring(weights, single, texts, [reading.line(a) for a, _ in answers], line,
                             reading.result, reading.keep, all_or_nothing=exact)
    if scoring is None:
        return None
    options = make_options(texts, scoring.correct,
                           [reading.rich(a, "feedback") for a, _ in answers], scoring.weights)
    return {"type": "single" if single else "multiple", **scoring.fields, "options": options}


def _multichoiceset(element: ET.Element, reading: Reading) -> dict | None:
    return _multichoice(element, reading, exact=True)


def _truefalse(element: ET.Element, reading: Reading) -> dict | None:
    answer, feedback = None, {}
    for item in element.findall("answer")[:2]:
        value = plain_text(item, ".").lower()
        weight = reading.fraction(item)
        if weight is None or value not in {"true", "false"}:
            if weight is not None:
                reading.result.error(reading.line(item), "a true/false answer must be 'true' or "
                                                         "'false'")
            return None
        if weight >= 100:
            answer = value == "true"
        feedback[f"feedback_{value}"] = reading.rich(item, "feedback")
    if answer is None:
        reading.result.error(reading.line(element), "no correct answer: give 'true' or 'false' "
                                                    "100%")
        return None
    return {"type": "true_false", "answer": answer, **feedback}


def _shortanswer(element: ET.Element, reading: Reading) -> dict | None:
    line, entries, has_feedback = reading.line(element), [], False
    found = _answers(element, reading)
    if found is None:
        return None
    for item in found:
        weight, text = reading.fraction(item), reading.rich(item, ".", "plain")
        if weight is None:
            return None
        has_feedback = has_feedback or bool(reading.rich(item, "feedback"))
        if text:
            entries.append((weight, text))
    fields = short_text_fields(entries, line, reading.result, reading.keep)
    if fields is None:
        return None
    if (element.findtext("usecase") or "0").strip() == "1":
        reading.result.warn(line, "scores differ from the source: Moodle matches case here, the "
                                  "platform ignores case")
    if has_feedback:
        reading.result.warn(line, "answer feedback is not imported for short-text questions; "
                                  "use general feedback for an explanation")
    return fields


def _numerical(element: ET.Element, reading: Reading) -> dict | None:
    line, entries, dropped, has_feedback = reading.line(element), [], [], False
    found = _answers(element, reading)
    if found is None:
        return None
    for item in found:
        weight, value = reading.fraction(item), plain_text(item, ".")
        tolerance = (item.findtext("tolerance") or "0").strip()
        if weight is None:
            return None
        has_feedback = has_feedback or bool(reading.rich(item, "feedback"))
        if value == "*":
            if weight:
                dropped.append(f"* (any answer, {weight:g}%)")
            continue
        if not (NUMBER.match(value) and NUMBER.match(tolerance)) or not (
            finite(float(value)) and finite(float(tolerance)) and float(tolerance) >= 0
        ):
            reading.result.error(reading.line(item), f"bad numeric answer '{value}' (tolerance "
                                                     f"'{tolerance}'): both must be numbers")
            return None
        entries.append((weight, value, (tidy_number(float(value)), tidy_number(float(tolerance)))))
    fields = numeric_fields(entries, dropped, has_feedback, line, reading.result, reading.keep)
    if fields is None:
        return None
    units = [(u.findtext("unit_name") or "").strip() for u in element.findall("units/unit")
             if NUMBER.match(u.findtext("multiplier") or "1")
             and float(u.findtext("multiplier") or "1") == 1]
    if units and units[0]:
        fields["unit"] = units[0]
    if len(element.findall("units/unit")) > len(units[:1]):
        reading.result.warn(line, "only the base unit (multiplier 1) is imported")
    return fields


def _matching(element: ET.Element, reading: Reading) -> dict | None:
    line, pairs, distractors = reading.line(element), [], []
    found = _answers(element, reading, "subquestion")
    if found is None:
        return None
    for item in found:
        left, right = reading.rich(item, ".", "plain"), plain_text(item, "answer")
        if not right:
            continue
        if left:
            pairs.append([left, right])
        else:
            distractors.append(right)
    rights = {pair[1] for pair in pairs}
    distractors = [d for d in dict.fromkeys(distractors) if d not in rights]
    if not matching_ok(pairs, distractors, line, reading.result):
        return None
    fields: dict[str, Any] = {"type": "matching", "pairs": pairs}
    if distractors:
        fields["distractors"] = distractors
    return fields


def _ordering(element: ET.Element, reading: Reading) -> dict | None:
    line = reading.line(element)
    found = _answers(element, reading)
    if found is None:
        return None
    ranked = []
    for position, item in enumerate(found):
        text = reading.rich(item, ".", "plain")
        raw = item.get("fraction", "")
        rank = float(raw) if NUMBER.match(raw) and finite(float(raw)) else float(position)
        if text:
            ranked.append((rank, position, text))
    items = [text for _, _, text in sorted(ranked)]
    if len(items) < 2 or len(set(items)) != len(items):
        reading.result.error(line, "an ordering question needs at least two different items")
        return None
    fields: dict[str, Any] = {"type": "ordering", "items": items}
    grading = (element.findtext("gradingtype") or "ABSOLUTE_POSITION").strip().upper()
    grading = ORDERING_GRADES.get(grading, grading)
    if grading == "ALL_OR_NOTHING" and reading.keep:
        fields["scoring"] = "all_or_nothing"
    elif grading != "ABSOLUTE_POSITION":
        reading.result.warn(line, f"scores differ from the source: Moodle grades this ordering "
                                  f"by {grading.lower().replace('_', ' ')}; the platform gives "
                                  "one share per item in its right place"
                                  + ("" if grading != "ALL_OR_NOTHING" else
                                     " (you asked for the platform's scoring)"))
    select = (element.findtext("selecttype") or "ALL").strip().upper()
    count = (element.findtext("selectcount") or "0").strip()
    if select not in ("ALL", "0") and count not in ("", "0"):
        reading.result.warn(line, f"Moodle shows {count} of the {len(items)} items at a time; "
                                  "the platform shows them all")
    return fields


def _essay(element: ET.Element, reading: Reading) -> dict | None:
    """An essay: Moodle's information for graders becomes the model answer; its response
    template and its word limit come too."""
    return essay_fields(reading.rich(element, "graderinfo"),
                        reading.rich(element, "responsetemplate", "plain"),
                        element.findtext("maxwordlimit"),
                        reading.result.warn, reading.line(element))


READERS: dict[str, Reader] = {
    "essay": _essay,
    "multichoice": _multichoice,
    "multichoiceset": _multichoiceset,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
}
