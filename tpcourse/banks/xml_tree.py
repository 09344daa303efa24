"""Safe XML reading with line numbers, for the Moodle XML converter."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser


class _LineBuilder(ET.TreeBuilder):
    """A tree builder that remembers the line each element starts on."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.expat = None

    def start(self, tag, attrs):  # type: ignore[override]
        element = super().start(tag, attrs)
        self.lines[id(element)] = getattr(self.expat, "CurrentLineNumber", 0)
        return element


@dataclass
class XmlTree:
    """A parsed document, or the reason it could not be read."""

    root: ET.Element | None = None
    lines: dict[int, int] = field(default_factory=dict)
    error: tuple[int, str] | None = None

    def line(self, element: ET.Element) -> int:
        """Return the line an element starts on (1 when unknown)."""
        return self.lines.get(id(element)) or 1


def read_xml(data: bytes) -> XmlTree:
    """Parse XML, refusing DTDs and entities (billion laughs, external files) with a reason."""
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True,
                              forbid_external=True)
    builder.expat = getattr(parser, "parser", None)
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as problem:
        line = problem.position[0] if getattr(problem, "position", None) else 1
        reason = str(problem).split(":")[0]
        return XmlTree(error=(line, f"the file is not well-formed XML ({reason})"))
    except DTDForbidden:
        return XmlTree(error=(_line(builder), "the file has a <!DOCTYPE …> declaration, which "
                                              "is refused for safety; Moodle XML never needs "
                                              "one — remove it and import again"))
    except (EntitiesForbidden, ExternalReferenceForbidden):
        return XmlTree(error=(_line(builder), "the file declares or references XML entities, "
                                              "which are refused for safety; remove them"))
    except (ValueError, LookupError, RecursionError) as problem:
        return XmlTree(error=(_line(builder), f"the file could not be read as XML ({problem})"))
    return XmlTree(root=root, lines=builder.lines)


def _line(builder: _LineBuilder) -> int:
    return getattr(builder.expat, "CurrentLineNumber", 0) or 1
