"""HTML ⇄ QTI XHTML, and HTML back to the Markdown it was rendered from.

QTI item bodies are XHTML: the export renders each Markdown text (with the renderer the
service passes in, so this package stays pure) and copies the HTML into XML elements. On
import, HTML that some simple Markdown renders to exactly is turned back into that Markdown —
checked by rendering it — so a question exported and imported again reads the same; other
HTML is kept as HTML.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser

from ..texts import escape_inline, wrap_html

Render = Callable[[str], str]

XHTML_TAGS = {
    "p", "div", "span", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul",
    "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "h1", "h2", "h3", "h4",
    "h5", "h6", "sub", "sup", "abbr", "dl", "dt", "dd", "caption",
}
_VOID = {"br", "hr", "img"}
_ATTRIBUTES = {"img": {"src", "alt", "width", "height", "title"}, "a": {"href", "title"},
               "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}, "abbr": {"title"}}


class _Builder(HTMLParser):
    """Builds XML elements (in a namespace) from HTML, keeping only XHTML that QTI allows."""

    def __init__(self, parent: ET.Element, namespace: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack = [parent]
        self.namespace = namespace

    def _append_text(self, text: str) -> None:
        top = self.stack[-1]
        if len(top):
            top[-1].tail = (top[-1].tail or "") + text
        else:
            top.text = (top.text or "") + text

    def handle_starttag(self, tag, attrs):
        if tag not in XHTML_TAGS:
            return
        allowed = _ATTRIBUTES.get(tag, set())
        element = ET.SubElement(self.stack[-1], f"{{{self.namespace}}}{tag}",
                                {k: v or "" for k, v in attrs if k in allowed})
        if tag not in _VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        if tag in XHTML_TAGS and tag not in _VOID and len(self.stack) > 1:
            for index in range(len(self.stack) - 1, 0, -1):
                if self.stack[index].tag.endswith("}" + tag):
                    del self.stack[index:]
                    break

    def handle_data(self, data):
        self._append_text(data)


def append_html(parent: ET.Element, text: str, namespace: str) -> None:
    """Copy HTML into `parent` as XHTML elements of the namespace (text as a <p> if bare)."""
    if text and not text.lstrip().startswith("<"):
        text = f"<p>{text}</p>"
    builder = _Builder(parent, namespace)
    builder.feed(text)
    builder.close()


class _Markdown(HTMLParser):
    """Turns the HTML a simple Markdown text renders to back into that text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.failed = False
        self.link: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "p":
            self.out.append("\n\n")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "code":
            self.out.append("`")
        elif tag == "br":
            self.out.append("  \n")
        elif tag == "img":
            source = (values.get("src") or "").removeprefix("/")
            self.out.append(f"![{escape_inline(values.get('alt') or '')}]({source})")
        elif tag == "a" and values.get("href"):
            self.link.append(values["href"])
            self.out.append("[")
        else:
            self.failed = True

    def handle_endtag(self, tag):
        closing = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}
        if tag in closing:
            self.out.append(closing[tag])
        elif tag == "a" and self.link:
            self.out.append(f"]({self.link.pop()})")

    def handle_data(self, data):
        self.out.append(escape_inline(data).replace("\\_" * 5, "_" * 5))  # the blank stays


class _Canonical(HTMLParser):
    """HTML as a list of tokens with sorted attributes, for comparing what two texts show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[str] = []

    def handle_starttag(self, tag, attrs):
        kept = sorted((k, (v or "").removeprefix("/")) for k, v in attrs if k != "rel")
        self.tokens.append(f"<{tag} {kept}>")

    def handle_endtag(self, tag):
        self.tokens.append(f"</{tag}>")

    def handle_data(self, data):
        text = re.sub(r"\s+", " ", data)
        if text.strip():
            self.tokens.append(text.strip())


def _normal(text: str) -> list[str]:
    parser = _Canonical()
    parser.feed(text)
    parser.close()
    return parser.tokens


def markdown_from_html(text: str, render: Render | None) -> str:
    """Return HTML as the Markdown that renders to it, or as kept HTML when there is none."""
    text = text.strip()
    if not text:
        return ""
    if not text.startswith("<"):
        text = f"<p>{text}</p>"  # bare text (an interaction's prompt) is one paragraph
    if render is not None:
        parser = _Markdown()
        parser.feed(text)
        parser.close()
        candidate = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(parser.out))
        candidate = re.sub(r"\n{3,}", "\n\n", candidate).strip()
        if not parser.failed and candidate and _normal(render(candidate)) == _normal(text):
            return candidate
    return wrap_html(text)
