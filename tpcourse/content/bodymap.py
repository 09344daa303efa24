"""Body-map geometry: the drawn body, endangerment zones, and checks of hotspot regions.

A drawing's body is the union of its shapes with class `skin`, `hair` or `body` (paths,
polygons, rects, circles and ellipses, without transforms). Endangerment zones are declared
beside the drawing in `<drawing>.zones.yaml` (never served).
Regions and the body are rasterised onto a grid (Pillow), exact enough to say "a fifth of
this region is off the body". Pure: no Flask.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from defusedxml.ElementTree import fromstring
from PIL import Image, ImageDraw

from ..grading.types.hotspot import validate_region
from .yamlsrc import LineDict, LineList, YamlSyntaxError, load_yaml

BODY_CLASSES = frozenset({"skin", "hair", "body"})
GRID = 400
"""Mask pixels across the longer side of the viewBox."""
MOST_OFF_BODY = 0.10
"""A region may have at most this share of its area outside the drawn body."""
MOST_OF_BODY = 0.15
"""Regions (all of a question's together) covering more of the drawn body than this are too
large for a local pattern: a whole limb, or a whole back."""
MOST_SHARED = 0.80
"""Two questions' regions sharing more than this (of the smaller) are one region in effect."""

Point = tuple[float, float]
Polygon = list[Point]
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_COMMAND = re.compile(r"[MmLlHhVvCcSsQqTtAaZz]")


@dataclass
class Zone:
    """An endangerment zone of a drawing: deep pressure there is never the right answer."""

    name: str
    regions: list[dict[str, Any]]
    line: int = 1


@dataclass
class Drawing:
    """What the checks need of one drawing: its viewBox, body mask and zones."""

    name: str
    viewbox: tuple[float, float, float, float]
    body: list[Polygon]
    zones: list[Zone] = field(default_factory=list)
    _body_mask: np.ndarray | None = None

    @property
    def scale(self) -> float:
        """Mask pixels per viewBox unit."""
        return GRID / max(self.viewbox[2], self.viewbox[3])

    def mask(self, draw_shapes: Callable[[ImageDraw.ImageDraw, Callable], None]) -> np.ndarray:
        """Rasterise shapes onto a boolean grid over the viewBox."""
        minx, miny, width, height = self.viewbox
        scale = self.scale
        image = Image.new("1", (max(1, round(width * scale)), max(1, round(height * scale))))
        to_grid = lambda x, y: ((x - minx) * scale, (y - miny) * scale)  # noqa: E731
        draw_shapes(ImageDraw.Draw(image), to_grid)
        return np.asarray(image, dtype=bool)

    @property
    def body_mask(self) -> np.ndarray:
        """Where the drawn body is."""
        if self._body_mask is None:
            def shapes(draw, to_grid):
                for polygon in self.body:
                    draw.polygon([to_grid(x, y) for x, y in polygon], fill=1)
            self._body_mask = self.mask(shapes)
        return self._body_mask

    def regions_mask(self, regions: Sequence[dict[str, Any]]) -> np.ndarray:
        """Where any of the regions is."""
        def shapes(draw, to_grid):
            for region in regions:
                draw_region(draw, region, to_grid)
        return self.mask(shapes)


def draw_region(draw: ImageDraw.ImageDraw, region: dict[str, Any], to_grid) -> None:
    """Fill one hotspot region on a Pillow drawing, through a viewBox-to-pixel mapping."""
    if region["shape"] == "circle":
        (left, top), (right, bottom) = (to_grid(region["cx"] - region["r"],
                                                region["cy"] - region["r"]),
                                        to_grid(region["cx"] + region["r"],
                                                region["cy"] + region["r"]))
        draw.ellipse([left, top, right, bottom], fill=1)
    elif region["shape"] == "rect":
        (left, top), (right, bottom) = (to_grid(region["x"], region["y"]),
                                        to_grid(region["x"] + region["width"],
                                                region["y"] + region["height"]))
        draw.rectangle([left, top, right, bottom], fill=1)
    else:
        draw.polygon([to_grid(x, y) for x, y in region["points"]], fill=1)


def load_drawing(path: Path, report_zone: Callable[[int, str], None] | None = None
                 ) -> Drawing | None:
    """Read a drawing's viewBox, body shapes and endangerment zones; None when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
        root = fromstring(text.encode("utf-8"))
    except Exception:  # noqa: BLE001 - unreadable drawings are reported by the viewBox check
        return None
    values = _NUMBER.findall(root.attrib.get("viewBox", ""))
    if len(values) != 4:
        return None
    body = []
    for element in root.iter():
        if BODY_CLASSES & set((element.attrib.get("class") or "").split()):
            body += element_polygons(element)
    zones_file = path.with_name(path.stem + ".zones.yaml")
    zones = read_zones(zones_file, report_zone or (lambda line, message: None)) \
        if zones_file.is_file() else []
    return Drawing(path.name, tuple(float(v) for v in values), body, zones)


def read_zones(path: Path, report: Callable[[int, str], None]) -> list[Zone]:
    """Read `<drawing>.zones.yaml`: `zones: [{name, regions: [...]}]` in viewBox units."""
    try:
        doc = load_yaml(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        report(exc.line, exc.message)
        return []
    raw = doc.get("zones") if isinstance(doc, LineDict) else None
    if not isinstance(raw, LineList):
        report(1, "a zones file must map 'zones' to a list of {name, regions}")
        return []
    zones = []
    for index, item in enumerate(raw):
        line = raw.line_of(index)
        if not isinstance(item, LineDict) or not isinstance(item.get("name"), str) or \
                not isinstance(item.get("regions"), list):
            report(line, "each zone needs a 'name' and 'regions'")
            continue
        regions = [r for r in (validate_region(r, line, report) for r in item["regions"]) if r]
        zones.append(Zone(item["name"], regions, line))
    return zones


def region_findings(question: dict[str, Any], drawing: Drawing) -> list[tuple[bool, str]]:
    """Return (is_error, message) for a hotspot question's regions on its drawing.

    Errors: a question tagged `palpation` whose region reaches an endangerment zone.
    Warnings: a region largely off the drawn body, or regions covering much of it.
    """
    findings = []
    body = drawing.body_mask
    body_size = int(body.sum()) or 1
    for index, region in enumerate(question["regions"], start=1):
        area = drawing.regions_mask([region])
        size = int(area.sum())
        if not size:
            continue
        on_body = int((area & body).sum())
        off = 1 - on_body / size
        if off > MOST_OFF_BODY and drawing.body:
            findings.append((False, f"region {index} lies {off:.0%} outside the drawn body"))
        if "palpation" in question.get("tags", []):
            for zone in drawing.zones:
                if (area & drawing.regions_mask(zone.regions)).any():
                    findings.append((True, f"region {index} reaches the endangerment zone "
                                           f"'{zone.name}' of {drawing.name}: a palpation "
                                           "target must stay clear of it"))
    covered = int((drawing.regions_mask(question["regions"]) & body).sum()) / body_size
    if covered > MOST_OF_BODY and drawing.body:
        findings.append((False, f"its regions cover {covered:.0%} of the drawn body: too large "
                                "for a local pattern (a whole limb or back)"))
    return findings


def shared_regions(first: dict[str, Any], second: dict[str, Any], drawing: Drawing) -> float:
    """Return the share of the smaller question's area that the other's regions also cover."""
    a, b = drawing.regions_mask(first["regions"]), drawing.regions_mask(second["regions"])
    smaller = min(int(a.sum()), int(b.sum()))
    return int((a & b).sum()) / smaller if smaller else 0.0


def element_polygons(element) -> list[Polygon]:
    """Flatten one SVG shape element into polygons (curves become short straight segments)."""
    tag = element.tag.rsplit("}", 1)[-1]
    attrs = element.attrib
    number = lambda name: float(attrs.get(name, 0) or 0)  # noqa: E731
    if tag == "path":
        return [p for p in flatten_path(attrs.get("d", "")) if len(p) >= 3]
    if tag in ("polygon", "polyline"):
        values = [float(v) for v in _NUMBER.findall(attrs.get("points", ""))]
        return [list(zip(values[0::2], values[1::2], strict=False))]
    if tag == "rect":
        x, y, w, h = number("x"), number("y"), number("width"), number("height")
        return [[(x, y), (x + w, y), (x + w, y + h), (x, y + h)]]
    if tag in ("circle", "ellipse"):
        cx, cy = number("cx"), number("cy")
        rx = number("r") if tag == "circle" else number("rx")
        ry = number("r") if tag == "circle" else number("ry")
        return [[(cx + rx * math.cos(t * math.pi / 16), cy + ry * math.sin(t * math.pi / 16))
                 for t in range(32)]]
    return []


def flatten_path(d: str) -> list[Polygon]:
    """Turn SVG path data into one polygon per subpath (arcs become straight lines)."""
    subpaths: list[Polygon] = []
    current: Polygon = []
    x = y = start_x = start_y = 0.0
    last_control: Point | None = None
    for command, args in _commands(d):
        relative = command.islower()
        kind = command.upper()
        if kind == "Z":
            x, y = start_x, start_y
            if current:
                subpaths.append(current)
            current, last_control = [], None
            continue
        for chunk in _chunks(args, {"M": 2, "L": 2, "H": 1, "V": 1, "C": 6, "S": 4, "Q": 4,
                                    "T": 2, "A": 7}[kind]):
            ox, oy = (x, y) if relative else (0.0, 0.0)
            if kind == "M":
                if current:
                    subpaths.append(current)
                x, y = ox + chunk[0], oy + chunk[1]
                start_x, start_y, current = x, y, [(x, y)]
                kind = "L"  # further pairs after a move are lines
                continue
            if kind == "H":
                x = (x if relative else 0.0) + chunk[0]
                current.append((x, y))
            elif kind == "V":
                y = (y if relative else 0.0) + chunk[0]
                current.append((x, y))
            elif kind in ("L", "T", "A"):
                x, y = ox + chunk[-2], oy + chunk[-1]
                current.append((x, y))
            else:
                points = [(ox + chunk[i], oy + chunk[i + 1]) for i in range(0, len(chunk), 2)]
                if kind in ("S",):
                    mirror = (2 * x - last_control[0], 2 * y - last_control[1]) \
                        if last_control else (x, y)
                    points = [mirror, *points]
                current += list(_bezier((x, y), points))
                last_control = points[-2]
                x, y = points[-1]
    if current:
        subpaths.append(current)
    return subpaths


def _commands(d: str) -> Iterator[tuple[str, list[float]]]:
    tokens = re.findall(r"[MmLlHhVvCcSsQqTtAaZz]|" + _NUMBER.pattern, d)
    command, args = None, []
    for token in tokens:
        if _COMMAND.fullmatch(token):
            if command:
                yield command, args
            command, args = token, []
        else:
            args.append(float(token))
    if command:
        yield command, args


def _chunks(args: list[float], size: int) -> Iterator[list[float]]:
    for i in range(0, len(args) - size + 1, size):
        yield args[i:i + size]


def _bezier(start: Point, controls: Sequence[Point], steps: int = 12) -> Iterator[Point]:
    points = [start, *controls]
    for step in range(1, steps + 1):
        t = step / steps
        layer = points
        while len(layer) > 1:
            layer = [((1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1])
                     for a, b in zip(layer, layer[1:], strict=False)]
        yield layer[0]


def region_checker(assets: Path) -> Callable[[dict[str, Any]], list[str]]:
    """Return a function giving the errors of a hotspot question's regions on its drawing
    (drawings read once), for `ValidationContext.region_errors`."""
    drawings: dict[str, Drawing | None] = {}

    def errors(question: dict[str, Any]) -> list[str]:
        name = question.get("image") or ""
        if "/" in name or "\\" in name or name.startswith(".") or not name:
            return []
        if name not in drawings:
            path = assets / name
            drawings[name] = load_drawing(path) if path.is_file() else None
        drawing = drawings[name]
        return [m for is_error, m in region_findings(question, drawing) if is_error] \
            if drawing else []

    return errors
