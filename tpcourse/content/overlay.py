"""Draw a hotspot question's regions over its drawing, for a reviewer.

`flask content regions` writes one such SVG per hotspot question; the studio's question editor
shows the same marks (`region_marks`) over the image. Pure: no Flask.
"""

from __future__ import annotations

import base64
import textwrap
from html import escape
from pathlib import Path
from typing import Any

from ..grading.types.hotspot import inner_point
from .bodymap import Drawing, load_drawing, region_findings
from .drawings import clean_drawing

HEADER = 78
FOOTER_LINE = 16
REGION_STYLE = "fill:#1f6feb;fill-opacity:.30;stroke:#0b3d91;stroke-width:2"
ZONE_STYLE = ("fill:#d1242f;fill-opacity:.12;stroke:#d1242f;stroke-width:1.5;"
              "stroke-dasharray:5 3")


def region_marks(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return one mark per region: the SVG element, its attributes and a numbered label."""
    marks = []
    for index, region in enumerate(regions, start=1):
        if region["shape"] == "circle":
            element, attrs = "circle", {"cx": region["cx"], "cy": region["cy"], "r": region["r"]}
        elif region["shape"] == "rect":
            element, attrs = "rect", {k: region[k] for k in ("x", "y", "width", "height")}
        else:
            element = "polygon"
            attrs = {"points": " ".join(f"{x:g},{y:g}" for x, y in region["points"])}
        label = inner_point(region) or [0, 0]
        marks.append({"element": element,
                      "attrs": {k: v if isinstance(v, str) else _fmt(v) for k, v in attrs.items()},
                      "label": str(index), "x": _fmt(label[0]), "y": _fmt(label[1])})
    return marks


def overlay_svg(drawing_svg: bytes, drawing: Drawing, question: dict[str, Any], heading: str,
                findings: list[str]) -> str:
    """Return an SVG: heading and prompt, the drawing, zones dashed red, regions numbered."""
    minx, miny, width, height = drawing.viewbox
    red, green = "#d1242f", "#1a7f37"
    notes = [(line, red) for finding in findings
             for line in textwrap.wrap(f"! {finding}", 70)] or [("No finding.", green)]
    prompt = textwrap.wrap(" ".join(question.get("prompt", "").split()), 70)[:3]
    shapes = []
    for zone in drawing.zones:
        for mark in region_marks(zone.regions):
            shapes.append(_element(mark, ZONE_STYLE))
    if drawing.zones:
        names = dict.fromkeys(z.name.replace(" (left)", "").replace(" (right)", "")
                              for z in drawing.zones)
        notes += [(line, red) for line in textwrap.wrap(
            "Dashed red, endangerment zones: " + "; ".join(names), 70)]
    for mark in region_marks(question["regions"]):
        shapes.append(_element(mark, REGION_STYLE))
        shapes.append(f'<text x="{mark["x"]}" y="{mark["y"]}" font-size="14" font-weight="bold" '
                      f'fill="#0b3d91" text-anchor="middle" dominant-baseline="middle">'
                      f'{mark["label"]}</text>')
    footer = FOOTER_LINE * (len(notes) + 1)
    image = base64.b64encode(drawing_svg).decode("ascii")
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(width)}" '
        f'height="{_fmt(height + HEADER + footer)}" viewBox="0 0 {_fmt(width)} '
        f'{_fmt(height + HEADER + footer)}" font-family="sans-serif">',
        '<rect width="100%" height="100%" fill="#fff"/>',
        f'<text x="6" y="18" font-size="13" font-weight="bold">{escape(heading)}</text>',
        *(f'<text x="6" y="{36 + 14 * i}" font-size="11">{escape(line)}</text>'
          for i, line in enumerate(prompt)),
        f'<svg x="0" y="{HEADER}" width="{_fmt(width)}" height="{_fmt(height)}" '
        f'viewBox="{_fmt(minx)} {_fmt(miny)} {_fmt(width)} {_fmt(height)}">',
        f'<image href="data:image/svg+xml;base64,{image}" x="{_fmt(minx)}" y="{_fmt(miny)}" '
        f'width="{_fmt(width)}" height="{_fmt(height)}"/>',
        *shapes,
        "</svg>",
        *(f'<text x="6" y="{_fmt(height + HEADER + FOOTER_LINE * (i + 1))}" font-size="11" '
          f'fill="{colour}">{escape(note)}</text>' for i, (note, colour) in enumerate(notes)),
        "</svg>",
    ]
    return "\n".join(lines) + "\n"


def _element(mark: dict[str, Any], style: str) -> str:
    attrs = " ".join(f'{name}="{value}"' for name, value in mark["attrs"].items())
    return f'<{mark["element"]} {attrs} style="{style}"/>'


def _fmt(value: float) -> str:
    return f"{float(value):g}"


def write_overlays(quizzes: dict[str, Any], assets: Path, folder: Path,
                   only: str | None = None) -> list[Path]:
    """Write one overlay SVG per hotspot question (of quiz `only`, or of all), plus an index.

    `quizzes` maps slug to QuizSpec. Returns the files written, index.html last.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written, drawings = [], {}
    for slug, quiz in sorted(quizzes.items()):
        if only and slug != only:
            continue
        for question in quiz.data["questions"]:
            if question["type"] != "hotspot":
                continue
            name = question["image"]
            if name not in drawings:
                path = assets / name
                drawing = load_drawing(path) if path.is_file() else None
                drawings[name] = (drawing, clean_drawing(path.read_text(encoding="utf-8"))
                                  if drawing else b"")
            drawing, picture = drawings[name]
            if drawing is None:
                continue
            findings = [message for _, message in region_findings(question, drawing)]
            target = folder / f"{slug}--{question['id']}.svg"
            target.write_text(overlay_svg(picture, drawing, question,
                                          f"{slug} / {question['id']}", findings),
                              encoding="utf-8")
            written.append(target)
    index = folder / "index.html"
    items = "\n".join(f'<figure><img src="{escape(p.name)}" alt="{escape(p.stem)}">'
                      f"<figcaption>{escape(p.stem)}</figcaption></figure>" for p in written)
    index.write_text("<!doctype html><meta charset=utf-8><title>Body-map regions</title>"
                     "<style>figure{display:inline-block;margin:8px;vertical-align:top}"
                     "img{width:400px;border:1px solid #ccc}</style>\n"
                     f"<h1>Body-map regions ({len(written)} questions)</h1>\n{items}\n",
                     encoding="utf-8")
    return [*written, index]
