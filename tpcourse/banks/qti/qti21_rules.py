"""One platform question as a QTI 2.1 assessmentItem: declarations, body, scoring rules."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from ..model import Unwritable, finite, format_number
from .xhtml import append_html

QTI = "http://www.imsglobal.org/xsd/imsqti_v2p1"
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
Html = Callable[[str], tuple[str, list[str]]]


def q(tag: str) -> str:
    """A QTI element name in its namespace."""
    return f"{{{QTI}}}{tag}"


def choice_ids(ids: list[str], prefix: str) -> list[str]:
    """The given ids when each is a valid, distinct QTI identifier; else prefix1, prefix2…"""
    if all(_NCNAME.match(i) for i in ids) and len(set(ids)) == len(ids):
        return list(ids)
    return [f"{prefix}{n}" for n in range(1, len(ids) + 1)]


def value_text(number: float | Fraction) -> str:
    """A score or weight written as a short decimal."""
    return format_number(float(number))


class ItemWriter:
    """Builds the assessmentItem of one question; `notes` say what QTI could not hold."""

    def __init__(self, question: dict[str, Any], identifier: str, html: Html) -> None:
        self.question, self.html = question, html
        self.notes: list[str] = []
        self.images: list[str] = []
        name = str(question.get("name") or "").strip() or identifier
        self.root = ET.Element(q("assessmentItem"), identifier=identifier, title=name,
                               adaptive="false", timeDependent="false")
        self.processing: ET.Element | None = None

    def points(self) -> float:
        """The question's points; Unwritable when they are not a positive number."""
        points = self.question.get("points") or 1
        if not finite(points) or points <= 0:
            raise Unwritable("points must be a number above 0")
        if self.question.get("tags"):
            self.notes.append("tags cannot be written in a QTI item; left out")
        return points

    def declare(self, cardinality: str, base: str, correct: list[str]) -> ET.Element:
        """Declare the RESPONSE variable with its correct response."""
        declaration = ET.SubElement(self.root, q("responseDeclaration"), identifier="RESPONSE",
                                    cardinality=cardinality, baseType=base)
        values = ET.SubElement(declaration, q("correctResponse"))
        for value in correct:
            ET.SubElement(values, q("value")).text = value
        return declaration

    def outcomes(self, points: float, feedback: str | None) -> None:
        """Declare SCORE (0–1), MAXSCORE (the points), FEEDBACK and EXPLANATION as needed."""
        for identifier, base, default in (("SCORE", "float", "0"),
                                          ("MAXSCORE", "float", format_number(points))):
            outcome = ET.SubElement(self.root, q("outcomeDeclaration"), identifier=identifier,
                                    cardinality="single", baseType=base)
            ET.SubElement(ET.SubElement(outcome, q("defaultValue")), q("value")).text = default
        if feedback:
            ET.SubElement(self.root, q("outcomeDeclaration"), identifier="FEEDBACK",
                          cardinality=feedback, baseType="identifier")
        if str(self.question.get("explanation") or "").strip():
            ET.SubElement(self.root, q("outcomeDeclaration"), identifier="EXPLANATION",
                          cardinality="single", baseType="identifier")

    def body(self) -> ET.Element:
        """Start the item body with the prompt."""
        body = ET.SubElement(self.root, q("itemBody"))
        self.append(body, str(self.question.get("prompt") or ""))
        return body

    def append(self, parent: ET.Element, markdown: str) -> None:
        """Render a Markdown text into `parent`."""
        html, shown = self.html(markdown)
        self.images += shown
        append_html(parent, html, QTI)

    def feedback_inline(self, parent: ET.Element, identifier: str, text: str) -> None:
        """Feedback shown beside a choice when the candidate chose it."""
        if text.strip():
            found = ET.SubElement(parent, q("feedbackInline"), outcomeIdentifier="FEEDBACK",
                                  identifier=identifier, showHide="show")
            html, shown = self.html(text)
            self.images += shown
            append_html(found, re.sub(r"^<p>|</p>$", "", html.strip()), QTI)

    def set(self, parent: ET.Element, identifier: str, value: ET.Element | str) -> None:
        """Set an outcome to a float, or to an expression."""
        setter = ET.SubElement(parent, q("setOutcomeValue"), identifier=identifier)
        if isinstance(value, str):
            ET.SubElement(setter, q("baseValue"), baseType="float").text = value
        else:
            setter.append(value)

    def score_if(self, test: ET.Element, score: str = "1", otherwise: str | None = "0") -> None:
        """SCORE is `score` when the test holds, else `otherwise`."""
        condition = ET.SubElement(self.rules(), q("responseCondition"))
        branch = ET.SubElement(condition, q("responseIf"))
        branch.append(test)
        self.set(branch, "SCORE", score)
        if otherwise is not None:
            self.set(ET.SubElement(condition, q("responseElse")), "SCORE", otherwise)

    def rules(self) -> ET.Element:
        """The item's responseProcessing (made on first use)."""
        if self.processing is None:
            self.processing = ET.SubElement(self.root, q("responseProcessing"))
        return self.processing

    def match_correct(self) -> ET.Element:
        """The test 'the response is the correct response'."""
        match = ET.Element(q("match"))
        ET.SubElement(match, q("variable"), identifier="RESPONSE")
        ET.SubElement(match, q("correct"), identifier="RESPONSE")
        return match

    def map_response(self) -> None:
        """SCORE is the response's value in the mapping (0 when unanswered)."""
        condition = ET.SubElement(self.rules(), q("responseCondition"))
        branch = ET.SubElement(condition, q("responseIf"))
        ET.SubElement(ET.SubElement(branch, q("isNull")), q("variable"), identifier="RESPONSE")
        self.set(branch, "SCORE", "0")
        other = ET.SubElement(condition, q("responseElse"))
        mapped = ET.Element(q("mapResponse"), identifier="RESPONSE")
        self.set(other, "SCORE", mapped)

    def finish(self, feedback: bool) -> None:
        """Set FEEDBACK and EXPLANATION, add the explanation, put the rules after the body."""
        rules = self.rules()
        if feedback:
            self.set(rules, "FEEDBACK", ET.Element(q("variable"), identifier="RESPONSE"))
        explanation = str(self.question.get("explanation") or "").strip()
        if explanation:
            setter = ET.SubElement(rules, q("setOutcomeValue"), identifier="EXPLANATION")
            ET.SubElement(setter, q("baseValue"), baseType="identifier").text = "explanation"
            modal = ET.SubElement(self.root, q("modalFeedback"), outcomeIdentifier="EXPLANATION",
                                  identifier="explanation", showHide="show")
            html, shown = self.html(explanation)
            self.images += shown
            append_html(modal, html, QTI)
        # responseProcessing must come after the body: move it to its place
        self.root.remove(rules)
        body_index = list(self.root).index(self.root.find(q("itemBody")))
        self.root.insert(body_index + 1, rules)
