"""Canvas Classic Quizzes (QTI 1.2) and IMS QTI 2.1: import, export, round trips, and packages
that try to hurt (zip bombs, paths out of the package, links, too many files)."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from tpcourse.banks import (
    export_gift,
    export_moodle_xml,
    export_qti21,
    parse_canvas_qti,
    parse_gift,
    parse_moodle_xml,
    parse_qti21,
)
from tpcourse.banks.limits import MAX_PACKAGE_FILES
from tpcourse.content.markdown import render_markdown

FIXTURES = Path(__file__).parent / "fixtures"
PNG = (FIXTURES / "qti21-package" / "images" / "calf.png").read_bytes()


def zipped(folder: Path) -> bytes:
    """Pack a fixture folder as the .zip an LMS would export."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def zip_of(members: dict[str, bytes], link: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def canvas():
    return parse_canvas_qti(zipped(FIXTURES / "canvas-quiz"), render=render_markdown)


def test_canvas_export_imports_each_supported_type():
    questions = {q["id"]: q for q in canvas().questions}
    assert list(questions) == ["i100", "i101", "i102", "i103", "i104", "i105", "i108"]
    calf = questions["i100"]
    assert (calf["name"], calf["points"], calf["type"]) == ("Calf picture", 2, "single")
    assert calf["options"] == [
        {"id": "a", "text": "Possible DVT: refer", "correct": True},
        {"id": "b", "text": "A trigger point", "feedback": "Not with this swelling."},
        {"id": "c", "text": "Normal & healthy"}]
    assert calf["explanation"] == "Warmth and swelling are red flags."
    assert "name" not in questions["i101"]  # Canvas's placeholder title "Question"
    assert questions["i101"]["feedback_true"] == "Yes, about 60 seconds."
    assert questions["i101"]["feedback_false"] == "It is about 60 seconds."
    assert "scoring" not in questions["i102"]  # Canvas scores multiple answers as tpcourse does
    assert questions["i103"]["accept"] == ["referred", "referred pain"]
    assert (questions["i104"]["answer"], questions["i104"]["tolerance"]) == (60, 30)
    assert questions["i104"]["partial"] == [{"answer": 110, "tolerance": 10, "weight": 100}]
    assert questions["i105"]["pairs"] == [["Upper trapezius", "Muscle"],
                                          ["Infraspinatus", "Muscle"], ["Achilles", "Tendon"]]
    assert questions["i105"]["distractors"] == ["Ligament"]
    assert (questions["i108"]["pool"], questions["i108"]["answer"]) == ("red-flags", False)


def test_canvas_images_come_from_the_package_and_problems_name_file_and_line():
    result = canvas()
    calf = result.questions[0]
    assert calf["prompt"] == ("What does this calf show?\n\n"
                              "![a swollen calf](assets/imported/calf-b1ff9c8e.png)")
    assert result.files == {"calf-b1ff9c8e.png": PNG}
    assert [str(p) for p in result.problems] == [
        "g8f1e2c3d4/g8f1e2c3d4.xml, line 150: essay questions are not supported; skipped",
        "g8f1e2c3d4/g8f1e2c3d4.xml, line 158: Canvas question type "
        "'fill_in_multiple_blanks_question' is not supported; skipped"]


def test_canvas_duplicate_copy_of_the_quiz_is_not_imported_twice():
    """The export also holds non_cc_assessments/<id>.xml.qti, the same questions again."""
    assert len(canvas().questions) == 7


def qti_package():
    return parse_qti21(zipped(FIXTURES / "qti21-package"), render=render_markdown)


def test_qti21_items_of_each_interaction_and_their_scoring():
    result = qti_package()
    questions = {q["id"]: q for q in result.questions}
    assert list(questions) == ["calf", "signs", "flags", "amphibian", "seconds", "classify",
                               "steps"]
    assert questions["calf"]["pool"] == "red-flags"  # the test's section
    assert questions["calf"]["prompt"].endswith("(assets/imported/calf-b1ff9c8e.png)")
    signs = questions["signs"]
    assert signs["scoring"] == "weights"  # map_response with 0.5 / 0.5 / -1
    assert [o["weight"] for o in signs["options"]] == [50, 50, -100]
    assert questions["flags"]["scoring"] == "all_or_nothing"  # match_correct, several answers
    assert questions["amphibian"]["prompt"] == "The best-known amphibian is the _____."
    assert questions["amphibian"]["partial"] == [{"text": "toad", "weight": 80}]
    assert (questions["seconds"]["answer"], questions["seconds"].get("tolerance")) == (60, None)
    assert questions["classify"]["distractors"] == ["reptile"]
    assert questions["classify"]["scoring"] == "all_or_nothing"
    assert questions["steps"]["items"] == ["Locate", "Press", "Release"]
    assert [str(p) for p in result.problems] == [
        "items/calf.xml, line 2: 'Normal and healthy' had formatting (bold, images…) that an "
        "answer cannot show; kept as plain text",
        "items/spot.xml, line 2: QTI interaction 'hotspotInteraction' is not supported; skipped",
        "items/essay.xml, line 2: essay questions are not supported; skipped"]


