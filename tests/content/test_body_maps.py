"""Body maps: regions checked against the drawn body and its endangerment zones, drawn over
the picture for a reviewer, and drawings that do not name what a question asks for."""

from __future__ import annotations

import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tpcourse.content.bodymap import flatten_path, load_drawing, region_findings
from tpcourse.content.drawings import ANATOMY, anatomy_labels, clean_drawing
from tpcourse.content.loader import load_content

ROOT = Path(__file__).resolve().parents[2]
BEFORE = Path(__file__).parent / "fixtures" / "before-issue-18"
ASSETS = ROOT / "lessons" / "assets"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def before():
    return load_content(BEFORE / "lessons", BEFORE / "quizzes")


@pytest.fixture(scope="module")
def shipped():
    return load_content(ROOT / "lessons", ROOT / "quizzes")


def warnings_about(content, qid):
    return [w.message for w in content.warnings if w.message.startswith(f"'{qid}'")]


# ---------------------------------------------------------------- regions

def test_the_reviewed_regions_are_flagged(before):
    assert any("cover 34% of the drawn body" in m for m in warnings_about(before, "hs-gmin-referral"))
    assert any("too large" in m for m in warnings_about(before, "hs-infraspinatus-referral"))
    assert any("outside the drawn body" in m for m in warnings_about(before, "hs-ql-referral"))
    shared = [w.message for w in before.warnings if "accept nearly the same area" in w.message]
    assert any("'hs-ql-referral' and 'hs-gmed-referral'" in m for m in shared)


def test_the_old_quadratus_lumborum_target_reaches_the_kidney_zone(tmp_path):
    shutil.copytree(BEFORE, tmp_path / "old")
    shutil.copy(ASSETS / "back-hip-leg.zones.yaml", tmp_path / "old/lessons/assets")
    quiz = tmp_path / "old/quizzes/locating-trigger-points.yaml"
    quiz.write_text(quiz.read_text().replace("tags: [back]\n    prompt: Click where you would "
                                             "palpate", "tags: [back, palpation]\n    prompt: "
                                             "Click where you would palpate"))
    content = load_content(tmp_path / "old/lessons", tmp_path / "old/quizzes")
    errors = [p.message for p in content.problems if "endangerment zone" in p.message]
    assert errors and all(m.startswith("'hs-ql-palpate': region") for m in errors)
    assert any("below the 12th rib, over the kidney" in m for m in errors)


def test_shipped_regions_have_no_findings(shipped):
    assert [w for w in shipped.warnings if "region" in w.message] == []
    assert [p for p in shipped.problems if "zone" in p.message] == []


def test_every_palpation_target_keeps_clear_of_every_zone(shipped):
    checked = 0
    for quiz in shipped.quizzes.values():
        for q in quiz.data["questions"]:
            if q["type"] == "hotspot" and "palpation" in q["tags"]:
                drawing = load_drawing(ASSETS / q["image"])
                assert [f for f in region_findings(q, drawing) if f[0]] == [], q["id"]
                checked += 1
    assert checked >= 8


def test_each_hotspot_says_whether_it_is_about_pressing_or_pain(shipped):
    for quiz in shipped.quizzes.values():
        for q in quiz.data["questions"]:
            if q["type"] == "hotspot":
                assert {"palpation", "referral", "endangerment"} & set(q["tags"]), q["id"]


def test_the_final_exam_has_body_map_items(shipped):
    final = shipped.quizzes["trigger-point-final"].data
    assert final["draw"]["bodymap"] >= 1
    assert sum(q["type"] == "hotspot" for q in final["questions"]) >= 4


def test_path_data_is_flattened_into_polygons():
    (square,) = flatten_path("M 0,0 L 10,0 l 0,10 H 0 Z")
    assert square == [(0, 0), (10, 0), (10, 10), (0, 10)]
    (curve,) = flatten_path("M0 0 C 0,10 10,10 10,0 Z")
    assert curve[-1] == (10, 0) and max(y for _, y in curve) == pytest.approx(7.5)


def test_a_region_off_the_drawn_body_is_reported():
    drawing = load_drawing(ASSETS / "neck-shoulder-back.svg")
    outside = {"regions": [{"shape": "circle", "cx": 20, "cy": 20, "r": 15}], "tags": []}
    assert region_findings(outside, drawing) == [(False, "region 1 lies 100% outside the "
                                                         "drawn body")]


# ---------------------------------------------------------------- flask content regions

