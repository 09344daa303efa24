"""Hotspot (body-map) questions: a point on an image graded against regions."""

from __future__ import annotations

import math
from fractions import Fraction

from ...i18n_markers import N_, Sentence
from .base import NOTHING, FormData, QuestionType, all_or_nothing, first, register

_SHAPES = {
    "circle": {"cx", "cy", "r"},
    "rect": {"x", "y", "width", "height"},
    "polygon": {"points"},
}


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _region_points(region: dict) -> list[tuple[float, float]]:
    """Return the corner/extreme points of a region, to check it lies inside the image."""
    if region["shape"] == "circle":
        cx, cy, r = region["cx"], region["cy"], region["r"]
        return [(cx - r, cy - r), (cx + r, cy + r)]
    if region["shape"] == "rect":
        x, y = region["x"], region["y"]
        return [(x, y), (x + region["width"], y + region["height"])]
    return [tuple(p) for p in region["points"]]


def _validate_region(region, line: int, report) -> dict | None:
    if not isinstance(region, dict) or region.get("shape") not in _SHAPES:
        report(line, "each region needs 'shape': circle, rect or polygon")
        return None
    shape = region["shape"]
    wanted = _SHAPES[shape]
    for key in sorted(set(region) - wanted - {"shape"}):
        report(line, f"unknown key '{key}' in a {shape} region (allowed: {', '.join(sorted(wanted))})")
    for key in sorted(wanted - set(region)):
        report(line, f"{shape} region is missing '{key}'")
    if shape == "polygon":
        points = region.get("points")
        if not isinstance(points, list) or len(points) < 3 or not all(
            isinstance(p, list) and len(p) == 2 and all(_number(c) for c in p) for p in points
        ):
            report(line, "polygon 'points' must list at least three [x, y] pairs")
            return None
        return {"shape": shape, "points": [[float(x), float(y)] for x, y in points]}
    if not all(_number(region.get(k)) for k in wanted):
        if wanted <= set(region):
            report(line, f"{shape} region values must be numbers")
        return None
    if any(region[k] <= 0 for k in ("r", "width", "height") if k in wanted):
        report(line, f"{shape} region must have a positive size")
        return None
    return {"shape": shape, **{k: float(region[k]) for k in sorted(wanted)}}


validate_region = _validate_region
"""Check one region mapping (also used for the endangerment zones beside a drawing)."""


def point_in_region(x: float, y: float, region: dict) -> bool:
    """Whether (x, y) lies in a circle, rect or polygon region (edges count as inside)."""
    if region["shape"] == "circle":
        return (x - region["cx"]) ** 2 + (y - region["cy"]) ** 2 <= region["r"] ** 2
    if region["shape"] == "rect":
        return (region["x"] <= x <= region["x"] + region["width"]
                and region["y"] <= y <= region["y"] + region["height"])
    inside, points = False, region["points"]
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


@register
class Hotspot(QuestionType):
    """Mark a point on an image; correct when it falls in any region."""

    name = "hotspot"
    keys = frozenset({"image", "regions"})
    required = frozenset({"image", "regions"})

    def validate(self, q, line_of, report, ctx):
        image = q.get("image")
        viewbox = None
        if not isinstance(image, str) or not image.strip():
            report(line_of("image"), "'image' must name an SVG file in lessons/assets/")
            image = ""
        else:
            viewbox = ctx.image_viewbox(image)
            if viewbox is None:
                report(line_of("image"),
                       f"image '{image}' not found in lessons/assets/ or has no viewBox")
        raw = q.get("regions")
        regions = []
        if not isinstance(raw, list) or not raw:
            report(line_of("regions"), "'regions' must list at least one region")
            raw = []
        for index, item in enumerate(raw):
            line = raw.line_of(index) if hasattr(raw, "line_of") else line_of("regions")
            region = _validate_region(item, line, report)
            if region is None:
                continue
            if viewbox and not all(_inside(p, viewbox) for p in _region_points(region)):
                report(line, f"region lies outside the image '{image}' (viewBox "
                             f"{' '.join(f'{v:g}' for v in viewbox)})")
            regions.append(region)
        return {"image": image, "regions": regions, "viewbox": list(viewbox or (0, 0, 100, 100))}

    def public(self, q, order):
        return {"image": q["image"], "viewbox": q["viewbox"]}

    def parse_response(self, q, order, field, form: FormData):
        minx, miny, width, height = q["viewbox"]
        clicked_x, clicked_y = first(form, f"{field}-img.x"), first(form, f"{field}-img.y")
        if clicked_x and clicked_y:
            # The no-JS image button is drawn at the viewBox's own width, so 1 px = 1 unit.
            x, y = _float(clicked_x), _float(clicked_y)
            point = (minx + x, miny + y) if x is not None and y is not None else None
        else:
            x, y = _float(first(form, f"{field}-x")), _float(first(form, f"{field}-y"))
            point = (x, y) if x is not None and y is not None else None
        if point is None or not _inside(point, q["viewbox"]):
            return None
        return [round(point[0], 2), round(point[1], 2)]

    def form_values(self, q, order, response):
        return {"point": response}

    def key_response(self, q):
        return inner_point(q["regions"][0]) if q["regions"] else None

    def score(self, q, response) -> Fraction:
        if not response:
            return NOTHING
        x, y = response
        return all_or_nothing(any(point_in_region(x, y, r) for r in q["regions"]))

    def answer_key(self, q):
        return {"regions": q["regions"], "correct": [N_("anywhere in the outlined area")]}

    def describe(self, q, response):
        return [Sentence(N_("marked at (%(x)s, %(y)s)"), {"x": f"{response[0]:g}",
                                                           "y": f"{response[1]:g}"})
                ] if response else []


def inner_point(region: dict) -> list[float] | None:
    """Return a point inside a region (the centre, or a grid search for odd polygons)."""
    if region["shape"] == "circle":
        return [region["cx"], region["cy"]]
    if region["shape"] == "rect":
        return [region["x"] + region["width"] / 2, region["y"] + region["height"] / 2]
    xs, ys = [p[0] for p in region["points"]], [p[1] for p in region["points"]]
    centre = [sum(xs) / len(xs), sum(ys) / len(ys)]
    if point_in_region(*centre, region):
        return centre
    for i in range(1, 40):
        for j in range(1, 40):
            x = min(xs) + (max(xs) - min(xs)) * i / 40
            y = min(ys) + (max(ys) - min(ys)) * j / 40
            if point_in_region(x, y, region):
                return [x, y]
    return None


def _float(raw: str) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _inside(point, viewbox) -> bool:
    minx, miny, width, height = viewbox
    x, y = point
    return minx - 1e-9 <= x <= minx + width + 1e-9 and miny - 1e-9 <= y <= miny + height + 1e-9
