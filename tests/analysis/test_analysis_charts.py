"""Charts are well-formed, accessible SVG that never lets authored text become markup."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest
from analysis_fixtures import DICHOTOMOUS_ATTEMPTS, DICHOTOMOUS_QUESTIONS
from hypothesis import given, settings
from hypothesis import strategies as st

from tpcourse.analysis import analyse
from tpcourse.analysis.charts import facility_bars_svg, histogram_svg, hotspot_heatmap_svg
from tpcourse.analysis.hotspot import inside_regions, parse_viewbox

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & \' " ]]> \x00\x1b'
BODY_MAP = (
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="300" '
    'viewBox="0 0 400 300"><script>alert(1)</script><path d="M0 0h10"/></svg>'
)
REGIONS = [
    {"shape": "circle", "cx": 210, "cy": 140, "r": 18},
    {"shape": "polygon", "points": [[10, 10], [40, 10], [40, 30]]},
]


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.find(SVG + "title").text
    assert root.find(SVG + "desc").text
    labelled = root.get("aria-labelledby").split()
    assert {e.get("id") for e in root.iter() if e.get("id")} >= set(labelled)
    assert not any(e.tag.endswith("script") or e.tag.endswith("foreignObject") for e in root.iter())
    return root


def test_histogram():
    bins = analyse(DICHOTOMOUS_ATTEMPTS, DICHOTOMOUS_QUESTIONS).quiz.histogram
    root = parse(histogram_svg(bins, title=HOSTILE))
    assert root.find(SVG + "title").text.startswith('<script>alert("x")</script> & ')
    assert "60–70%: 2" in root.find(SVG + "desc").text
    assert len(root.findall(f".//{SVG}rect")) == len(bins)


def test_histogram_without_attempts():
    bins = analyse([], DICHOTOMOUS_QUESTIONS).quiz.histogram
    assert "No attempts" in parse(histogram_svg(bins)).find(SVG + "desc").text


def test_facility_bars_escape_labels_and_show_missing_data():
    rows = [(HOSTILE, 55.0), ("loc-taut-band", None), ("x" * 80, 120.0)]
    svg = facility_bars_svg(rows, title="Per objective")
    root = parse(svg)
    texts = [t.text for t in root.iter(SVG + "text")]
    assert any(t and t.startswith("<script>") for t in texts)
    assert "no data" in texts
    assert "<script>" not in svg
    widths = [float(r.get("width")) for r in root.iter(SVG + "rect")]
    assert max(widths[1:]) <= max(widths)  # over-100 values are drawn at 100


def test_facility_bars_empty():
    assert "No questions" in parse(facility_bars_svg([])).find(SVG + "desc").text


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.text(), st.one_of(st.none(), st.floats(-50, 150))), max_size=5), st.text()
)
def test_any_text_gives_well_formed_svg(rows, title):
    parse(facility_bars_svg(rows, title=title or "t"))


def test_heatmap_embeds_the_base_image_as_data_not_markup():
    points = [(210, 140), (205, 150), (20, 15), (390, 290)]
    svg = hotspot_heatmap_svg(BODY_MAP, points, REGIONS, title=HOSTILE)
    root = parse(svg)
    assert root.get("viewBox") == "0 0 400 300"
    image = root.find(SVG + "image")
    prefix = "data:image/svg+xml;base64,"
    assert image.get("href").startswith(prefix)
    assert base64.b64decode(image.get("href")[len(prefix) :]).decode() == BODY_MAP
    dots = [c for c in root.iter(SVG + "circle") if c.get("fill") != "none"]
    assert len(dots) == 4
    assert len(root.findall(SVG + "polygon")) == 1
    assert "3 (75%) inside a correct region" in root.find(SVG + "desc").text


def test_heatmap_switches_to_density_for_many_clicks():
    points = [(200 + i % 20, 140 + i % 7) for i in range(1000)] + [(5, 5)]
    root = parse(hotspot_heatmap_svg(BODY_MAP, points, REGIONS, max_dots=100))
    assert not [c for c in root.iter(SVG + "circle") if c.get("fill") != "none"]
    cells = root.findall(SVG + "rect")
    assert cells and all(0 < float(c.get("fill-opacity")) <= 0.85 for c in cells)
    assert "1001 clicks" in root.find(SVG + "desc").text


def test_heatmap_skips_non_finite_points():
    root = parse(hotspot_heatmap_svg(BODY_MAP, [(float("nan"), 1), (1, 2)], []))
    assert "1 clicks" in root.find(SVG + "desc").text


@pytest.mark.parametrize(
    ("svg", "box"),
    [
        ('<svg viewBox="0,0 , 10 20">', (0, 0, 10, 20)),
        ("<svg xmlns='x' viewBox='-5 -5 1e2 50'>", (-5, -5, 100, 50)),
        ('<svg width="120px" height="80">', (0, 0, 120, 80)),
        ('<svg viewBox="0 0 0 10" width="30" height="40">', (0, 0, 30, 40)),
    ],
)
def test_parse_viewbox(svg, box):
    assert parse_viewbox(svg) == box


@pytest.mark.parametrize(
    "svg",
    [
        "not svg at all",
        '<svg viewBox="0 0 1e999 10">',
        '<svg viewBox="0 0 10">',
        '<svg viewBox="0 0 10 10&quot; onload=&quot;x" >',
        '<svg width="100%" height="100%">',
    ],
)
def test_parse_viewbox_refuses_what_it_cannot_use(svg):
    with pytest.raises(ValueError, match="viewBox"):
        parse_viewbox(svg)


def test_bad_regions_are_refused():
    with pytest.raises(ValueError, match="shape"):
        hotspot_heatmap_svg(BODY_MAP, [], [{"shape": "star"}])
    with pytest.raises(ValueError, match="three"):
        inside_regions([(0, 0)], [{"shape": "polygon", "points": [[0, 0], [1, 1]]}])
    with pytest.raises(ValueError, match="finite"):
        inside_regions([(0, 0)], [{"shape": "circle", "cx": "nan", "cy": 0, "r": 1}])


def test_inside_regions():
    hits = inside_regions([(210, 140), (228, 140), (229, 140), (35, 12), (12, 28)], REGIONS)
    assert hits.tolist() == [True, True, False, True, False]
