"""Markdown to sanitised HTML for lessons, prompts and explanations."""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown as md
import nh3

ADMONITION_TYPES = ("note", "tip", "warning", "danger")
ASSET_URL = "/assets/"

_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "div", "span", "sup", "sub", "dl", "dt", "dd", "abbr",
}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "abbr": {"title"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
}
_CLASSES = {"div": {"admonition", *ADMONITION_TYPES}, "p": {"admonition-title"}}


RENDER_CACHE_SIZE = 4096
CACHED_TEXT_CHARS = 2000
"""Short texts are remembered (at most RENDER_CACHE_SIZE of them, so at most a few MB): a
bank's repeated options ("True", "None of these") and a draft validated again are rendered
once per distinct text, not once per occurrence. Long texts (lesson bodies) are not kept."""


def render_markdown(text: str) -> str:
    """Render Markdown (tables, admonitions) and strip anything unsafe from the HTML."""
    text = text or ""
    return _render_short(text) if len(text) <= CACHED_TEXT_CHARS else render_uncached(text)


def render_uncached(text: str) -> str:
    """Render Markdown to sanitised HTML, every time (render_markdown remembers short texts)."""
    html = md.markdown(
        text or "",
        extensions=["tables", "admonition", "fenced_code", "sane_lists", "toc"],
        extension_configs={"toc": {"baselevel": 2}},  # the page title is the only <h1>
        output_format="html",
    )
    html = re.sub(r'(<img[^>]*\ssrc=")assets/', rf"\1{ASSET_URL}", html)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        allowed_classes=_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_render_short = lru_cache(maxsize=RENDER_CACHE_SIZE)(render_uncached)


def render_inline(text: str) -> str:
    """Render a short Markdown text (a prompt or option) without a wrapping paragraph."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def plain_text(text: str) -> str:
    """Return Markdown as the words a reader sees, without markup: for lists and summaries."""
    stripped = nh3.clean(render_markdown(text or ""), tags=set(), attributes={})
    return " ".join(html.unescape(stripped).split())


def word_count(text: str) -> int:
    """Count the words of a Markdown body, ignoring markup characters."""
    return len(re.findall(r"[A-Za-z0-9][\w'’-]*", text or ""))


def image_references(text: str) -> list[tuple[int, str]]:
    """Return (line number within text, path) for each Markdown image."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        found.extend((number, m) for m in re.findall(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", line))
    return found
