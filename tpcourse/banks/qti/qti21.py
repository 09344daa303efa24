"""IMS QTI 2.1 items (a content package .zip, or one item .xml) → platform question dicts.

The package's `imsmanifest.xml` lists the items (`imsqti_item_xmlv2p1`) and may list an
assessment test whose sections become pools. Each item holds one interaction: choice (single
or multiple), text entry (short text or number), match, order. Images are resolved inside the
package. See docs/question-banks.md.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..files import DEFAULT_PREFIX, FileCollector
from ..limits import MAX_QUESTIONS, too_many_questions, within_limits
from ..model import BankImport, IdMaker, category_fields, question, tidy_number, too_big
from ..xml_tree import read_xml
from .common import link_images, local, strip_namespaces
from .package import Package, PackageError, is_zip, read_package
from .qti21_types import INTERACTIONS, QtiItem
from .xhtml import Render


@dataclass
class _Context:
    package: Package
    result: BankImport
    ids: IdMaker
    prefix: str
    keep: bool
    sections: dict[str, str]
    render: Render | None = None


def parse_qti21(data: bytes, scoring: str = "source", asset_prefix: str = DEFAULT_PREFIX,
                render: Render | None = None) -> BankImport:
    """Read a QTI 2.1 package or item; every problem names its file and line.

    `render` (the platform's Markdown renderer) lets HTML that simple Markdown renders to come
    back as that Markdown, so an exported quiz reads back unchanged; without it HTML is kept.
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
        package = Package({"item.xml": bytes(data)})
    paths, sections = _listing(package)
    if not paths:
        result.error(1, "no QTI 2.1 item found: a package lists its items in imsmanifest.xml "
                        "(type imsqti_item_xmlv2p1), each with an <assessmentItem> root")
        return result
    if len(paths) > MAX_QUESTIONS:
        result.error(1, too_many_questions(len(paths)))
        return result
    context = _Context(package, result, IdMaker(), asset_prefix, scoring != "platform", sections,
                       render)
    for number, path in enumerate(paths, start=1):
        _read_item(path, number, context)
    return result


def _listing(package: Package) -> tuple[list[str], dict[str, str]]:
    """Return the item files in manifest order, and each one's section title."""
    items: list[str] = []
    tests: list[str] = []
    manifest = package.find("imsmanifest.xml")
    tree = read_xml(manifest) if manifest else None
    if tree is not None and tree.root is not None:
        for resource in tree.root.iter():
            if local(resource.tag) != "resource":
                continue
            kind, href = resource.get("type", ""), resource.get("href", "")
            if kind.startswith("imsqti_item_xmlv2p") and package.find(href) is not None:
                items.append(posixpath.normpath(href))
            elif kind.startswith("imsqti_test_xmlv2p") and package.find(href) is not None:
                tests.append(posixpath.normpath(href))
    if not items:
        items = [p for p, data in package.members.items()
                 if p.endswith(".xml") and b"assessmentItem" in data[:4096]]
    sections: dict[str, str] = {}
    for test in tests:
        tree = read_xml(package.members[test])
        if tree.root is None:
            continue
        strip_namespaces(tree.root)
        for section in tree.root.iter("assessmentSection"):
            for ref in section.iter("assessmentItemRef"):
                target = package.resolve(test, ref.get("href", ""))
                if target:
                    sections.setdefault(target, section.get("title", ""))
    return list(dict.fromkeys(items)), sections


def _read_item(path: str, number: int, context: _Context) -> None:
    report = BankImport(source=path)
    files = FileCollector(report, context.prefix)
    tree = read_xml(context.package.members[path])
    if tree.error or tree.root is None:
        report.error(*(tree.error or (1, "the file is empty")))
        context.result.merge(report)
        return
    root = tree.root
    strip_namespaces(root)
    line = tree.line(root)
    if root.tag != "assessmentItem":
        report.error(line, "a QTI 2.1 item must have <assessmentItem> as its outer element")
        context.result.merge(report)
        return

    def link(text: str) -> str:
        return link_images(text, lambda src: _image(context.package, path, src), files, line,
                           report)

    item = QtiItem(root, line, report, context.keep, link, context.render)
    interactions = item.interactions()
    if len(interactions) != 1:
        report.warn(line, f"the item has {len(interactions)} interactions; only items with "
                          "exactly one are supported; skipped")
        context.result.merge(report)
        return
    reader = INTERACTIONS.get(interactions[0].tag)
    if reader is None:
        report.warn(line, f"QTI interaction '{interactions[0].tag}' is not supported; skipped")
        context.result.merge(report)
        return
    since = report.mark()
    fields = reader(item, interactions[0])
    if fields is not None:
        _add(item, fields, path, number, since, context, report)
    context.result.merge(report)


def _add(item: QtiItem, fields: dict, path: str, number: int, since: int, context: _Context,
         report: BankImport) -> None:
    root, line = item.root, item.line
    identifier, title = root.get("identifier", ""), root.get("title", "").strip()
    section = context.sections.get(path, "")
    built = question(id=context.ids.make(title, number, identifier),
                     name=None if title in ("", identifier) else title,
                     **(category_fields(section) if section else {}),
                     points=_points(item), prompt=item.prompt(), explanation=item.explanation(),
                     **fields)
    if not built.get("prompt"):
        report.error(line, "the question has no text")
    elif within_limits(built, line, report.error):
        report.add(built, line, since)


def _points(item: QtiItem) -> int | float | None:
    for outcome in item.root.iter("outcomeDeclaration"):
        if outcome.get("identifier") == "MAXSCORE":
            raw = outcome.findtext("defaultValue/value") or ""
            try:
                points = tidy_number(float(raw))
            except ValueError:
                return None
            return points if 0 < points < 1e6 and points != 1 else None
    return None


def _image(package: Package, base: str, source: str) -> tuple[str, bytes] | None:
    member = package.resolve(base, source)
    return (member, package.members[member]) if member else None

