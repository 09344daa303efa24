"""What the QTI readers share: namespaces, XHTML content as HTML text, images in packages."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable

from ..files import FileCollector
from ..model import BankImport

_VOID = {"img", "br", "hr"}
_KEEP_ATTRIBUTES = {"img": ("src", "alt", "width", "height", "title"), "a": ("href", "title")}
_IMG_SRC = re.compile(r"""(<img\b[^>]*?\ssrc\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def local(tag: str) -> str:
    """Return a tag or attribute name without its {namespace}."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def strip_namespaces(root: ET.Element) -> None:
    """Drop namespaces from every tag and attribute, in place (QTI 2.1 uses a default one)."""
    for element in root.iter():
        element.tag = local(element.tag)
        for name in [n for n in element.attrib if n.startswith("{")]:
            element.attrib[local(name)] = element.attrib.pop(name)


Skip = Callable[[ET.Element], "bool | str"]
"""Whether to leave a child out (True), keep it (False), or put a text in its place."""


def inner_html(element: ET.Element, skip: Skip = lambda e: False, outer: bool = True) -> str:
    """Return an element's content (text and XHTML children) as HTML text, skipping some.

    The outermost content is stripped of surrounding space; nested content is kept as it is.
    """
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        verdict = skip(child)
        if isinstance(verdict, str):
            parts.append(verdict)
        elif not verdict:
            parts.append(_outer_html(child, skip))
        parts.append(html.escape(child.tail or "", quote=False))
    text = "".join(parts)
    if not outer:
        return text
    return re.sub(r"<(p|div)>\s*</\1>", "", text.strip()).strip()


def _outer_html(element: ET.Element, skip: Skip) -> str:
    tag = local(element.tag)
    names = _KEEP_ATTRIBUTES.get(tag, ())
    attributes = "".join(f' {name}="{html.escape(element.get(name, ""))}"'
                         for name in names if element.get(name) is not None)
    if tag in _VOID:
        return f"<{tag}{attributes}>"
    return f"<{tag}{attributes}>{inner_html(element, skip, outer=False)}</{tag}>"


def link_images(text: str, resolve: Callable[[str], tuple[str, bytes] | None],
                files: FileCollector, line: int, report: BankImport) -> str:
    """Point each <img src> of an HTML text at the imported copy of the package's image."""

    def swap(match: re.Match[str]) -> str:
        source = html.unescape(match.group(3))
        if source.startswith(("http://", "https://", "data:")):
            return match.group(0)
        found = resolve(source)
        stored = files.add(found[0], found[1], line) if found else None
        if stored is None:
            if not found:
                report.warn(line, f"the text shows the image '{source[:80]}', which the package "
                                  "does not hold; add it by hand")
            return match.group(0)
        return f"{match.group(1)}{match.group(2)}{stored}{match.group(2)}"

    return _IMG_SRC.sub(swap, text)
