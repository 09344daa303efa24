"""Moodle XML import and export: each supported type, skipped types, unsafe XML."""

from __future__ import annotations

from pathlib import Path

import defusedxml.ElementTree as SafeET

from tpcourse.banks import (
    MAX_BANK_BYTES,
    BankImport,
    export_moodle_xml,
    parse_moodle_xml,
    to_moodle_xml,
)

FIXTURES = Path(__file__).parent / "fixtures"
LOCATING = {"category": "$course$/top/Default for TP101/Locating trigger points",
            "pool": "default-for-tp101/locating-trigger-points"}
PRESSURE = {"category": "$course$/top/Default for TP101/Applying pressure",
            "pool": "default-for-tp101/applying-pressure"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"  # the fixture's whole "image": iVBORw0KGgo=

EVERY_TYPE = [
    {
        "id": "taut-band", "name": "Taut band", **LOCATING, "type": "single", "points": 2,
        "scoring": "weights",  # option c is worth 50% in Moodle, and here
        "prompt": "<p>A trigger point is best described as ...</p>",
        "options": [
            {"id": "a", "text": "A hyperirritable spot in a taut band of skeletal muscle",
             "correct": True, "feedback": "Yes.", "weight": 100},
            {"id": "b", "text": "A calcified tendon",
             "feedback": "Tendons are not where trigger points form.", "weight": 0},
            {"id": "c", "text": "A sore spot anywhere", "weight": 50},
        ],
        "explanation": "<p>Palpate across the fibres.</p>",
        "tags": ["palpation", "LOC-1"],
    },
    {
        "id": "signs-of-a-trigger-point", "name": "Signs of a trigger point", **LOCATING,
        "type": "multiple", "scoring": "weights",
        "prompt": "Which **two** findings point to an active trigger point?",
        "options": [
            {"id": "a", "text": "A local twitch response", "correct": True, "weight": 50},
            {"id": "b", "text": "Pain referred in a familiar pattern", "correct": True,
             "weight": 50},
            {"id": "c", "text": "Swelling and warmth over a joint", "weight": -100},
        ],
    },
    {
        "id": "contraindications", "name": "Contraindications", **LOCATING, "type": "multiple",
        "scoring": "weights", "prompt": "Which are reasons not to treat today?",
        "options": [
            {"id": "a", "text": "Suspected deep vein thrombosis", "correct": True, "weight": 70},
            {"id": "b", "text": "A fresh bruise over the area", "correct": True, "weight": 30},
            {"id": "c", "text": "Mild stiffness after exercise", "weight": -50},
        ],
    },
    {
        "id": "referral-areas", "name": "Referral areas", **LOCATING, "type": "matching",
        "prompt": "Match each muscle to its usual referral area.",
        "pairs": [["Upper trapezius", "Side of the head and temple"],
                  ["Infraspinatus", "Front of the shoulder"]],
        "distractors": ["Sole of the foot"],  # a subquestion with no text
    },
    {
        "id": "calf-dvt", "name": "Calf DVT", **PRESSURE, "type": "true_false",
        "prompt": "A warm, swollen, painful calf may be massaged with light pressure.",
        "answer": False,
        "feedback_true": "No: it may be a deep vein thrombosis.",
        "feedback_false": "Right: refer the client.",
        "explanation": "Never massage a suspected DVT.",
    },
    {
        "id": "referred-pain-term", "name": "Referred pain term", **PRESSURE,
        "type": "short_text",
        "prompt": "The pain felt away from a trigger point is called ... pain.",
        "accept": ["referred", "referred pain"],
        "partial": [{"text": "radiating", "weight": 50}],
    },
    {
        "id": "hold-time", "name": "Hold time", **PRESSURE, "type": "numeric",
        "prompt": "About how many seconds is sustained pressure held before reassessing?",
        "answer": 60, "tolerance": 30, "unit": "s",
        "partial": [{"answer": 120, "tolerance": 10, "weight": 50}],
    },
    {
        "id": "taut-band-2", "name": "Taut band", **PRESSURE, "type": "single",
        "prompt": '<div>\n<p>Where is this trigger point?</p>\n'
                  '<p><img src="assets/imported/upper-trap-4c4b6a3b.png" '
                  'alt="upper trapezius"></p>\n</div>',
        "options": [{"id": "a", "text": "Upper trapezius", "correct": True},
                    {"id": "b", "text": "Levator scapulae"}],
    },
    {  # essays import (issue 25); with no information for graders, one overall criterion
        "id": "reflection", "name": "Reflection", **PRESSURE, "type": "essay",
        "prompt": "Describe how you would explain trigger points to a client.",
        "rubric": [{"id": "overall", "text": "The answer as a whole", "points": 1}],
    },
]


def _read(name: str) -> BankImport:
    return parse_moodle_xml((FIXTURES / name).read_bytes())


def test_every_supported_type_is_parsed_exactly():
    result = _read("every-type.xml")
    assert len(result.questions) == len(EVERY_TYPE)
    for parsed, expected in zip(result.questions, EVERY_TYPE, strict=True):
        assert parsed == expected, expected["id"]


def test_skipped_and_dropped_things_are_reported_by_line():
    result = _read("every-type.xml")
    problems = result.problems
    assert [(p.line, p.severity, p.question) for p in problems] == [
        (99, "warning", 5), (99, "warning", 5), (111, "warning", 6),
        (138, "warning", 8), (143, "warning", None), (148, "warning", None),
    ]
    messages = [p.message for p in problems]
    assert "scores differ from the source: Moodle matches case" in messages[0]
    assert "feedback is not imported" in messages[1]
    assert "base unit" in messages[2]
    assert "the essay has no information for graders" in messages[3]
    assert "description" in messages[4]
    assert "'ddwtos' is not supported" in messages[5]
    assert result.files == {"upper-trap-4c4b6a3b.png": PNG_MAGIC}


def test_the_platform_scoring_reports_each_question_that_would_score_differently():
    result = parse_moodle_xml((FIXTURES / "every-type.xml").read_bytes(), scoring="platform")
    differs = sorted({(p.line, p.question) for p in result.problems if "differ" in p.message})
    # taut-band (option c 50%), signs (−100 on the wrong one), contraindications (70/30),
    # the short answer (50% 'radiating'; case), the number (50% for 120)
    assert differs == [(33, 0), (43, 1), (54, 2), (99, 5), (111, 6)]


def test_malformed_questions_are_reported_and_the_rest_imports():
    result = _read("malformed.xml")
    assert [q["id"] for q in result.questions] == ["fine"]
    assert [(p.line, p.severity) for p in result.problems] == [
        (3, "error"), (10, "error"), (18, "error"), (26, "error"), (31, "error"),
        (33, "error"), (38, "error"),
    ]
    messages = [p.message for p in result.problems]
    assert "no correct answer" in messages[0]
    assert "at least two answers" in messages[1]
    assert "'sixty'" in messages[2]
    assert "'true' or 'false'" in messages[3]
    assert "fraction 'lots'" in messages[4]
    assert "at least two pairs" in messages[5]
    assert "no text" in messages[6]


def test_round_trip_keeps_every_question():
    first = _read("every-type.xml")
    export = export_moodle_xml(first.questions)
    assert export.notes == []
    again = parse_moodle_xml(export.content)
    assert again.questions == first.questions


def test_export_is_moodle_shaped_xml():
    questions = [{"id": "signs", "pool": "core", "type": "multiple", "points": 2,
                  "prompt": "Which signs?",
                  "options": [{"id": "a", "text": "Twitch", "correct": True},
                              {"id": "b", "text": "Referral", "correct": True},
                              {"id": "c", "text": "Nodule", "correct": True},
                              {"id": "d", "text": "Fever"}]}]
    root = SafeET.fromstring(to_moodle_xml(questions))
    category, question = root.findall("question")
    assert category.get("type") == "category"
    assert category.findtext("category/text") == "$course$/top/core"
    assert question.get("type") == "multichoice"
    assert question.findtext("single") == "false"
    assert question.findtext("defaultgrade") == "2"
    assert [a.get("fraction") for a in question.findall("answer")] == [
        "33.33333", "33.33333", "33.33333", "-33.33333"]


def test_export_writes_ordering_and_skips_hotspot_with_a_note():
    export = export_moodle_xml([
        {"id": "order", "type": "ordering", "prompt": "Order.", "items": ["a", "b"]},
        {"id": "spot", "type": "hotspot", "prompt": "Click.", "image": "x.svg", "regions": []},
    ])
    (ordering,) = SafeET.fromstring(export.content).findall("question")
    assert ordering.get("type") == "ordering"
    assert ordering.findtext("gradingtype") == "ABSOLUTE_POSITION"
    assert [a.get("fraction") for a in ordering.findall("answer")] == ["1", "2"]
    assert [n.question_id for n in export.notes] == ["spot"]


def test_billion_laughs_is_refused():
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE quiz [\n <!ENTITY lol "lol">\n'
            b' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
            b' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
            b']>\n<quiz><question type="essay"><name><text>&lol3;</text></name>'
            b'</question></quiz>\n')
    result = parse_moodle_xml(bomb)
    assert result.questions == []
    assert [(p.line, p.severity) for p in result.problems] == [(2, "error")]
    assert "refused for safety" in result.problems[0].message


def test_external_entity_is_refused():
    xxe = (b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
           b'<quiz><question type="shortanswer"><name><text>&xxe;</text></name></question>'
           b'</quiz>')
    result = parse_moodle_xml(xxe)
    assert result.questions == []
    assert "refused for safety" in result.problems[0].message
    assert "root:" not in str(result.problems)


def test_undeclared_entity_and_broken_xml_give_the_line():
    assert parse_moodle_xml(b"<quiz>\n&secret;\n</quiz>").problems[0].line == 2
    broken = parse_moodle_xml(b"<quiz>\n<question type='truefalse'>\n</quiz>")
    assert broken.problems[0].line == 3
    assert "not well-formed" in broken.problems[0].message


def test_wrong_root_empty_and_oversized_files():
    assert "<quiz>" in parse_moodle_xml(b"<html><body/></html>").problems[0].message
    assert parse_moodle_xml(b"").problems[0].severity == "error"
    huge = parse_moodle_xml(b"<quiz>" + b" " * MAX_BANK_BYTES + b"</quiz>")
    assert "limited to 2 MB" in huge.problems[0].message


def test_numeric_range_and_tolerance_edge_cases():
    xml = b"""<quiz><question type="numerical"><name><text>Scale</text></name>
    <questiontext format="html"><text>Level?</text></questiontext>
    <answer fraction="100"><text>5.5</text><tolerance>0</tolerance></answer>
    </question></quiz>"""
    assert parse_moodle_xml(xml).questions == [
        {"id": "scale", "name": "Scale", "type": "numeric", "prompt": "Level?", "answer": 5.5}]
