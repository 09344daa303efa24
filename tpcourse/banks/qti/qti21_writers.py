"""Each question type as a QTI 2.1 interaction with its scoring rules."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from fractions import Fraction

from ..model import Unwritable, finite, format_number
from .qti21_rules import ItemWriter, choice_ids, q, value_text


def write_item(writer: ItemWriter) -> ET.Element:
    """Build the item of the writer's question; Unwritable for a type QTI cannot hold."""
    kind = writer.question.get("type")
    build = WRITERS.get(kind)
    if build is None:
        raise Unwritable(f"{kind} questions cannot be written as QTI 2.1")
    build(writer, writer.points())
    return writer.root


def _choice(w: ItemWriter, points: float) -> None:
    question = w.question
    options, single = question["options"], question["type"] == "single"
    correct = [o for o in options if o.get("correct")]
    if (single and len(correct) != 1) or not correct:
        raise Unwritable("the question has no valid correct option")
    ids = choice_ids([str(o["id"]) for o in options], "C")
    chosen = [i for i, o in zip(ids, options, strict=True) if o.get("correct")]
    cardinality = "single" if single else "multiple"
    declaration = w.declare(cardinality, "identifier", chosen)
    rule = question.get("scoring")
    if rule == "weights" or (not single and rule != "all_or_nothing"):
        k = len(correct)
        values = [Fraction(o.get("weight") or 0).limit_denominator(1000) / 100
                  if rule == "weights" else Fraction(1 if o.get("correct") else -1, k)
                  for o in options]
        mapping = ET.SubElement(declaration, q("mapping"), lowerBound="0", upperBound="1",
                                defaultValue="0")
        for identifier, value in zip(ids, values, strict=True):
            ET.SubElement(mapping, q("mapEntry"), mapKey=identifier, mappedValue=value_text(value))
    w.outcomes(points, cardinality)
    interaction = ET.SubElement(w.body(), q("choiceInteraction"), responseIdentifier="RESPONSE",
                                shuffle="true", maxChoices="1" if single else "0")
    for identifier, option in zip(ids, options, strict=True):
        choice = ET.SubElement(interaction, q("simpleChoice"), identifier=identifier)
        choice.text = str(option["text"])
        w.feedback_inline(choice, identifier, str(option.get("feedback") or ""))
    if rule == "weights" or (not single and rule != "all_or_nothing"):
        w.map_response()
    else:
        w.score_if(w.match_correct())
    w.finish(feedback=True)


def _true_false(w: ItemWriter, points: float) -> None:
    answer = w.question["answer"]
    if not isinstance(answer, bool):
        raise Unwritable("the true/false answer is not true or false")
    w.declare("single", "identifier", ["true" if answer else "false"])
    w.outcomes(points, "single")
    interaction = ET.SubElement(w.body(), q("choiceInteraction"), responseIdentifier="RESPONSE",
                                shuffle="false", maxChoices="1")
    for value in ("true", "false"):
        choice = ET.SubElement(interaction, q("simpleChoice"), identifier=value)
        choice.text = value.title()
        w.feedback_inline(choice, value, str(w.question.get(f"feedback_{value}") or ""))
    w.score_if(w.match_correct())
    w.finish(feedback=True)


def _entry(w: ItemWriter) -> None:
    """A text-entry box in its own paragraph after the prompt."""
    paragraph = ET.SubElement(w.root.find(q("itemBody")), q("p"))
    ET.SubElement(paragraph, q("textEntryInteraction"), responseIdentifier="RESPONSE",
                  expectedLength="20")


def _numeric(w: ItemWriter, points: float) -> None:
    question = w.question
    answer, tolerance = question["answer"], question.get("tolerance") or 0
    if not finite(answer) or not finite(tolerance) or tolerance < 0:
        raise Unwritable("the numeric answer or tolerance is not a number")
    if question.get("unit"):
        w.notes.append(f"unit '{question['unit']}' cannot be written in a QTI answer; left out")
    w.declare("single", "float", [format_number(answer)])
    w.outcomes(points, None)
    w.body()
    _entry(w)
    ranges = [(answer, tolerance, 100)] + sorted(
        ((e["answer"], e.get("tolerance") or 0, e["weight"]) for e in question.get("partial") or []),
        key=lambda e: -e[2])
    condition = ET.SubElement(w.rules(), q("responseCondition"))
    for index, (value, spread, weight) in enumerate(ranges):
        branch = ET.SubElement(condition, q("responseIf" if index == 0 else "responseElseIf"))
        attributes = {"toleranceMode": "absolute",
                      "tolerance": f"{format_number(spread)} {format_number(spread)}"} \
            if spread else {"toleranceMode": "exact"}
        equal = ET.SubElement(branch, q("equal"), attributes)
        ET.SubElement(equal, q("variable"), identifier="RESPONSE")
        ET.SubElement(equal, q("baseValue"), baseType="float").text = format_number(value)
        w.set(branch, "SCORE", value_text(Fraction(weight).limit_denominator(1000) / 100))
    w.set(ET.SubElement(condition, q("responseElse")), "SCORE", "0")
    w.finish(feedback=False)


