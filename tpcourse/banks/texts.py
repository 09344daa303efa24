"""Bank texts into the platform's two kinds of text, and back out.

On the platform, prompts, explanations and feedback are **Markdown** (rendered, then
sanitised); option texts, matching texts, ordering items and accepted answers are **plain**
(shown escaped). Banks mark each text with a format — GIFT `[html]`, `[moodle]`, `[plain]`,
`[markdown]`; Moodle XML `format="html|moodle_auto_format|plain_text|markdown"`; QTI is
HTML; Aiken is plain — and what the author wrote must be what the trainee reads:

- plain text has its Markdown and HTML characters escaped (`a < b & c*d` stays exactly that);
  a single line break reads as a space, as in Markdown and HTML;
- HTML is kept as HTML inside a `<div>` block, so Markdown leaves it alone (`*` inside HTML
  is a star, as in Moodle); the platform sanitises it when rendering;
- Moodle auto-format is HTML where it has tags, plain text otherwise.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .model import CONTROL_CHARACTERS

FORMATS = {"html": "html", "moodle": "moodle", "moodle_auto_format": "moodle",
           "plain": "plain", "plain_text": "plain", "markdown": "markdown"}
_INLINE = {"\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]",
           "|": "\\|", "&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INLINE_TABLE = str.maketrans(_INLINE)
_LINE_START = re.compile(r"^(?:#|[-+]\s|[-+]$|\d+[.)](?:\s|$)|!!!|~~~|=+\s*$|-+\s*$)")
_LINE_START_ENTITY = {"=": "&#61;", "~": "&#126;"}
_UNESCAPE = re.compile(r"\\([\\`*_\[\]|#+\-.!{}()>])|&(amp|lt|gt|#61|#126);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "#61": "=", "#126": "~"}
_TAG = re.compile(r"(<!--.*?-->|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>)", re.DOTALL)
_SINGLE_PARAGRAPH = re.compile(r"^<p(?:\s[^<>]*)?>(?:(?!<p[\s>]|</p>).)*</p>$", re.DOTALL)
_PLAIN_TAGS = {"p", "br", "span", "div", "font"}
_BREAKS = {"p", "div", "br", "li", "tr"}


def clean(text: str | None) -> str:
    """Normalise line ends and drop control characters."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL_CHARACTERS.sub("", text)


def escape_markdown(text: str) -> str:
    """Escape a plain text so Markdown renders exactly its characters.

    Each line is escaped on its own; a single line break is a space in Markdown (as in most
    HTML), a blank line starts a new paragraph.
    """
    return "\n".join(_escape_line(line.strip()) for line in clean(text).strip().split("\n"))


def escape_inline(text: str) -> str:
    """Escape Markdown and HTML characters inside a line, keeping its spaces."""
    return text.translate(_INLINE_TABLE)


def _escape_line(line: str) -> str:
    line = line.translate(_INLINE_TABLE)
    if not _LINE_START.match(line):
        return line
    first = line[0]
    if first.isdigit():
        return re.sub(r"^(\d+)([.)])", lambda m: m.group(1) + "\\" + m.group(2), line)
    return _LINE_START_ENTITY.get(first, "\\" + first) + line[1:]


def unescape_markdown(text: str) -> tuple[str, bool]:
    """Undo escape_markdown: (plain text, whether the text was exactly an escaped plain text)."""
    text = clean(text).strip()
    plain = _UNESCAPE.sub(lambda m: m.group(1) or _ENTITIES[m.group(2)], text)
    return plain, escape_markdown(plain) == text


def wrap_html(text: str) -> str:
    """Keep HTML as HTML: un-indented lines inside a <div>, so Markdown does not touch it."""
    body = "\n".join(line.strip() for line in clean(text).strip().split("\n"))
    if not body or _SINGLE_PARAGRAPH.match(body) or (
            body.startswith("<div>") and body.endswith("</div>") and body.count("<div") == 1):
        return body
    return f"<div>\n{body}\n</div>"


def to_markdown(text: str | None, text_format: str = "markdown") -> str:
    """Return a bank text (prompt, feedback) as the platform's Markdown, as the author meant it."""
    kind = FORMATS.get(text_format, "html")
    text = clean(text).strip()
    if not text or kind == "markdown":
        return text
    if kind == "html":
        if "<" not in text and "&" not in text:  # HTML without markup is plain text
            return escape_markdown(" ".join(text.split()))
        return wrap_html(text)
    if kind == "moodle" and _TAG.search(text):
        parts = _TAG.split(text)
        escaped = "".join(part if index % 2 else _escape_stray(part)
                          for index, part in enumerate(parts))
        return wrap_html(escaped)
    return escape_markdown(text)


def _escape_stray(text: str) -> str:
    """Escape '<', '>' and '&' that do not start a tag or an entity (Moodle shows them)."""
    text = re.sub(r"&(?!#?\w+;)", "&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def to_plain(text: str | None, text_format: str = "plain") -> tuple[str, bool]:
    """Return a bank text as plain text (an option, a matching text): (text, formatting lost)."""
    kind = FORMATS.get(text_format, "html")
    text = clean(text).strip()
    if kind in ("html", "moodle") and ("<" in text or "&" in text):
        return html_to_plain(text)
    return text, False


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lost = False

    def handle_starttag(self, tag, attrs):
        if tag in _BREAKS and tag != "li":
            self.parts.append("\n")
        self.lost = self.lost or tag not in _PLAIN_TAGS

    def handle_endtag(self, tag):
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_plain(text: str) -> tuple[str, bool]:
    """Strip HTML to its text: (text, whether formatting such as bold or images was lost)."""
    parser = _PlainText()
    parser.feed(text)
    parser.close()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line), parser.lost


def markdown_to_plain(text: str) -> tuple[str, bool]:
    """Return a platform Markdown text as plain text: (text, whether it is exact).

    Exact for escaped plain text and simple HTML; Markdown formatting (**bold**) is kept as
    its characters and reported as not exact.
    """
    plain, exact = unescape_markdown(text)
    if exact:
        return plain, True
    if text.lstrip().startswith("<"):
        stripped, lost = html_to_plain(text)
        return stripped, not lost
    return text.strip(), False
