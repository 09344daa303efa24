"""Moodle GIFT question banks ⇄ platform question dicts.

Questions are separated by blank lines; `//` lines are comments (`// [tag:x]` adds a tag);
`$CATEGORY: path` sets the pool of the questions after it. See docs/question-banks.md.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

from .gift_answers import Block, read_block
from .gift_export import export_gift
from .gift_text import SENTINEL, find, plain, take_format, unescape
from .limits import MAX_QUESTIONS, too_many_questions, within_limits
from .model import BankImport, IdMaker, category_fields, question, too_big

__all__ = ["export_gift", "parse_gift", "to_gift"]

_COMMAND = re.compile(r"^\$[A-Za-z_]+")
_CATEGORY = re.compile(r"^\$CATEGORY:(.*)$")
_TAG = re.compile(r"\[tag:([^\]]+)\]")
_ID = re.compile(r"\[id:([^\]]+)\]")

Line = tuple[int, str]


def parse_gift(text: str, scoring: str = "source") -> BankImport:
    """Read a GIFT bank; every skipped or malformed question is reported with its line.

    `scoring="source"` keeps the bank's percentages (see weights.py); "platform" scores every
    question by its type's default rule and reports each one whose scores differ.
    """
    if not isinstance(text, str):
        result = BankImport()
        result.error(1, "a GIFT bank must be text")
        return result
    oversized = too_big(len(text.encode("utf-8", "surrogatepass")))
    if oversized:
        return oversized
    result, ids, number = BankImport(), IdMaker(), 0
    category: dict[str, str | None] = {}
    for block in _blocks(text.lstrip("\ufeff").replace(SENTINEL, "")):
        comments = [line for _, line in block if line.strip().startswith("//")]
        lines = [(n, line) for n, line in block if not line.strip().startswith("//")]
        if lines and _COMMAND.match(lines[0][1].strip()):
            category = _command(lines.pop(0), category, result)
        if not lines:
            continue
        number += 1
        if number > MAX_QUESTIONS:
            refused = BankImport()
            refused.error(lines[0][0], too_many_questions(number))
            return refused
        since = result.mark()
        item = _question(lines, result, scoring != "platform")
        if item is None:
            continue
        title, fields = item
        tags = [t.strip() for c in comments for t in _TAG.findall(c)]
        given = next((m.strip() for c in comments for m in _ID.findall(c)), None)
        built = question(id=ids.make(title, number, given), name=title, **category,
                         tags=list(dict.fromkeys(t for t in tags if t)), **fields)
        if within_limits(built, lines[0][0], result.error):
            result.add(built, lines[0][0], since)
    return result


def to_gift(questions: list[dict[str, Any]]) -> str:
    """Write questions as GIFT; export_gift() also says what could not be written."""
    return export_gift(questions).content


def _blocks(text: str) -> Iterator[list[Line]]:
    block: list[Line] = []
    for number, line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        if line.strip():
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _command(line: Line, current: dict[str, str | None],
             result: BankImport) -> dict[str, str | None]:
    number, text = line[0], line[1].strip()
    category = _CATEGORY.match(text)
    if category:
        path = category.group(1).strip()
        if path:
            return category_fields(path)
        result.error(number, "$CATEGORY: needs a category path, e.g. $CATEGORY: Palpation")
        return current
    result.error(number, f"unknown command '{text[:40]}'; a category line reads "
                         "$CATEGORY: path/to/category")
    return current


def _question(lines: list[Line], result: BankImport,
              keep: bool) -> tuple[str | None, dict] | None:
    """Return (title, question fields) of one block, or None once reported."""
    source = "\n".join(text for _, text in lines)
    starts = [0]
    for _, text in lines[:-1]:
        starts.append(starts[-1] + len(text) + 1)

    def line_at(offset: int) -> int:
        return lines[bisect.bisect_right(starts, offset) - 1][0]

    first_line = lines[0][0]
    lead = len(source) - len(source.lstrip())
    title, rest = None, lead
    if source.startswith("::", lead):
        end = find(source, "::", lead + 2)
        if end < 0:
            result.error(first_line, "the title starts with '::' but has no closing '::'")
            return None
        title, rest = unescape(source[lead + 2:end]).strip(), end + 2
    opening, closing = find(source, "{", rest), find(source, "}", rest)
    if opening < 0 and closing < 0:
        result.warn(first_line, "description items (text with no {…} answers) are not "
                                "supported; skipped")
        return None
    if closing < 0 or (opening >= 0 and find(source, "{", opening + 1) in range(0, closing)):
        result.error(line_at(opening), "unclosed brace: this '{' has no matching '}'")
        return None
    if opening < 0 or closing < opening:
        result.error(line_at(closing), "'}' without a '{' before it; write \\} for a brace")
        return None
    after = source[closing + 1:]
    if find(after, "{") >= 0 or find(after, "}") >= 0:
        result.error(line_at(closing + 1), "only one {…} answer block is allowed per question; "
                                           "escape other braces as \\{ and \\}")
        return None
    text_format, before = take_format(source[rest:opening].lstrip())
    text_format = text_format or "moodle"
    prompt = plain(before + SENTINEL + after if after.strip() else before, text_format)
    if not prompt:
        result.error(first_line, "the question has no text")
        return None
    block = Block(lambda offset: line_at(opening + 1 + offset), first_line, result,
                  text_format, keep)
    fields = read_block(source[opening + 1:closing], block)
    if fields is None:
        return None
    return title, {"prompt": prompt, **fields}