def _short_text(w: ItemWriter, points: float) -> None:
    question = w.question
    accept = [str(a) for a in question["accept"]]
    declaration = w.declare("single", "string", accept[:1])
    mapping = ET.SubElement(declaration, q("mapping"), lowerBound="0", upperBound="1",
                            defaultValue="0")
    entries = [(a, 100) for a in accept] + [(str(e["text"]), e["weight"])
                                            for e in question.get("partial") or []]
    for text, weight in entries:
        ET.SubElement(mapping, q("mapEntry"), mapKey=text, caseSensitive="false",
                      mappedValue=value_text(Fraction(weight).limit_denominator(1000) / 100))
    w.outcomes(points, None)
    w.body()
    _entry(w)
    w.map_response()
    w.finish(feedback=False)


def _matching(w: ItemWriter, points: float) -> None:
    question = w.question
    pairs = [(str(left), str(right)) for left, right in question["pairs"]]
    answers = list(dict.fromkeys([*(right for _, right in pairs),
                                  *map(str, question.get("distractors") or [])]))
    sources = [f"L{n}" for n in range(1, len(pairs) + 1)]
    targets = {text: f"A{n}" for n, text in enumerate(answers, start=1)}
    correct = [f"{s} {targets[right]}" for s, (_, right) in zip(sources, pairs, strict=True)]
    declaration = w.declare("multiple", "directedPair", correct)
    rule = question.get("scoring")
    if rule != "all_or_nothing":
        mapping = ET.SubElement(declaration, q("mapping"), lowerBound="0", upperBound="1",
                                defaultValue="0")
        for pair in correct:
            ET.SubElement(mapping, q("mapEntry"), mapKey=pair,
                          mappedValue=value_text(Fraction(1, len(pairs))))
    w.outcomes(points, None)
    interaction = ET.SubElement(w.body(), q("matchInteraction"), responseIdentifier="RESPONSE",
                                shuffle="true", maxAssociations=str(len(pairs)))
    left_set = ET.SubElement(interaction, q("simpleMatchSet"))
    for source, (left, _) in zip(sources, pairs, strict=True):
        ET.SubElement(left_set, q("simpleAssociableChoice"), identifier=source,
                      matchMax="1").text = left
    right_set = ET.SubElement(interaction, q("simpleMatchSet"))
    for text, target in targets.items():  # matchMax the same for all: it must not hint
        ET.SubElement(right_set, q("simpleAssociableChoice"), identifier=target,
                      matchMax=str(len(pairs))).text = text
    if rule == "all_or_nothing":
        w.score_if(w.match_correct())
    else:
        w.map_response()
    w.finish(feedback=False)


def _ordering(w: ItemWriter, points: float) -> None:
    items = [str(i) for i in w.question["items"]]
    ids = [f"I{n}" for n in range(1, len(items) + 1)]
    w.declare("ordered", "identifier", ids)
    w.outcomes(points, None)
    interaction = ET.SubElement(w.body(), q("orderInteraction"), responseIdentifier="RESPONSE",
                                shuffle="true")
    for identifier, text in zip(ids, items, strict=True):
        ET.SubElement(interaction, q("simpleChoice"), identifier=identifier).text = text
    if w.question.get("scoring") == "all_or_nothing":
        w.score_if(w.match_correct())
    else:
        w.set(w.rules(), "SCORE", "0")
        share = value_text(Fraction(1, len(items)))
        for position, identifier in enumerate(ids, start=1):
            condition = ET.SubElement(w.rules(), q("responseCondition"))
            branch = ET.SubElement(condition, q("responseIf"))
            match = ET.SubElement(branch, q("match"))
            index = ET.SubElement(match, q("index"), n=str(position))
            ET.SubElement(index, q("variable"), identifier="RESPONSE")
            ET.SubElement(match, q("baseValue"), baseType="identifier").text = identifier
            total = ET.Element(q("sum"))
            ET.SubElement(total, q("variable"), identifier="SCORE")
            ET.SubElement(total, q("baseValue"), baseType="float").text = share
            w.set(branch, "SCORE", total)
    w.finish(feedback=False)


WRITERS: dict[str, Callable[[ItemWriter, float], None]] = {
    "single": _choice, "multiple": _choice, "true_false": _true_false, "numeric": _numeric,
    "short_text": _short_text, "matching": _matching, "ordering": _ordering,
}

