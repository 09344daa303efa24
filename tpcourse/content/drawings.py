"""Body-map drawings: find and strip what names the anatomy they show.

A hotspot question asks a trainee to find a structure on a drawing; a drawing whose source
names its shapes ("<!-- infraspinatus -->", `id="upper-trapezius"`, a `<title>`) gives the
answer to anyone who opens the image. `content check` warns of such labels
(`anatomy_labels`); the server strips comments, titles, descriptions, metadata, ids and ARIA
or data attributes from every SVG it serves (`clean_drawing`). Pure: no Flask.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from defusedxml.ElementTree import fromstring

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
ElementTree.register_namespace("", SVG)
ElementTree.register_namespace("xlink", XLINK)

ANATOMY = re.compile(r"\b(" + "|".join((
    r"trapezi\w*", r"levator", r"scapul\w*", r"infraspinat\w*", r"supraspinat\w*",
    r"sternocleidomastoid\w*", r"scm", r"glute\w*", r"medius", r"minimus", r"maximus",
    r"quadratus", r"lumborum", r"ql", r"erector", r"spinae", r"paraspinal\w*", r"pector\w*",
    r"deltoid\w*", r"biceps", r"triceps", r"latissimus", r"rhomboid\w*", r"piriformis",
    r"scalene\w*", r"hamstring\w*", r"gastrocnemius", r"soleus", r"suboccipital\w*",
    r"kidneys?", r"carotid", r"jugular", r"femoral", r"popliteal", r"sciatic",
    r"axill\w*", r"trochanter\w*", r"iliac", r"sacr\w*", r"acromion", r"mastoid", r"ribs?",
    r"spine", r"spinous", r"vertebr\w*", r"c7", r"clavic\w*", r"collarbones?", r"sternum",
    r"breastbone", r"pelvis", r"crests?", r"shoulder[ -]?blades?", r"12th",
)) + r")\b", re.I)
"""Words that name a structure a body-map question may ask for."""

_DROPPED_TAGS = {"title", "desc", "metadata"}
_LABEL_ATTRIBUTES = re.compile(r"^(id|aria-.*|data-.*|label|role)$")
_REFERENCE = re.compile(r"url\(\s*#([^)\s]+)\s*\)|^#(.+)$", re.M)


def anatomy_labels(svg_text: str) -> list[tuple[int, str]]:
    """Return (line, what) for each comment, title, id, class, attribute or text naming anatomy."""
    found = []
    for match in re.finditer(r"<!--(.*?)-->", svg_text, re.S):
        if ANATOMY.search(match.group(1)):
            found.append((_line(svg_text, match.start()), f"comment '{_short(match.group(1))}'"))
    try:
        root = fromstring(svg_text.encode("utf-8"))
    except Exception:  # noqa: BLE001 - an unreadable drawing is reported by its viewBox check
        return found
    for element in root.iter():
        tag = _local(element.tag)
        text = "".join(element.itertext()) if tag in _DROPPED_TAGS | {"text"} else ""
        if text and ANATOMY.search(text):
            found.append((_line_of(svg_text, text.strip()[:30]), f"<{tag}> '{_short(text)}'"))
        for name, value in element.attrib.items():
            shown = _local(name)
            if (shown in ("id", "class") or _LABEL_ATTRIBUTES.match(shown)) and ANATOMY.search(
                    value.replace("-", " ").replace("_", " ")):
                found.append((_line_of(svg_text, f'"{value}"'), f'{shown}="{_short(value)}"'))
        if tag == "style" and element.text:
            for selector in re.findall(r"([.#][\w-]+)\s*[{,]", element.text):
                if ANATOMY.search(selector.replace("-", " ").replace("_", " ")):
                    found.append((_line_of(svg_text, selector), f"style selector '{selector}'"))
    return sorted(set(found))


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, offset)) + 1


def _line_of(text: str, needle: str) -> int:
    return _line(text, text.find(needle)) if needle and needle in text else 1


def clean_drawing(svg_text: str) -> bytes:
    """Return the drawing without comments, titles, descriptions, metadata, ids or labels.

    Ids that the drawing itself refers to (`url(#...)`, `href="#..."`) are kept but renamed
    `d1`, `d2`, ...; class names that name anatomy become `c1`, `c2`, ... in the shapes and
    the style sheet alike, so that no name survives and the picture looks the same.
    """
    root = fromstring(svg_text.encode("utf-8"))  # comments are not kept by the parser
    referenced = _referenced_ids(root)
    renamed = {old: f"d{i}" for i, old in enumerate(sorted(referenced), start=1)}
    classes = {c for e in root.iter() for c in (e.get("class") or "").split()
               if ANATOMY.search(c.replace("-", " ").replace("_", " "))}
    neutral = {old: f"c{i}" for i, old in enumerate(sorted(classes), start=1)}
    for parent in list(root.iter()):
        for child in list(parent):
            if _local(child.tag) in _DROPPED_TAGS:
                parent.remove(child)
    for element in root.iter():
        for name in list(element.attrib):
            shown = _local(name)
            if shown == "id" and element.attrib[name] in renamed:
                element.attrib[name] = renamed[element.attrib[name]]
            elif _LABEL_ATTRIBUTES.match(shown) or (shown == "id"):
                del element.attrib[name]
            elif shown == "class":
                element.attrib[name] = " ".join(neutral.get(c, c) for c in element.attrib[name]
                                                .split())
            else:
                element.attrib[name] = _rename_references(element.attrib[name], renamed)
        if _local(element.tag) == "style" and element.text:
            text = _rename_references(element.text, renamed)
            for old, new in neutral.items():
                text = re.sub(r"\." + re.escape(old) + r"(?![\w-])", "." + new, text)
            element.text = text
    # ElementTree's prefix table is global and the QTI export names another default namespace:
    # name SVG's again before writing, or the served drawing reads `<ns0:svg ...>`.
    ElementTree.register_namespace("", SVG)
    ElementTree.register_namespace("xlink", XLINK)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=False)


def _referenced_ids(root) -> set[str]:
    ids = set()
    for element in root.iter():
        for value in element.attrib.values():
            for match in _REFERENCE.finditer(value):
                ids.add(match.group(1) or match.group(2))
        if _local(element.tag) == "style" and element.text:
            ids.update(re.findall(r"url\(\s*#([^)\s]+)\s*\)", element.text))
    return ids


def _rename_references(value: str, renamed: dict[str, str]) -> str:
    def swap(match: re.Match) -> str:
        old = match.group(1) or match.group(2)
        new = renamed.get(old, old)
        return f"url(#{new})" if match.group(1) else f"#{new}"
    return _REFERENCE.sub(swap, value) if "#" in value else value


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."
