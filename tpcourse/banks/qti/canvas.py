"""Canvas "Classic Quizzes" exports (IMS QTI 1.2 in a .zip) → platform question dicts.

Canvas writes each quiz as `<quiz-id>/<quiz-id>.xml` (a `questestinterop` assessment),
listed in `imsmanifest.xml`, with uploaded images under `web_resources/` referred to as
`$IMS-CC-FILEBASE$/...`. Each `item` carries its Canvas type in its metadata. Question
groups (sections) become pools. See docs/question-banks.md for what each type becomes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import unquote

from ..files import DEFAULT_PREFIX, FileCollector
from ..limits import MAX_QUESTIONS, too_many_questions, within_limits
from ..model import BankImport, IdMaker, category_fields, question, tidy_number, too_big
from ..xml_tree import read_xml
from .canvas_types import READERS, Item
from .common import link_images, local, strip_namespaces
from .package import Package, PackageError, is_zip, read_package
from .xhtml import Render

FILEBASE = "$IMS-CC-FILEBASE$"
_SKIPPED = {
    "essay_question": "essay questions are not supported; skipped",
    "file_upload_question": "file-upload questions are not supported; skipped",
    "text_only_question": "text-only items (no answer) are not supported; skipped",
}


@dataclass
class _Context:
    package: Package
    result: BankImport
    files: FileCollector
    ids: IdMaker
    keep: bool
    render: Render | None = None
    count: int = 0


def parse_canvas_qti(data: bytes, scoring: str = "source", asset_prefix: str = DEFAULT_PREFIX,
                     render: Render | None = None) -> BankImport:
    """Read a Canvas quiz export (.zip) or one QTI 1.2 file; problems name file and line.

    `render` as for parse_qti21: simple HTML comes back as Markdown, other HTML is kept.
    """
    oversized = too_big(len(data))
    if oversized:
        return oversized
    result = BankImport()
    if is_zip(data):
        try:
            package = read_package(data)
        except PackageError as problem:
            result.error(1, str(problem))
            return result
    else:
        package = Package({"quiz.xml": bytes(data)})
    context = _Context(package, result, FileCollector(result, asset_prefix), IdMaker(),
                       scoring != "platform", render)
    paths = _assessment_files(package)
    if not paths:
        result.error(1, "no QTI 1.2 quiz found: a Canvas export holds <quiz-id>/<quiz-id>.xml "
                        "with a <questestinterop> root")
        return result
    for path in paths:
        if not _read_file(path, context):
            refused = BankImport()
            refused.error(1, too_many_questions(context.count))
            return refused
    return result


def _assessment_files(package: Package) -> list[str]:
    manifest = package.find("imsmanifest.xml")
    listed: list[str] = []
    if manifest:
        tree = read_xml(manifest)
        if tree.root is not None:
            for resource in tree.root.iter():
                if local(resource.tag) == "resource" and "qti" in resource.get("type", "").lower():
                    listed += [f.get("href", "") for f in resource if local(f.tag) == "file"]
    candidates = [p for p in dict.fromkeys(listed) if p.endswith(".xml") and package.find(p)]
    if not candidates:
        candidates = [p for p in package.members if p.endswith(".xml")
                      and not p.startswith("non_cc_assessments/")]
    return [p for p in candidates if not p.endswith(("assessment_meta.xml", "imsmanifest.xml"))
            and b"questestinterop" in package.members[p][:4096]]


def _read_file(path: str, context: _Context) -> bool:
    """Read one QTI file's items into the result; False when over the question limit."""
    report = BankImport(source=path)
    files = FileCollector(report, context.files.prefix)
    tree = read_xml(context.package.members[path])
    if tree.error or tree.root is None:
        report.error(*(tree.error or (1, "the file is empty")))
        context.result.merge(report)
        return True
    strip_namespaces(tree.root)
    for item, section in _items(tree.root):
        context.count += 1
        if context.count > MAX_QUESTIONS:
            return False
        _read_item(item, section, path, tree.line(item), report, files, context)
    context.result.merge(report)
    return True


def _items(root: ET.Element) -> list[tuple[ET.Element, str]]:
    found: list[tuple[ET.Element, str]] = []

    def walk(element: ET.Element, section: str) -> None:
        for child in element:
            if child.tag == "item":
                found.append((child, section))
            elif child.tag == "section":
                ident = child.get("ident", "")
                walk(child, section if ident == "root_section" else child.get("title", ""))
            else:
                walk(child, section)

    walk(root, "")
    return found


def _read_item(element: ET.Element, section: str, path: str, line: int, report: BankImport,
               files: FileCollector, context: _Context) -> None:
    metadata = {(f.findtext("fieldlabel") or "").strip(): (f.findtext("fieldentry") or "").strip()
                for f in element.iter("qtimetadatafield")}
    kind = metadata.get("question_type", "")
    reader = READERS.get(kind)
    if reader is None:
        report.warn(line, _SKIPPED.get(kind, f"Canvas question type '{kind or 'unknown'}' is not "
                                             "supported; skipped"))
        return
    since = report.mark()
    item = Item(element, line, report, context.keep,
                lambda text: link_images(text, lambda src: _image(context.package, path, src),
                                         files, line, report), context.render)
    fields = reader(item)
    if fields is None:
        return
    title = element.get("title", "").strip()
    built = question(id=context.ids.make(None, context.count, element.get("ident")),
                     name=None if title in ("", "Question") else title,
                     **(category_fields(section) if section else {}),
                     points=_points(metadata.get("points_possible", "")),
                     explanation=item.feedback("general_fb"), **fields)
    if not built.get("prompt"):
        report.error(line, "the question has no text")
    elif within_limits(built, line, report.error):
        report.add(built, line, since)


def _image(package: Package, base: str, source: str) -> tuple[str, bytes] | None:
    reference = unquote(source).split("?")[0]
    if reference.startswith(FILEBASE):
        relative = reference[len(FILEBASE):].lstrip("/")
        for candidate in (f"web_resources/{relative}", relative):
            data = package.find(candidate)
            if data is not None:
                return candidate, data
        ending = "/" + relative
        match = next((p for p in package.members if p.endswith(ending)), None)
        return (match, package.members[match]) if match else None
    member = package.resolve(base, reference)
    return (member, package.members[member]) if member else None


def _points(raw: str) -> int | float | None:
    try:
        points = tidy_number(float(raw))
    except ValueError:
        return None
    return points if 0 < points < 1e6 and points != 1 else None

