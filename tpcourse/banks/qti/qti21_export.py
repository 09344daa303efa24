"""Write platform question dicts as an IMS QTI 2.1 content package (.zip).

One `items/<id>.xml` per question, an assessment test (`tests/test.xml`) with one section per
pool, the images the texts show (`images/`), and `imsmanifest.xml` listing them. Scores are
on a 0–1 scale with the question's points in a MAXSCORE outcome; the response processing is
written out (not as a template reference) so the same rules also set the feedback outcomes.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from typing import Any

from ..model import BankExport, ExportNote, Unwritable, category_path
from .qti21_rules import QTI, ItemWriter
from .qti21_writers import write_item
from .xhtml import Render

CP = "http://www.imsglobal.org/xsd/imscp_v1p1"
Files = Callable[[str], bytes | None]
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_ASSET_SRC = re.compile(r'(src=")/?(assets/[^"]+)(")')
_ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def export_qti21(questions: list[dict[str, Any]], render: Render | None = None,
                 files: Files | None = None) -> BankExport:
    """Write questions as a QTI 2.1 package (zip bytes), with notes on what was left out.

    `render` turns Markdown into HTML (the platform's renderer); `files` returns the bytes of
    an `assets/...` image so the package can carry it.
    """
    ET.register_namespace("", QTI)
    notes: list[ExportNote] = []
    items: list[tuple[str, bytes, list[str], str]] = []  # (identifier, xml, images, section)
    images: dict[str, bytes] = {}
    used: set[str] = set()
    for number, item in enumerate(questions, start=1):
        question_id = str(item.get("id") or f"q-{number}")
        identifier = _identifier(question_id, used, notes)
        try:
            writer = ItemWriter(item, identifier, lambda text: _html(text, render, files, images))
            root = write_item(writer)
        except Unwritable as problem:
            notes.append(ExportNote(question_id, f"{problem}; skipped"))
            continue
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            notes.append(ExportNote(question_id, "the question is malformed; skipped"))
            continue
        notes += [ExportNote(question_id, note) for note in writer.notes]
        ET.indent(root)
        content = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
        items.append((identifier, content, list(writer.images),
                      category_path(item.get("pool"), item.get("category"))))
    return BankExport(_package(items, images), notes)


def _identifier(question_id: str, used: set[str], notes: list[ExportNote]) -> str:
    identifier = question_id if _NCNAME.match(question_id) else \
        "q-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", question_id).strip("-")
    base, suffix = identifier, 2
    while identifier in used:
        identifier, suffix = f"{base}-{suffix}", suffix + 1
    if identifier != question_id:
        notes.append(ExportNote(question_id, f"QTI identifiers start with a letter: written as "
                                             f"'{identifier}'"))
    used.add(identifier)
    return identifier


def _html(text: str, render: Render | None, files: Files | None,
          images: dict[str, bytes]) -> tuple[str, list[str]]:
    """Render a Markdown text for an item body; carry the images it shows."""
    if render is None:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return "".join(f"<p>{p}</p>" for p in escaped.split("\n\n") if p.strip()), []
    shown: list[str] = []

    def carry(match: re.Match[str]) -> str:
        path = match.group(2)
        data = files(path) if files else None
        if data is None:
            return match.group(0)
        name = "images/" + path.rsplit("/", 1)[-1]
        images[name] = data
        shown.append(name)
        return f"{match.group(1)}../{name}{match.group(3)}"

    return _ASSET_SRC.sub(carry, render(text)), shown


def _package(items: list[tuple[str, bytes, list[str], str]], images: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def put(name: str, data: bytes) -> None:
            archive.writestr(zipfile.ZipInfo(name, _ZIP_DATE), data, zipfile.ZIP_DEFLATED)

        put("imsmanifest.xml", _manifest(items))
        put("tests/test.xml", _test(items))
        for identifier, content, _, _ in items:
            put(f"items/{identifier}.xml", content)
        for name, data in sorted(images.items()):
            put(name, data)
    return buffer.getvalue()


def _manifest(items: list[tuple[str, bytes, list[str], str]]) -> bytes:
    ET.register_namespace("", CP)
    root = ET.Element(f"{{{CP}}}manifest", identifier="MANIFEST-tpcourse")
    ET.SubElement(root, f"{{{CP}}}organizations")
    resources = ET.SubElement(root, f"{{{CP}}}resources")
    test = ET.SubElement(resources, f"{{{CP}}}resource", identifier="RES-test",
                         type="imsqti_test_xmlv2p1", href="tests/test.xml")
    ET.SubElement(test, f"{{{CP}}}file", href="tests/test.xml")
    for identifier, _, shown, _ in items:
        href = f"items/{identifier}.xml"
        resource = ET.SubElement(resources, f"{{{CP}}}resource", identifier=f"RES-{identifier}",
                                 type="imsqti_item_xmlv2p1", href=href)
        for name in [href, *dict.fromkeys(shown)]:
            ET.SubElement(resource, f"{{{CP}}}file", href=name)
    ET.indent(root)
    ET.register_namespace("", QTI)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _test(items: list[tuple[str, bytes, list[str], str]]) -> bytes:
    root = ET.Element(f"{{{QTI}}}assessmentTest", identifier="test", title="Question bank")
    part = ET.SubElement(root, f"{{{QTI}}}testPart", identifier="part", navigationMode="nonlinear",
                         submissionMode="simultaneous")
    section, path, count = None, None, 0
    for identifier, _, _, category in items:
        if section is None or category != path:
            count += 1
            section = ET.SubElement(part, f"{{{QTI}}}assessmentSection",
                                    identifier=f"section-{count}", title=category, visible="true")
            path = category
        ET.SubElement(section, f"{{{QTI}}}assessmentItemRef", identifier=identifier,
                      href=f"../items/{identifier}.xml")
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)

