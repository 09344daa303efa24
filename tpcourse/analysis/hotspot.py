"""Hotspot clicks: gather them, read an image's viewBox, test them against answer regions.

Regions are as in quiz files: {shape: circle, cx, cy, r} or {shape: polygon, points: [[x, y], ...]}.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from tpcourse.analysis.responses import AttemptResponses

Point = tuple[float, float]
ViewBox = tuple[float, float, float, float]

_SVG_TAG = re.compile(r"<svg\b([^>]*)>", re.IGNORECASE)
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_SEP = r"(?:\s*,\s*|\s+)"


def hotspot_points(attempts: Iterable[AttemptResponses], question_id: str) -> list[Point]:
    """Return every recorded click on the given hotspot question."""
    return [
        item.point
        for attempt in attempts
        for item in attempt.items
        if item.question_id == question_id and item.point is not None
    ]


def parse_viewbox(svg: str) -> ViewBox:
    """Read (min_x, min_y, width, height) from the root <svg> tag, or from width and height.

    Only four numbers are taken from the text; nothing else in it is interpreted.
    """
    tag = _SVG_TAG.search(svg)
    attrs = tag.group(1) if tag else ""
    box = _attribute(attrs, "viewBox")
    parts = re.fullmatch(rf"\s*{_SEP.join([f'({_NUMBER})'] * 4)}\s*", box or "")
    if parts:
        numbers = [float(n) for n in parts.groups()]
        if _usable(numbers):
            return numbers[0], numbers[1], numbers[2], numbers[3]
    width, height = _attribute(attrs, "width"), _attribute(attrs, "height")
    sizes = [re.fullmatch(rf"\s*({_NUMBER})\s*(?:px)?\s*", s or "") for s in (width, height)]
    if all(sizes):
        w, h = (float(m.group(1)) for m in sizes)
        if _usable([0.0, 0.0, w, h]):
            return 0.0, 0.0, w, h
    raise ValueError("The image has no usable viewBox; give its <svg> a viewBox attribute.")


def _attribute(attrs: str, name: str) -> str | None:
    found = re.search(rf"(?:^|\s){name}\s*=\s*(\"[^\"]*\"|'[^']*')", attrs)
    return found.group(1)[1:-1] if found else None


def _usable(box: Sequence[float]) -> bool:
    return all(math.isfinite(v) for v in box) and box[2] > 0 and box[3] > 0


def region_shape(region: Mapping[str, Any]) -> tuple[str, tuple[float, ...]]:
    """Return ("circle", (cx, cy, r)) or ("polygon", (x1, y1, x2, y2, ...)) with checked numbers."""
    shape = region.get("shape")
    if shape == "circle":
        numbers = tuple(float(region[key]) for key in ("cx", "cy", "r"))
    elif shape == "polygon":
        numbers = tuple(float(v) for point in region["points"] for v in point)
        if len(numbers) < 6 or len(numbers) % 2:
            raise ValueError("A polygon region needs at least three [x, y] points.")
    else:
        raise ValueError(f"Unknown region shape {shape!r}; use circle or polygon.")
    if not all(math.isfinite(v) for v in numbers):
        raise ValueError("Region coordinates must be finite numbers.")
    return shape, numbers


def inside_regions(points: Sequence[Point], regions: Sequence[Mapping[str, Any]]) -> np.ndarray:
    """Return, for each point, whether it falls in any region (what scores a hotspot)."""
    xy = np.asarray(points, dtype=float).reshape(-1, 2)
    x, y = xy[:, 0], xy[:, 1]
    hit = np.zeros(len(xy), dtype=bool)
    for region in regions:
        shape, numbers = region_shape(region)
        if shape == "circle":
            cx, cy, r = numbers
            hit |= (x - cx) ** 2 + (y - cy) ** 2 <= r * r
        else:
            hit |= _in_polygon(x, y, np.array(numbers).reshape(-1, 2))
    return hit


def _in_polygon(x: np.ndarray, y: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Even-odd ray casting, vectorised over the points."""
    inside = np.zeros(x.shape, dtype=bool)
    x2, y2 = vertices[-1]
    for x1, y1 in vertices:
        crosses = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            edge_x = (x2 - x1) * (y - y1) / (y2 - y1) + x1
        inside ^= crosses & (x < edge_x)
        x2, y2 = x1, y1
    return inside
