"""Imported questions score as Moodle (or Canvas) scores them — checked against scores worked
out by hand from Moodle's rules — and the platform's own rules, when asked for, are reported.

Moodle's rules (question/type/*/question.php): multiple answer — the chosen options' fractions
summed, kept within 0–100%; single answer — the chosen option's fraction (which may be
negative); all-or-nothing (multichoiceset) — 100% only for exactly the right set; short answer
and numerical — the first answer in the file that matches; matching — one share per
subquestion; ordering (absolute position) — one share per item in its place.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from tpcourse.banks import parse_gift, parse_moodle_xml
from tpcourse.content.drafts import validate_quiz_draft
from tpcourse.grading.types import ValidationContext, question_type

CTX = ValidationContext(image_viewbox=lambda name: None)


def stored(question: dict) -> dict:
    """The question as a quiz version stores it (checked exactly as `content check` checks)."""
    spec, problems = validate_quiz_draft({"slug": "s", "title": "t", "questions": [question]},
                                         CTX)
    assert problems == [], problems
    return spec.data["questions"][0]


def percent(question: dict, response) -> Fraction:
    return question_type(question["type"]).score(question, response) * 100


def choose(question: dict, *texts: str):
    """The response that chooses options by their texts (as the form would store it)."""
    ids = [o["id"] for o in question["options"] if o["text"] in texts]
    return ids[0] if question["type"] == "single" else sorted(ids)


PICK_ALL_FOUR = ("Which are signs? {~%25%Twitch ~%25%Referral ~%25%Band ~%25%Jump "
                 "~%0%Fever}")
RED_FLAGS = "Which are red flags? {~%50%Swelling ~%50%Fever ~%-100%Stiffness}"
CONTRA = "Reasons not to treat? {~%70%DVT ~%30%Bruise ~%-50%Stiffness}"


@pytest.mark.parametrize(("bank", "chosen", "moodle", "penalty_rule"), [
    # hand-computed: Moodle sums the fractions and keeps 0..100; the platform's rule gives
    # +1/k per correct option chosen and -1/k per wrong one, floored at 0
    (PICK_ALL_FOUR, ("Twitch", "Referral", "Band", "Jump"), 100, 100),
    (PICK_ALL_FOUR, ("Twitch", "Referral", "Band", "Jump", "Fever"), 100, 75),
    (PICK_ALL_FOUR, ("Twitch", "Fever"), 25, 0),
    (PICK_ALL_FOUR, ("Twitch", "Referral"), 50, 50),
    (RED_FLAGS, ("Swelling", "Fever"), 100, 100),
    (RED_FLAGS, ("Swelling", "Fever", "Stiffness"), 0, 50),
    (RED_FLAGS, ("Swelling",), 50, 50),
    (RED_FLAGS, ("Swelling", "Stiffness"), 0, 0),
    (CONTRA, ("DVT",), 70, 50),
    (CONTRA, ("Bruise",), 30, 50),
    (CONTRA, ("DVT", "Stiffness"), 20, 0),
    (CONTRA, ("Bruise", "Stiffness"), 0, 0),
    (CONTRA, ("DVT", "Bruise", "Stiffness"), 50, 50),
])
def test_multiple_answer_weights_score_as_in_moodle(bank, chosen, moodle, penalty_rule):
    kept = stored(parse_gift(bank).questions[0])
    assert kept["scoring"] == "weights"
    assert percent(kept, choose(kept, *chosen)) == moodle
    platform = parse_gift(bank, scoring="platform")
    question = stored(platform.questions[0])
    assert "scoring" not in question
    assert percent(question, choose(question, *chosen)) == penalty_rule
    assert any("scores differ" in p.message and p.question == 0 for p in platform.problems)


def test_weights_equal_to_the_platform_rule_keep_the_default_rule_and_say_nothing():
    result = parse_gift("Signs? {~%50%Twitch ~%50%Referral ~%-50%Fever}")
    question = stored(result.questions[0])
    assert "scoring" not in question and result.problems == []
    assert percent(question, choose(question, "Twitch", "Fever")) == 0  # 50 - 50 in both


@pytest.mark.parametrize(("chosen", "moodle"), [("Pincer", 100), ("Either", 50), ("Flat", 0)])
def test_single_answer_partial_credit_scores_as_in_moodle(chosen, moodle):
    question = stored(parse_gift("Palpation? {=Pincer ~Flat ~%50%Either}").questions[0])
    assert percent(question, choose(question, chosen)) == moodle
    platform = stored(parse_gift("Palpation? {=Pincer ~Flat ~%50%Either}",
                                 scoring="platform").questions[0])
    assert percent(platform, choose(platform, chosen)) == (100 if chosen == "Pincer" else 0)


def test_a_negative_single_answer_weight_is_floored_at_zero_and_reported():
    """Moodle takes 50% off for 'Wrong'; a platform question never scores below 0."""
    result = parse_gift("Which? {=Right ~%-50%Wrong ~Other}")
    question = stored(result.questions[0])
    assert percent(question, choose(question, "Wrong")) == 0
    assert "takes marks off in Moodle" in result.problems[0].message


XML_EXACT = b"""<quiz><question type="multichoiceset"><name><text>Flags</text></name>
<questiontext format="html"><text>Which are red flags?</text></questiontext>
<answer fraction="100"><text>Swelling</text></answer>
<answer fraction="100"><text>Fever</text></answer>
<answer fraction="0"><text>Stiffness</text></answer></question></quiz>"""


@pytest.mark.parametrize(("chosen", "moodle", "penalty_rule"), [
    (("Swelling", "Fever"), 100, 100), (("Swelling",), 0, 50),
    (("Swelling", "Fever", "Stiffness"), 0, 50), (("Stiffness",), 0, 0)])
def test_all_or_nothing_scores_as_in_moodle(chosen, moodle, penalty_rule):
    question = stored(parse_moodle_xml(XML_EXACT).questions[0])
    assert question["scoring"] == "all_or_nothing"
    assert percent(question, choose(question, *chosen)) == moodle
    platform = parse_moodle_xml(XML_EXACT, scoring="platform")
    reset = stored(platform.questions[0])
    assert percent(reset, choose(reset, *chosen)) == penalty_rule
    assert "which is all or nothing" in platform.problems[0].message


@pytest.mark.parametrize(("typed", "moodle"), [
    ("frog", 100), ("Toad", 80), ("toad ", 80), ("lizard", 0), ("newt", 0)])
def test_short_answer_partial_credit_scores_as_in_moodle(typed, moodle):
    question = stored(parse_gift("Amphibian? {=frog =%80%toad =%0%lizard}").questions[0])
    assert percent(question, typed) == moodle


@pytest.mark.parametrize(("typed", "moodle"), [
    ("60", 100), ("75", 100), ("80", 50), ("105", 50), ("106", 0), ("44", 0)])
def test_numeric_partial_answers_score_as_in_moodle(typed, moodle):
    question = stored(parse_gift("Seconds? {#=60:15 =%50%90:15}").questions[0])
    assert percent(question, typed) == moodle


def test_matching_and_ordering_score_as_in_moodle():
    matching = stored(parse_gift("Classify. {=Frog -> Amphibian =Newt -> Amphibian "
                                 "=Cat -> Mammal = -> Reptile}").questions[0])
    assert percent(matching, ["Amphibian", "Amphibian", "Reptile"]) == Fraction(200, 3)
    assert percent(matching, ["Amphibian", "Amphibian", "Mammal"]) == 100
    ordering = b"""<quiz><question type="ordering"><name><text>Steps</text></name>
    <questiontext format="html"><text>Order.</text></questiontext>
    <gradingtype>%s</gradingtype>
    <answer fraction="1"><text>Locate</text></answer><answer fraction="2"><text>Press</text></answer>
    <answer fraction="3"><text>Hold</text></answer><answer fraction="4"><text>Release</text></answer>
    </question></quiz>"""
    absolute = stored(parse_moodle_xml(ordering % b"ABSOLUTE_POSITION").questions[0])
    strict = stored(parse_moodle_xml(ordering % b"ALL_OR_NOTHING").questions[0])
    response = ["Locate", "Press", "Release", "Hold"]
    assert percent(absolute, response) == 50  # two of four in place
    assert percent(strict, response) == 0
    assert percent(strict, ["Locate", "Press", "Hold", "Release"]) == 100
