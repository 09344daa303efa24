"""GIFT text handling: escapes, finding unescaped marks, text-format prefixes."""

from __future__ import annotations

import re
from functools import lru_cache

from .texts import to_markdown, to_plain

ESCAPABLE = "\\~=#{}:"
_UNESCAPE = re.compile(r"\\([\\~=#{}:n])")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%(-?\d+(?:\.\d+)?)%")


def unescape(text: str) -> str:
    """Resolve GIFT escapes: \\~ \\= \\# \\{ \\} \\: \\\\ to the character, \\n to a newline."""
    return _UNESCAPE.sub(lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def escape(text: str) -> str:
    """Escape text so GIFT reads it back unchanged (newlines become \\n)."""
    out = []
    for char in text.replace("\r\n", "\n").replace("\r", "\n"):
        if char in ESCAPABLE:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=16)
def _marks(mark: str) -> re.Pattern[str]:
    return re.compile(r"\\.|" + re.escape(mark), re.DOTALL)


def find(text: str, mark: str, start: int = 0) -> int:
    """Return the index of the first unescaped mark at or after start, or -1."""
    for match in _marks(mark).finditer(text, start):
        if match.group() == mark:
            return match.start()
    return -1


def rfind(text: str, mark: str) -> int:
    """Return the index of the rightmost unescaped mark, or -1."""
    index = text.rfind(mark)
    while index >= 0:
        backslashes = 0
        while index - backslashes > 0 and text[index - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return index
        index = text.rfind(mark, 0, index + len(mark) - 1)
    return -1


def split(text: str, marks: str) -> list[tuple[str, str, int]]:
    """Split at each unescaped character in marks: [(mark, piece, offset)], first mark ''."""
    pieces, mark, start = [], "", 0
    pattern = re.compile(r"\\.|[" + re.escape(marks) + "]", re.DOTALL)
    for match in pattern.finditer(text):
        if len(match.group()) == 1:
            pieces.append((mark, text[start:match.start()], start))
            mark, start = match.group(), match.end()
    pieces.append((mark, text[start:], start))
    return pieces


def cut(text: str, mark: str) -> tuple[str, str | None]:
    """Split at the first unescaped mark: (before, after), after None when absent."""
    index = find(text, mark)
    if index < 0:
        return text, None
    return text[:index], text[index + len(mark):]


def take_format(text: str) -> tuple[str | None, str]:
    """Remove a leading [html]/[moodle]/[plain]/[markdown] marker: (format or None, rest)."""
    match = _FORMAT.match(text)
    if not match:
        return None, text
    return match.group(1).lower(), text[match.end():]


def take_weight(text: str) -> tuple[float | None, str]:
    """Remove a leading %weight%: (weight in percent or None, rest)."""
    match = _WEIGHT.match(text)
    if not match:
        return None, text
    return float(match.group(1)), text[match.end():]


BLANK = "_____"
SENTINEL = "\ue000"
"""Stands for the missing-word blank while a text is escaped, so the blank is not escaped."""


def _format(raw: str, default: str) -> tuple[str, str]:
    match = _FORMAT.match(raw)
    if not match:
        return default, raw
    return match.group(1).lower(), raw[match.end():]


def plain(raw: str, default: str = "moodle") -> str:
    """Turn a raw GIFT text (prompt, feedback) into the platform's Markdown text."""
    text_format, body = _format(raw, default)
    return to_markdown(unescape(body), text_format).replace(SENTINEL, BLANK)


def plain_text(raw: str, default: str = "moodle") -> tuple[str, bool]:
    """Turn a raw GIFT answer text into plain text: (text, formatting lost)."""
    text_format, body = _format(raw, default)
    return to_plain(unescape(body), text_format)
