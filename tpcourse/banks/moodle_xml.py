"""Moodle XML question banks ⇄ platform question dicts.

Imports multichoice (single or multiple), multichoiceset (all or nothing), truefalse,
shortanswer, numerical, matching, ordering and essay questions; a `category` question sets the
pool of the questions after it. Embedded files become the import's files (see files.py).
Anything else is reported with its line and skipped. See docs/question-banks.md.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from .files import DEFAULT_PREFIX, FileCollector, replace_references
from .limits import MAX_QUESTIONS, too_many_questions, within_limits
from .model import BankImport, IdMaker, category_fields, finite, question, tidy_number, too_big
from .moodle_xml_export import export_moodle_xml, to_moodle_xml
from .texts import clean, to_markdown, to_plain
from .xml_tree import XmlTree, read_xml

__all__ = ["export_moodle_xml", "parse_moodle_xml", "to_moodle_xml"]

NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*$")
PLUGINFILE = "@@PLUGINFILE@@"
_NOT_SUPPORTED = {
    "description": "description items are not supported; skipped",
}


@dataclass
class Reading:
    """What the type readers share while one file is read."""

    tree: XmlTree
    result: BankImport
    files: FileCollector
    keep: bool = True

    def line(self, element: ET.Element) -> int:
        """Return the line an element starts on."""
        return self.tree.line(element)

    def rich(self, element: ET.Element, path: str, target: str = "markdown") -> str:
        """Return a formatted text (question text, feedback, answer) for the platform.

        Its embedded files are kept and @@PLUGINFILE@@ links point at them; a link to a file
        the bank does not hold is reported. `target` "plain" strips HTML (answers).
        """
        found = element.find(path)
        if found is None:
            return ""
        text = clean(found.findtext("text"))
        text_format = found.get("format", "html")
        if PLUGINFILE in text:
            text = self._link_files(found, text)
        if target == "plain":
            plain, lost = to_plain(text, text_format)
            if lost:
                self.result.warn(self.line(found), f"'{plain[:40]}' had formatting (bold, "
                                                   "images…) that an answer cannot show; kept "
                                                   "as plain text")
            return plain
        return to_markdown(text, text_format)

    def _link_files(self, found: ET.Element, text: str) -> str:
        paths = {}
        for file in found.findall("file"):
            if file.get("encoding", "base64") != "base64":
                continue
            name = (file.get("path") or "/").lstrip("/") + (file.get("name") or "")
            stored = self.files.add_base64(name, file.text or "", self.line(file))
            if stored:
                paths[name] = stored
        text, missing = replace_references(text, PLUGINFILE, paths)
        for name in dict.fromkeys(missing):
            self.result.warn(self.line(found), f"the text links to the embedded file '{name}', "
                                               "which the bank does not hold (or could not be "
                                               "imported); fix the link by hand")
        return text

    def fraction(self, answer: ET.Element) -> float | None:
        """Return an answer's fraction in percent, or None after an error."""
        raw = answer.get("fraction", "0")
        if not NUMBER.match(raw) or not finite(float(raw)):
            self.result.error(self.line(answer), f"answer fraction '{raw}' is not a number")
            return None
        return float(raw)


def plain_text(element: ET.Element, path: str) -> str:
    """Return a text with no format (name, category, tag) as it is written."""
    return clean(element.findtext(f"{path}/text")).strip()


def parse_moodle_xml(data: bytes, scoring: str = "source",
                     asset_prefix: str = DEFAULT_PREFIX) -> BankImport:
    """Read a Moodle XML bank; every skipped or malformed question is reported by line.

    `scoring` as for parse_gift; embedded images are named under `asset_prefix`.
    """
    from .moodle_xml_types import READERS

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
    reading = Reading(tree, result, FileCollector(result, asset_prefix), scoring != "platform")
    ids, category, number = IdMaker(), {}, 0
    for element in tree.root:
        if element.tag != "question":
            continue
        kind, line = element.get("type", ""), tree.line(element)
        if kind == "category":
            category = category_fields(plain_text(element, "category"))
            continue
        number += 1
        if number > MAX_QUESTIONS:
            refused = BankImport()
            refused.error(line, too_many_questions(number))
            return refused
        reader = READERS.get(kind)
        if reader is None:
            result.warn(line, _NOT_SUPPORTED.get(
                kind, f"Moodle question type '{kind}' is not supported; skipped"))
            continue
        since = result.mark()
        prompt = _prompt(element, reading)
        if not prompt:
            result.error(line, "the question has no text")
            continue
        fields = reader(element, reading)
        if fields is None:
            continue
        name = plain_text(element, "name")
        idnumber = (element.findtext("idnumber") or "").strip()
        name = "" if name == idnumber else name  # our export's stand-in name for an unnamed one
        tags = [clean(t.text).strip() for t in element.findall("tags/tag/text")]
        built = question(
            id=ids.make(name, number, idnumber), name=name, **category,
            points=_points(element), prompt=prompt,
            explanation=reading.rich(element, "generalfeedback"),
            tags=list(dict.fromkeys(t for t in tags if t)), **fields,
        )
        if within_limits(built, line, result.error):
            result.add(built, line, since)
    return result


def _prompt(element: ET.Element, reading: Reading) -> str:
    """The question text, with a Moodle 1.9 <image> carried in as Moodle itself does."""
    prompt = reading.rich(element, "questiontext")
    image = (element.findtext("image") or "").strip()
    encoded = (element.findtext("image_base64") or "").strip()
    line = reading.line(element)
    if encoded:
        stored = reading.files.add_base64(image or "image", encoded, line)
        if stored:
            reading.result.warn(line, f"Moodle 1.9 image '{image or 'image'}' is added at the "
                                      "end of the prompt, as Moodle does; check where it sits")
            prompt += f"\n\n![{_alt(image)}]({stored})"
    elif image:
        reading.result.warn(line, f"the question names the Moodle 1.9 course file '{image}', "
                                  "which the bank does not hold; add the image by hand")
    return prompt


def _alt(name: str) -> str:
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[\[\]\\]", "", stem) or "image"


def _points(element: ET.Element) -> int | float | None:
    raw = element.findtext("defaultgrade") or ""
    if not NUMBER.match(raw):
        return None
    points = tidy_number(float(raw))
    return points if finite(points) and points > 0 and points != 1 else None
