"""The faithful import (issue 24), construct by construct, on fixtures written for tpcourse:
names, shared matching answers and distractors, kept scoring, per-answer feedback, partial
answers, escaping, Moodle ordering and all-or-nothing, embedded images, report lines."""

from __future__ import annotations

from pathlib import Path

from tpcourse.banks import (
    export_aiken,
    export_gift,
    export_moodle_xml,
    parse_aiken,
    parse_gift,
    parse_moodle_xml,
)
from tpcourse.content.markdown import render_inline

FIXTURES = Path(__file__).parent / "fixtures"
PNG = (FIXTURES / "qti21-package" / "images" / "calf.png").read_bytes()
REFERRAL = {"category": "$course$/top/Trigger point foundations/Referral patterns",
            "pool": "trigger-point-foundations/referral-patterns"}


def _gift():
    return parse_gift((FIXTURES / "faithful.gift").read_text())


def test_gift_names_ids_and_categories_are_kept_apart():
    first = _gift().questions[0]
    assert first == {"id": "referral-temple", "name": "Referral to temple", **REFERRAL,
                     "type": "single",
                     "prompt": "Which muscle most often refers pain to the temple?",
                     "options": [{"id": "a", "text": "Upper trapezius", "correct": True},
                                 {"id": "b", "text": "Gastrocnemius"}],
                     "tags": ["REF-1"]}
    exported = export_gift([first]).content
    assert "::Referral to temple::" in exported and "[id:referral-temple]" in exported
    assert "$CATEGORY: $course$/top/Trigger point foundations/Referral patterns" in exported
    assert parse_gift(exported).questions == [first]


def test_gift_matching_with_shared_answers_and_distractors():
    classify = _gift().questions[1]
    assert classify["pairs"] == [["Upper trapezius", "Muscle"], ["Infraspinatus", "Muscle"],
                                 ["Achilles", "Tendon"]]
    assert classify["distractors"] == ["Ligament", "Chat"]
    for parsed in (parse_gift(export_gift([classify]).content),
                   parse_moodle_xml(export_moodle_xml([classify]).content)):
        assert parsed.questions == [classify] and parsed.problems == []


def test_gift_scores_partial_answers_and_feedback_are_kept():
    questions = {q["id"]: q for q in _gift().questions}
    assert questions["pick-all-four"]["scoring"] == "weights"
    assert [o["weight"] for o in questions["pick-all-four"]["options"]] == [25, 25, 25, 25, 0]
    assert questions["amphibian"]["partial"] == [{"text": "toad", "weight": 80}]
    assert questions["seconds-held"]["partial"] == [{"answer": 90, "tolerance": 15,
                                                     "weight": 50}]
    dvt = questions["dvt-check"]
    assert (dvt["answer"], dvt["feedback_true"], dvt["feedback_false"]) == (
        False, "Never: refer the client.", "Right: refer first.")
    assert "explanation" not in dvt


def test_gift_text_reads_as_the_author_wrote_it():
    """Plain and Moodle auto-format text is escaped; HTML stays HTML (and Markdown is not
    applied inside it); tags in auto-format text stay tags, as Moodle shows them."""
    shown = {q["id"]: render_inline(q["prompt"]) for q in _gift().questions}
    assert shown["q-8"] == "Is 3 &lt; 5 &amp; 7 &gt; 2? Is a*b*c bold?"
    assert shown["plain-marker"] == "Type &lt;b&gt; exactly &amp; -- *not bold*"
    assert shown["html-marker"] == "Pressure in <b>kg</b> &amp; time"
    assert "Hold for <i>60</i> seconds if pain &lt; 7" in shown["mixed-auto"]


def test_gift_round_trips_every_faithful_construct_through_gift_and_moodle_xml():
    first = _gift()
    assert first.problems == []
    gift = export_gift(first.questions)
    assert gift.notes == []
    assert parse_gift(gift.content).questions == first.questions
    xml = export_moodle_xml(first.questions)
    assert xml.notes == []
    assert parse_moodle_xml(xml.content).questions == first.questions
    # and GIFT → Moodle XML → GIFT
    assert parse_gift(export_gift(parse_moodle_xml(xml.content).questions).content
                      ).questions == first.questions


