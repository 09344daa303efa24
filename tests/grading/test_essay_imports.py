"""Essays from Moodle banks: GIFT's {} and Moodle XML's essay (information for graders,
response template, word limit) import, export and read back the same."""

from __future__ import annotations

from tpcourse.banks.gift import parse_gift
from tpcourse.banks.gift_export import export_gift
from tpcourse.banks.moodle_xml import export_moodle_xml, parse_moodle_xml

XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="essay">
    <name><text>Calf case</text></name>
    <questiontext format="html"><text><![CDATA[<p>A warm, swollen calf. What do you do?</p>]]>
    </text></questiontext>
    <defaultgrade>4</defaultgrade>
    <responseformat>editor</responseformat>
    <maxwordlimit>150</maxwordlimit>
    <graderinfo format="html"><text><![CDATA[<p>Stop and <strong>refer</strong> today.</p>]]>
    </text></graderinfo>
    <responsetemplate format="html"><text><![CDATA[What I do:]]></text></responsetemplate>
  </question>
</quiz>
"""


def test_a_moodle_essay_brings_its_grader_information_template_and_word_limit():
    result = parse_moodle_xml(XML)
    assert [p for p in result.problems if p.severity == "error"] == []
    [essay] = result.questions
    assert essay["type"] == "essay" and essay["points"] == 4 and essay["word_limit"] == 150
    assert essay["template"] == "What I do:"
    assert "<strong>refer</strong>" in essay["model_answer"] and "rubric" not in essay
    again = parse_moodle_xml(export_moodle_xml(result.questions).content)
    assert again.questions == result.questions


def test_a_gift_essay_imports_with_one_overall_criterion_and_a_warning():
    result = parse_gift("::Reflection::Explain trigger points to a client. {}\n")
    [essay] = result.questions
    assert essay["type"] == "essay" and len(essay["rubric"]) == 1
    assert "no information for graders" in result.problems[0].message
    export = export_gift(result.questions)
    assert export.notes == [] and "{}" in export.content
    assert parse_gift(export.content).questions == result.questions


def test_a_rubric_goes_into_moodles_grader_information_with_a_note():
    essay = {"id": "e", "type": "essay", "prompt": "Why?", "points": 2,
             "rubric": [{"id": "why", "text": "Names the risk", "points": 2}]}
    export = export_moodle_xml([essay])
    assert b"Names the risk (2 points)" in export.content
    assert "rubric is written into Moodle's information for graders" in export.notes[0].message
    gift = export_gift([essay])
    assert "rubric cannot be written" in gift.notes[0].message
