"""The pure rules behind the navigator, the summary page, paging and the rules in words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tpcourse.grading.navigation import (
    clamp_page,
    drawn_question_count,
    failed_must_pass,
    is_answered,
    merge_flags,
    must_pass_count,
    page_count,
    page_numbers,
    page_of,
    question_states,
)
from tpcourse.web.helpers import duration, format_day, format_moment, plural


def test_pages_split_questions_in_order():
    assert page_count(8, None) == 1 and page_count(8, 3) == 3 and page_count(6, 3) == 2
    assert page_count(2, 5) == 1
    assert list(page_numbers(1, 8, 3)) == [1, 2, 3]
    assert list(page_numbers(3, 8, 3)) == [7, 8]
    assert list(page_numbers(2, 8, None)) == list(range(1, 9))  # unpaged: everything
    assert [page_of(n, 3) for n in range(1, 9)] == [1, 1, 1, 2, 2, 2, 3, 3]
    assert page_of(7, None) == 1


@given(count=st.integers(1, 120), per_page=st.one_of(st.none(), st.integers(1, 30)))
def test_every_question_is_on_exactly_one_page(count, per_page):
    seen = [n for page in range(1, page_count(count, per_page) + 1)
            for n in page_numbers(page, count, per_page)]
    assert seen == list(range(1, count + 1))
    assert all(n in page_numbers(page_of(n, per_page), count, per_page) for n in seen)


def test_odd_page_numbers_fall_back_to_a_real_page():
    assert clamp_page("2", 8, 3) == 2
    assert clamp_page("99", 8, 3) == 3
    assert [clamp_page(raw, 8, 3) for raw in (None, "", "0", "-1", "two", "1e3")] == [1] * 6


def test_answered_means_any_answer_never_a_right_one():
    assert not any(is_answered(r) for r in (None, "", [], [None, None], ["", None]))
    assert all(is_answered(r) for r in ("b", ["a"], [None, "x"], 0, False, [12.5, 3], "999"))


def test_states_follow_the_draw_and_carry_no_grade():
    states = question_states(["q-a", "q-b", "q-c"], {"q-a": "x", "q-b": None}, ["q-c"], 2)
    assert [(s.number, s.page, s.answered, s.flagged) for s in states] == [
        (1, 1, True, False), (2, 1, False, False), (3, 2, False, True)]
    assert not hasattr(states[0], "correct") and not hasattr(states[0], "score")


def test_flags_of_other_pages_survive_a_page_post():
    ids = ["a", "b", "c", "d", "e"]
    # Page 1 (questions 1-2) posted with question 2 ticked: 1's flag cleared, 4's kept.
    assert merge_flags(ids, ["a", "d"], range(1, 3), ["2"]) == ["b", "d"]
    # A ticked box for a question not on the page, or nonsense, changes nothing.
    assert merge_flags(ids, ["d"], range(1, 3), ["5", "x", "0", "99"]) == ["d"]
    assert merge_flags(ids, None, range(1, 6), ["3", "1"]) == ["a", "c"]  # draw order
    assert merge_flags(ids, None, range(1, 6), ["q4", "qq4", "q"]) == ["d"]  # the page's form


def test_drawn_count_and_must_pass_count_follow_the_draw():
    quiz = {"questions": [
        {"id": "a", "must_pass": True}, {"id": "b"},
        {"id": "p1", "pool": "safety", "must_pass": True},
        {"id": "p2", "pool": "safety", "must_pass": True}, {"id": "p3", "pool": "safety"},
        {"id": "x", "pool": "extra"}], "draw": {"safety": 2, "extra": 5}}
    assert drawn_question_count(quiz) == 2 + 2 + 1
    count = must_pass_count(quiz)
    assert (count.always, count.pooled, count.any) == (1, 2, True)
    assert not must_pass_count({"questions": [{"id": "a"}]}).any


def test_failed_must_pass_names_positions_in_the_draw():
    results = [{"id": "b", "must_pass": True, "score": 0.5, "points": 1},
               {"id": "a", "must_pass": False, "score": 0, "points": 1},
               {"id": "c", "must_pass": True, "score": 2, "points": 2}]
    assert failed_must_pass(results, ["c", "a", "b"]) == [3]  # partial is not correct
    assert failed_must_pass(None, ["a"]) == []


def test_durations_read_in_human_units():
    assert [duration(m) for m in (1, 30, 60, 90, 1440, 2880, 4320, 1500)] == [
        "1 minute", "30 minutes", "1 hour", "1 hour 30 minutes", "24 hours", "48 hours",
        "3 days", "25 hours"]
    assert plural(1, "lesson") == "1 lesson" and plural(3, "lesson") == "3 lessons"
    assert plural(2.5, "CE hour") == "2.5 CE hours"


def test_one_date_format_everywhere():
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    moment = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    assert format_day(date(2025, 3, 7)) == "7 March 2025"
    assert format_day("2025-03-07") == "7 March 2025"  # the verify page's ISO dates
    assert format_day(moment) == "2 March 2026"  # a record's day is its UTC day
    assert format_moment(moment) == "2 March 2026, 23:30 UTC"
    assert format_moment(moment, ZoneInfo("Asia/Tokyo")) == "3 March 2026, 08:30 JST"