def _xml():
    return parse_moodle_xml((FIXTURES / "faithful.xml").read_bytes())


def test_moodle_ordering_and_all_or_nothing_are_imported():
    questions = {q["id"]: q for q in _xml().questions}
    assert questions["release-steps"]["items"] == [
        "Locate the taut band", "Apply gradual pressure", "Hold and monitor", "Release slowly"]
    assert "scoring" not in questions["release-steps"]  # absolute position: the default
    strict = questions["strict-sequence"]
    assert strict["scoring"] == "all_or_nothing"
    assert strict["items"] == ["Apply heat", "Stretch", "Rest"]  # sorted by fraction
    assert questions["red-flags-exactly"]["scoring"] == "all_or_nothing"
    assert questions["classify"]["distractors"] == ["reptile"]
    assert questions["release-steps"]["name"] == "Release sequence"
    assert questions["release-steps"]["pool"] == "tp201-advanced/sequences"  # '//' is a '/'


def test_moodle_report_names_each_line_and_what_differs():
    result = _xml()
    report = [(p.line, p.question, p.message) for p in result.problems]
    assert [(line, index) for line, index, _ in report] == [
        (31, 2), (31, 2), (66, 6), (74, 7), (81, 8), (94, 9), (93, 9), (93, 9), (91, 9), (97, 9)]
    messages = [m for _, _, m in report]
    assert "Moodle grades this ordering by relative next exclude last" in messages[0]
    assert "Moodle shows 2 of the 3 items" in messages[1]
    assert "reads * in an answer as 'any text'" in messages[2] and "sala*" in messages[2]
    assert "takes the first answer in the file that fits" in messages[3]
    assert "Moodle 1.9 image 'trapezius.png' is added at the end of the prompt" in messages[4]
    assert "'notes.pdf' is not an image" in messages[5]
    assert "'gone.png', which the bank does not hold" in messages[6]
    assert "Moodle 1.9 course file 'legacy/calf.png'" in messages[8]
    assert "'Pincer grip' had formatting" in messages[9]


def test_moodle_embedded_and_old_images_are_carried_as_files():
    result = _xml()
    old = next(q for q in result.questions if q["id"] == "old-image")
    assert old["prompt"] == ("Which muscle is shown?\n\n"
                             "![trapezius](assets/imported/trapezius-b1ff9c8e.png)")
    assert result.files == {"trapezius-b1ff9c8e.png": PNG}
    ice = next(q for q in result.questions if q["id"] == "ice-first")
    assert render_inline(ice["prompt"]) == "Ice is applied before pressure &amp; heat &lt; 10 min."


def test_moodle_xml_export_embeds_images_and_round_trips_them():
    result = _xml()
    images = {f"assets/imported/{name}": data for name, data in result.files.items()}
    exported = export_moodle_xml(result.questions, files=images.get)
    assert b"@@PLUGINFILE@@/trapezius-b1ff9c8e.png" in exported.content
    assert b'<file name="trapezius-b1ff9c8e.png" path="/" encoding="base64">' in exported.content
    again = parse_moodle_xml(exported.content)
    assert again.files == result.files
    kept = [q for q in result.questions if q["id"] != "missing-files"]
    assert [q for q in again.questions if q["id"] != "missing-files"] == kept


def test_aiken_accepts_options_without_a_space_and_escapes_text():
    result = parse_aiken((FIXTURES / "faithful.aiken").read_text())
    assert result.problems == []
    first, second = result.questions
    assert [o["text"] for o in first["options"]] == [
        "Less pressure", "More pressure", "The same <b>pressure</b>"]  # options are plain
    assert render_inline(first["prompt"]) == (
        "Which pressure is right if pain &gt; 7 &amp; the client winces?")
    assert render_inline(second["prompt"]) == "Is 2*3*4 bold in the prompt?"
    export = export_aiken(result.questions)
    assert "Which pressure is right if pain > 7 & the client winces?" in export.content
    assert parse_aiken(export.content).questions == result.questions
