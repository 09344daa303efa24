"""Check an uploaded image before it joins lessons/assets/: SVG, PNG or JPEG, by content.

An SVG is rebuilt from an allow-list (no scripts, no event handlers, no foreign objects, no
links out of the file) and keeps its viewBox, so body-map questions can use it; a PNG or a
JPEG must open as what its name says. Pure: no Flask, no database.
"""

from __future__ import annotations

import io
import re
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image, UnidentifiedImageError

from .drawings import SVG, XLINK

MAX_BYTES = 2 * 1024 * 1024
"""The largest image accepted (2 MB): drawings and photos for lessons, not archives."""
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,80}\.(svg|png|jpe?g)$")
_ALLOWED_TAGS = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text",
    "tspan", "defs", "lineargradient", "radialgradient", "stop", "clippath", "mask", "use",
    "symbol", "pattern", "marker", "title", "desc", "style",
}
_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)[^)]*\)", re.I)
_IMPORT = re.compile(r"@import[^;]*;?", re.I)


class ImageRefused(ValueError):
    """The file is not an image tpcourse accepts; the message says what to do."""


def checked_image(filename: str, data: bytes) -> tuple[str, bytes]:
    """Return (file name, bytes to store) for an upload, or raise ImageRefused."""
    name = filename.strip().lower().replace(" ", "-")
    if not NAME.match(name):
        raise ImageRefused("Name the file with lowercase letters, digits and hyphens, ending "
                           "in .svg, .png or .jpg (for example neck-map.svg).")
    if not data:
        raise ImageRefused("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ImageRefused(f"The file is {len(data) / 1024 / 1024:.1f} MB; images may be at "
                           f"most {MAX_BYTES // 1024 // 1024} MB.")
    if name.endswith(".svg"):
        return name, sanitised_svg(data)
    wanted = "PNG" if name.endswith(".png") else "JPEG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            found = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageRefused("The file is not a readable PNG, JPEG or SVG image.") from None
    if found != wanted:
        raise ImageRefused(f"The file is a {found} image but its name ends in "
                           f".{name.rsplit('.', 1)[1]}: rename it or export it as {wanted}.")
    return name, data


def sanitised_svg(data: bytes) -> bytes:
    """Rebuild an SVG from allowed elements and attributes; raise ImageRefused if unreadable."""
    try:
        root = fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        raise ImageRefused("The SVG file could not be read as XML (entities and DTDs are "
                           "refused).") from None
    if _local(root.tag) != "svg":
        raise ImageRefused("The file is not an SVG drawing: its first element is not <svg>.")
    if not root.get("viewBox"):
        raise ImageRefused("The SVG has no viewBox: body-map regions are measured in it. "
                           "Save it again with a viewBox (most drawing programs do).")
    _clean(root)
    for element in root.iter():  # a drawing without xmlns is an SVG drawing all the same
        if isinstance(element.tag, str) and not element.tag.startswith("{"):
            element.tag = f"{{{SVG}}}{element.tag}"
    # ElementTree's prefix table is global and other modules (the QTI export) name another
    # default namespace: name SVG's again, so the file reads `<svg viewBox=...>`.
    ElementTree.register_namespace("", SVG)
    ElementTree.register_namespace("xlink", XLINK)
    text = ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)
    if not text.startswith(b"<svg "):
        raise ImageRefused("The SVG could not be saved; upload it again.")
    return text


def _clean(element) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or _local(child.tag) not in _ALLOWED_TAGS \
                or not child.tag.startswith(("{" + SVG + "}", _local(child.tag))):
            element.remove(child)
            continue
        _clean(child)
    for name in list(element.attrib):
        value = element.attrib[name]
        local = _local(name)
        foreign = name.startswith("{") and not name.startswith("{" + XLINK + "}")
        outside = local == "href" and not value.strip().startswith("#")
        if local.startswith("on") or foreign or outside:
            del element.attrib[name]
        elif local == "style" or "url(" in value.lower():
            element.attrib[name] = _URL.sub("none", value)
    if _local(element.tag) == "style" and element.text:
        element.text = _URL.sub("none", _IMPORT.sub("", element.text))


def _local(name) -> str:
    return name.rsplit("}", 1)[-1].lower() if isinstance(name, str) else ""
