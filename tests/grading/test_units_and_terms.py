"""Numbers may be typed with their unit or a common synonym; short answers ignore hyphens."""

from __future__ import annotations

import pytest

from tpcourse.grading.types import question_type
from tpcourse.grading.types.text import accepted_units, normalise_text, parse_number

HOURS = {"id": "h", "type": "numeric", "answer": 48, "tolerance": 0, "unit": "h"}
SECONDS = {"id": "s", "type": "numeric", "answer": 60, "tolerance": 30, "unit": "s"}
SCALE = {"id": "p", "type": "numeric", "answer": 6, "tolerance": 1, "unit": "/10"}


@pytest.mark.parametrize(("question", "typed"), [
    (HOURS, "48 hours"), (HOURS, "48 hrs"), (HOURS, "48h"), (HOURS, "48 Hours."),
    (SECONDS, "60 sec"), (SECONDS, "45 seconds"), (SECONDS, "90 s"), (SECONDS, "60secs"),
    (SCALE, "6/10"), (SCALE, "6 / 10"), (SCALE, "7 out of 10"), (SCALE, "5 out of ten"),
])
def test_a_number_with_its_unit_or_a_synonym_is_graded(question, typed):
    kind = question_type("numeric")
    assert kind.response_error(question, typed) is None
    assert kind.score(question, typed) == 1


@pytest.mark.parametrize(("question", "typed"), [
    (HOURS, "48 seconds"), (HOURS, "48 days"), (SECONDS, "60 minutes"), (SCALE, "6 kg"),
    (HOURS, "about 48 hours"), (HOURS, "forty-eight"),
])
def test_a_wrong_unit_or_words_are_sent_back_not_graded_right(question, typed):
    kind = question_type("numeric")
    assert kind.score(question, typed) == 0
    message = kind.response_error(question, typed)
    assert message and "Enter a number" in message and question["unit"] in message


def test_a_number_without_a_unit_takes_no_unit_words():
    assert parse_number("12 hours") is None and parse_number("12") == 12
    assert accepted_units(None) == set()
    assert {"h", "hours", "hr"} <= accepted_units("h") and "seconds" in accepted_units("sec")


@pytest.mark.parametrize(("typed", "accepted"), [
    ("deep vein thrombosis", "deep-vein thrombosis"), ("Deep-Vein  Thrombosis.", "deep vein "
                                                      "thrombosis"),
    ("active range of motion", "active range-of-motion"), ("S.O.A.P", "s.o.a.p")])
def test_hyphens_and_spacing_do_not_matter_in_short_answers(typed, accepted):
    assert normalise_text(typed) == normalise_text(accepted)


def test_units_typed_in_spanish_are_read_as_in_english():
    """A Spanish-speaking trainee types the unit in Spanish: graded exactly as in English."""
    assert parse_number("48 horas", "h") == parse_number("48 hours", "h") == 48
    assert parse_number("60 segundos", "s") == 60 and parse_number("90 seg", "s") == 90
    assert parse_number("6 de 10", "/10") == parse_number("6 sobre 10", "/10") == 6
    assert parse_number("2,5 días", "d") == 2.5
    assert parse_number("48 horas", "s") is None  # the wrong unit is still unreadable
