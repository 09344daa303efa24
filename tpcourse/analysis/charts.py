"""Server-rendered SVG charts: no script, no external file, every text escaped.

Each chart is one <svg role="img"> with a <title> and a <desc> that states its data in words,
so a screen reader gets what the picture shows. Its words are marked with `N_` and written
through `say` (the page's gettext; English when none is given).
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

import numpy as np

from tpcourse.analysis.hotspot import Point, inside_regions, parse_viewbox, region_shape
from tpcourse.analysis.results import IDEAL_FACILITY, HistogramBin
from tpcourse.i18n_markers import N_

# Characters XML 1.0 forbids: dropped, or the whole document would not parse.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_WIDTH = 640
_FONT = 'font-family="DejaVu Sans, sans-serif" font-size="12"'
_INK, _MUTED, _BAR, _OFF_BAND = "#222", "#767676", "#2b6cb0", "#b7791f"


def _english(message: str) -> str:
    """The default `say`: the marked sentence as written."""
    return message


def _text(value: object) -> str:
    """Escape any value for use as SVG text or inside a double-quoted attribute."""
    return escape(_NOT_XML.sub("", str(value)), quote=True)


def _num(value: float) -> str:
    return f"{value:.6g}"


def _document(view_box: str, title: str, desc: str, body: list[str]) -> str:
    """Wrap chart elements in an accessible root element."""
    title = _NOT_XML.sub("", title).strip() or "Chart"  # an accessible name is required
    digest = hashlib.sha1((title + desc + view_box).encode("utf-8", "replace")).hexdigest()
    uid = "ia-" + digest[:10]
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" role="img" '
            f'aria-labelledby="{uid}-title {uid}-desc">',
            f'<title id="{uid}-title">{_text(title)}</title>',
            f'<desc id="{uid}-desc">{_text(desc)}</desc>',
            *body,
            "</svg>",
        ]
    )


def histogram_svg(bins: Sequence[HistogramBin], *, title: str = "Score distribution",
                  say: Callable[[str], str] = _english) -> str:
    """Draw attempts per score band as vertical bars."""
    height, left, right, top, bottom = 300, 52, 16, 16, 48
    plot_w, plot_h = _WIDTH - left - right, height - top - bottom
    peak = max((b.count for b in bins), default=0)
    scale = plot_h / peak if peak else 0.0
    slot = plot_w / max(len(bins), 1)
    body = [f'<g {_FONT} fill="{_INK}">', *_axes(left, top, plot_w, plot_h)]
    for i, b in enumerate(bins):
        x, bar_h = left + i * slot, b.count * scale
        label = say(N_("%(lower)s–%(upper)s%%: %(count)s attempts")) % {
            "lower": _num(b.lower), "upper": _num(b.upper), "count": b.count}
        body.append(
            f'<rect x="{_num(x + 2)}" y="{_num(top + plot_h - bar_h)}" '
            f'width="{_num(max(slot - 4, 1))}" height="{_num(bar_h)}" fill="{_BAR}">'
            f"<title>{_text(label)}</title></rect>"
        )
        if b.count:
            body.append(
                f'<text x="{_num(x + slot / 2)}" y="{_num(top + plot_h - bar_h - 4)}" '
                f'text-anchor="middle">{b.count}</text>'
            )
        body.append(
            f'<text x="{_num(x)}" y="{top + plot_h + 16}" text-anchor="middle">'
            f"{_num(b.lower)}</text>"
        )
    if bins:
        body.append(
            f'<text x="{_num(left + plot_w)}" y="{top + plot_h + 16}" '
            f'text-anchor="middle">{_num(bins[-1].upper)}</text>'
        )
    x_axis = say(N_("Score (%(percent)s of points drawn)")) % {"percent": "%"}
    y_axis = say(N_("Attempts"))
    body += [
        f'<text x="{_num(left + plot_w / 2)}" y="{height - 8}" text-anchor="middle">'
        f"{_text(x_axis)}</text>",
        f'<text x="14" y="{_num(top + plot_h / 2)}" text-anchor="middle" '
        f'transform="rotate(-90 14 {_num(top + plot_h / 2)})">{_text(y_axis)}</text>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{peak}</text>',
        "</g>",
    ]
    words = "; ".join(f"{_num(b.lower)}–{_num(b.upper)}%: {b.count}" for b in bins)
    desc = (say(N_("Attempts per score band. %(bands)s.")) % {"bands": words} if peak
            else say(N_("No attempts to show yet.")))
    return _document(f"0 0 {_WIDTH} {height}", title, desc, body)


def _axes(left: float, top: float, width: float, height: float) -> list[str]:
    return [
        f'<path d="M{left} {top}V{_num(top + height)}H{_num(left + width)}" '
        f'fill="none" stroke="{_INK}"/>'
    ]


def facility_bars_svg(
    rows: Sequence[tuple[str, float | None]], *, title: str = "Facility by question",
    say: Callable[[str], str] = _english,
) -> str:
    """Draw one horizontal 0–100% bar per (label, facility) row; the 30–70% band is shaded."""
    labels = [_shorten(label) for label, _ in rows]
    label_w = 16 + 7 * max((len(label) for label in labels), default=4)
    row_h, top, right = 24, 28, 52
    height = top + row_h * max(len(rows), 1) + 12
    plot_w = max(_WIDTH - label_w - right, 120)
    width = label_w + plot_w + right
    low, high = IDEAL_FACILITY
    band_x = label_w + plot_w * low / 100
    body = [
        f'<g {_FONT} fill="{_INK}">',
        f'<rect x="{_num(band_x)}" y="{top - 4}" width="{_num(plot_w * (high - low) / 100)}" '
        f'height="{_num(height - top - 4)}" fill="#e6f4ea"/>',
    ]
    for tick in (0, low, high, 100):
        x = label_w + plot_w * tick / 100
        body.append(
            f'<line x1="{_num(x)}" y1="{top - 4}" x2="{_num(x)}" y2="{height - 8}" '
            f'stroke="{_MUTED}" stroke-dasharray="2 3"/>'
        )
        body.append(f'<text x="{_num(x)}" y="{top - 10}" text-anchor="middle">{_num(tick)}%</text>')
    for i, ((_, value), label) in enumerate(zip(rows, labels, strict=True)):
        y = top + i * row_h
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_text(label)}</text>')
        if value is None or not math.isfinite(value):
            body.append(f'<text x="{label_w + 4}" y="{y + 15}" fill="{_MUTED}">'
                        f'{_text(say(N_("no data")))}</text>')
            continue
        share = min(max(value, 0.0), 100.0)
        colour = _BAR if low <= share <= high else _OFF_BAND
        body.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{_num(plot_w * share / 100)}" '
            f'height="{row_h - 6}" fill="{colour}"/>'
        )
        body.append(
            f'<text x="{_num(label_w + plot_w * share / 100 + 4)}" y="{y + 15}">{value:.0f}%</text>'
        )
    body.append("</g>")
    no_data = say(N_("no data"))
    words = "; ".join(
        f"{label}: {no_data if value is None else f'{value:.0f}%'}" for label, value in rows
    )
    desc = (
        say(N_("Facility (mean score as a percent of the maximum); 30–70%% is shaded as the "
               "band that separates trainees best. %(rows)s.")) % {"rows": words}
        if rows
        else say(N_("No questions to show yet."))
    )
    return _document(f"0 0 {_num(width)} {_num(height)}", title, desc, body)


def _shorten(label: str, limit: int = 32) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def hotspot_heatmap_svg(
    base_svg: str,
    points: Sequence[Point],
    regions: Sequence[Mapping[str, Any]],
    *,
    title: str = "Where trainees clicked",
    max_dots: int = 400,
    say: Callable[[str], str] = _english,
) -> str:
    """Overlay trainees' clicks on a body-map image, with the correct regions outlined.

    The image is embedded as an <image> data URI, so its markup is never inlined; only its
    viewBox is read. Up to max_dots clicks are drawn as dots, more as a density grid.
    """
    min_x, min_y, w, h = parse_viewbox(base_svg)
    size = max(w, h)
    clicks = np.array([p for p in points if all(map(math.isfinite, p))], dtype=float)
    clicks = clicks.reshape(-1, 2)
    image = base64.b64encode(base_svg.encode("utf-8", "replace")).decode("ascii")
    body = [
        f'<image href="data:image/svg+xml;base64,{image}" x="{_num(min_x)}" '
        f'y="{_num(min_y)}" width="{_num(w)}" height="{_num(h)}"/>'
    ]
    if len(clicks) <= max_dots:
        body += [
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(size * 0.012)}" '
            f'fill="#d62728" fill-opacity="0.35"/>'
            for x, y in clicks
        ]
    else:
        body += _density(clicks, (min_x, min_y, w, h))
    body += _outlines(regions, size * 0.004)
    hits = int(inside_regions(clicks, regions).sum()) if len(clicks) else 0
    share = f" ({100 * hits / len(clicks):.0f}%)" if len(clicks) else ""
    desc = say(N_("%(clicks)s clicks on the image; %(hits)s%(share)s inside a correct region. "
                  "%(regions)s correct regions are outlined with dashes.")) % {
        "clicks": len(clicks), "hits": hits, "share": share, "regions": len(regions)}
    return _document(" ".join(_num(v) for v in (min_x, min_y, w, h)), title, desc, body)


def _density(clicks: np.ndarray, box: tuple[float, float, float, float]) -> list[str]:
    """Shade a grid of cells by how many clicks fell in each."""
    min_x, min_y, w, h = box
    cell = max(w, h) / 40
    cols, rows = max(math.ceil(w / cell), 1), max(math.ceil(h / cell), 1)
    extent = ((min_x, min_x + cols * cell), (min_y, min_y + rows * cell))
    counts, _, _ = np.histogram2d(clicks[:, 0], clicks[:, 1], bins=(cols, rows), range=extent)
    opacity = 0.15 + 0.7 * counts / (counts.max() or 1.0)
    return [
        f'<rect x="{_num(min_x + i * cell)}" y="{_num(min_y + j * cell)}" width="{_num(cell)}" '
        f'height="{_num(cell)}" fill="#d62728" fill-opacity="{opacity[i, j]:.2f}"/>'
        for i, j in zip(*np.nonzero(counts), strict=True)
    ]


def _outlines(regions: Sequence[Mapping[str, Any]], stroke: float) -> list[str]:
    style = (
        f'fill="none" stroke="#1a7f37" stroke-width="{_num(stroke)}" '
        f'stroke-dasharray="{_num(stroke * 3)} {_num(stroke * 2)}"'
    )
    shapes = []
    for region in regions:
        shape, numbers = region_shape(region)
        if shape == "circle":
            cx, cy, r = numbers
            shapes.append(f'<circle cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}" {style}/>')
        else:
            pairs = " ".join(
                f"{_num(x)},{_num(y)}" for x, y in zip(numbers[::2], numbers[1::2], strict=True)
            )
            shapes.append(f'<polygon points="{pairs}" {style}/>')
    return shapes