def test_regions_command_draws_every_hotspot_question(runner, app, tmp_path):
    app.config.update(TPCOURSE_LESSONS_DIR=str(ROOT / "lessons"),
                      TPCOURSE_QUIZZES_DIR=str(ROOT / "quizzes"))
    out = tmp_path / "regions"
    result = runner.invoke(args=["content", "regions", "trigger-point-final", "-o", str(out)])
    assert result.exit_code == 0, result.output
    drawn = sorted(p.name for p in out.glob("*.svg"))
    content = load_content(ROOT / "lessons", ROOT / "quizzes")
    final = content.quizzes["trigger-point-final"].data["questions"]
    hotspots = [q for q in final if q["type"] == "hotspot"]
    assert drawn == sorted(f"trigger-point-final--{q['id']}.svg" for q in hotspots)
    for q in hotspots:
        root = ElementTree.parse(out / f"trigger-point-final--{q['id']}.svg").getroot()
        inner = root.find(f"{SVG}svg")
        assert inner.find(f"{SVG}image").get("href").startswith("data:image/svg+xml;base64,")
        regions = [e for e in inner if "fill:#1f6feb" in (e.get("style") or "")]
        assert len(regions) == len(q["regions"]), q["id"]
        assert q["id"] in "".join(root.itertext())
    assert "5 hotspot questions drawn" in result.output and (out / "index.html").is_file()


def test_regions_command_refuses_an_unknown_quiz(runner, app, tmp_path):
    result = runner.invoke(args=["content", "regions", "nope", "-o", str(tmp_path)])
    assert result.exit_code == 1 and "No quiz 'nope'" in result.output


# ---------------------------------------------------------------- drawings that name anatomy

def test_the_reviewed_drawings_named_their_muscles(before):
    labelled = [w for w in before.warnings if "names anatomy" in w.message]
    assert {Path(w.path).name for w in labelled} == {
        "back-hip-leg.svg", "head-neck-side.svg", "neck-shoulder-back.svg",
        "upper-body-front.svg"}
    assert any("quadratus lumborum" in w.message and w.line > 1 for w in labelled)


def test_shipped_drawings_name_no_anatomy(shipped):
    for path in ASSETS.glob("*.svg"):
        assert anatomy_labels(path.read_text()) == [], path.name
    assert [w for w in shipped.warnings if "names anatomy" in w.message] == []


def test_cleaning_removes_every_label_and_keeps_the_picture():
    old = (BEFORE / "lessons/assets/neck-shoulder-back.svg").read_text()
    assert ANATOMY.search(old)
    cleaned = clean_drawing(old).decode()
    assert not ANATOMY.search(cleaned.replace("muscle", ""))  # the class name is generic
    root = ElementTree.fromstring(cleaned)
    assert root.get("viewBox") == "0 0 400 500"
    assert not [e for e in root.iter() if e.tag in (f"{SVG}title", f"{SVG}desc")]
    assert not [e for e in root.iter() if e.get("id") or e.get("aria-labelledby")]
    assert len(root.findall(f".//{SVG}path")) == len(ElementTree.fromstring(old).findall(
        f".//{SVG}path"))


def test_ids_a_drawing_refers_to_survive_under_neutral_names():
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><!-- infraspinatus -->'
           '<metadata>gluteus</metadata><defs><linearGradient id="infraspinatus-shade"/></defs>'
           '<rect id="upper-trapezius" data-muscle="scm" fill="url(#infraspinatus-shade)" '
           'width="5" height="5"/></svg>')
    cleaned = clean_drawing(svg).decode()
    assert not ANATOMY.search(cleaned)
    assert 'id="d1"' in cleaned and 'fill="url(#d1)"' in cleaned and "data-" not in cleaned


def test_served_drawings_carry_no_labels_and_private_files_are_not_served(client, app, tmp_path):
    assets = tmp_path / "lessons" / "assets"
    shutil.copytree(BEFORE / "lessons/assets", assets)
    shutil.copy(ASSETS / "back-hip-leg.zones.yaml", assets)
    (assets / "broken.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>")
    app.config["TPCOURSE_LESSONS_DIR"] = str(tmp_path / "lessons")
    for name in ("back-hip-leg.svg", "neck-shoulder-back.svg", "head-neck-side.svg",
                 "upper-body-front.svg"):
        response = client.get(f"/assets/{name}")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        body = response.get_data(as_text=True)
        assert not ANATOMY.search(body.replace("muscle", "")), name
        assert "<!--" not in body and "<title" not in body and "<desc" not in body
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert client.get(f"/assets/{name}", headers={
            "If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get("/assets/back-hip-leg.zones.yaml").status_code == 404
    assert client.get("/assets/broken.svg").status_code == 404
    assert client.get("/assets/../course.yaml").status_code == 404


def test_a_drawing_served_after_a_qti_export_is_still_plain_svg():
    """The QTI export names another default XML namespace in ElementTree's global table; a
    drawing cleaned afterwards must still read `<svg ...>`, not `<ns0:svg ...>`."""
    from tpcourse.banks.qti.qti21_export import export_qti21
    from tpcourse.content.drawings import clean_drawing

    export_qti21([{"id": "q1", "type": "true_false", "prompt": "Pressure is sustained.",
                   "answer": True, "points": 1}])
    cleaned = clean_drawing('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                            '<rect width="5" height="5"/></svg>')
    assert cleaned.startswith(b"<svg ") and b"ns0:" not in cleaned