def test_a_single_qti21_item_file_imports_too():
    item = (FIXTURES / "qti21-package" / "items" / "signs.xml").read_bytes()
    assert [q["id"] for q in parse_qti21(item).questions] == ["signs"]


def _without_tags(questions):
    return [{k: v for k, v in q.items() if k != "tags"} for q in questions]


@pytest.mark.parametrize("fixture", ["every-construct.gift", "faithful.gift"])
def test_gift_to_moodle_xml_to_qti_and_back_is_the_same_bank(fixture):
    """GIFT → Moodle XML → QTI 2.1 → GIFT: the same questions (QTI items hold no tags)."""
    first = parse_gift((FIXTURES / fixture).read_text()).questions
    via_xml = parse_moodle_xml(export_moodle_xml(first).content).questions
    assert via_xml == first  # essays too
    # QTI essays (extendedTextInteraction) are not read or written yet: they stay behind
    first = [q for q in first if q["type"] != "essay"]
    package = export_qti21(via_xml, render_markdown)
    assert {n.message for n in package.notes} <= {"tags cannot be written in a QTI item; left out",
                                                  "essay questions cannot be written as QTI "
                                                  "2.1; skipped"}
    via_qti = parse_qti21(package.content, render=render_markdown)
    assert via_qti.problems == []
    assert via_qti.questions == _without_tags(first)
    back = parse_gift(export_gift(via_qti.questions).content).questions
    assert back == _without_tags(first)


def test_qti21_export_carries_images_and_reads_back_the_same():
    result = qti_package()
    images = {f"assets/imported/{name}": data for name, data in result.files.items()}
    package = export_qti21(result.questions, render_markdown, images.get)
    names = zipfile.ZipFile(io.BytesIO(package.content)).namelist()
    assert "images/calf-b1ff9c8e.png" in names and "imsmanifest.xml" in names
    again = parse_qti21(package.content, render=render_markdown)
    assert again.files == result.files and again.problems == []
    assert again.questions == result.questions


def test_qti21_export_does_not_hint_at_shared_matching_answers():
    """Every answer may be matched as often as there are items: matchMax says nothing."""
    matching = {"id": "classify", "type": "matching", "prompt": "Classify.",
                "pairs": [["frog", "amphibian"], ["newt", "amphibian"], ["cat", "mammal"]],
                "distractors": ["reptile"]}
    item = zipfile.ZipFile(io.BytesIO(export_qti21([matching]).content)).read(
        "items/classify.xml").decode()
    assert item.count('matchMax="3"') == 3 and 'matchMax="2"' not in item


def test_zip_bombs_paths_out_of_the_package_links_and_crowds_are_refused():
    bomb = zip_of({"imsmanifest.xml": b"<manifest/>", "items/a.xml": b"\0" * 30_000_000})
    assert "zip bomb" in parse_qti21(bomb).problems[0].message or \
        "more than 20 MB" in parse_qti21(bomb).problems[0].message
    escape = zip_of({"../evil.xml": b"<assessmentItem/>"})
    assert "points outside the package" in parse_qti21(escape).problems[0].message
    absolute = zip_of({"/etc/evil.xml": b"<assessmentItem/>"})
    assert "points outside the package" in parse_canvas_qti(absolute).problems[0].message
    linked = zip_of({"imsmanifest.xml": b"<manifest/>"}, link="items/a.xml")
    assert "is a link" in parse_qti21(linked).problems[0].message
    crowd = zip_of({f"f{i}.txt": b"" for i in range(MAX_PACKAGE_FILES + 1)})
    assert "packages are limited to" in parse_qti21(crowd).problems[0].message
    for refused in (bomb, escape, absolute, linked, crowd):
        assert parse_qti21(refused).questions == []


def test_not_a_package_and_hostile_xml_inside_one_are_reported():
    assert "no QTI 2.1 item found" in parse_qti21(b"just text").problems[0].message
    doctype = zip_of({"imsmanifest.xml": b"<manifest/>",
                      "items/a.xml": b'<!DOCTYPE x [<!ENTITY e "x">]><assessmentItem>&e;'
                                     b"</assessmentItem>"})
    result = parse_qti21(doctype)
    assert result.questions == [] and "refused for safety" in result.problems[0].message
    assert result.problems[0].source == "items/a.xml"
