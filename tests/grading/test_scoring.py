"""Scoring of every question type, exactly as CONTENT_FORMAT.md says."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpcourse.grading.attempts import drawn_points, grade_attempt
from tpcourse.grading.types import QUESTION_TYPES, question_type
from tpcourse.grading.types.text import normalise_text, parse_number


def opts(*flags):
    return [{"id": chr(97 + i), "text": f"option {i}", "correct": f} for i, f in enumerate(flags)]


SINGLE = {"type": "single", "options": opts(True, False, False)}
MULTI = {"type": "multiple", "options": opts(True, True, False, False)}
NUMERIC = {"type": "numeric", "answer": 60, "tolerance": 30, "unit": "s"}
SHORT = {"type": "short_text", "accept": ["referred", "referred pain"]}
MATCH = {"type": "matching", "pairs": [["A", "1"], ["B", "2"], ["C", "3"], ["D", "4"]]}
ORDER = {"type": "ordering", "items": ["one", "two", "three", "four"]}
HOTSPOT = {"type": "hotspot", "image": "m.svg", "viewbox": [0, 0, 100, 100], "regions": [
    {"shape": "circle", "cx": 20, "cy": 20, "r": 5},
    {"shape": "polygon", "points": [[50, 50], [90, 50], [90, 90]]},
    {"shape": "rect", "x": 0, "y": 80, "width": 10, "height": 10}]}


def score(q, response):
    return question_type(q["type"]).score(q, response)


@pytest.mark.parametrize(("response", "expected"), [("a", 1), ("b", 0), (None, 0)])
def test_single_all_or_nothing(response, expected):
    assert score(SINGLE, response) == expected


@pytest.mark.parametrize(("chosen", "expected"), [
    (["a", "b"], Fraction(1)),
    (["a"], Fraction(1, 2)),
    (["a", "c"], Fraction(0)),          # +1/2 - 1/2
    (["a", "b", "c"], Fraction(1, 2)),  # +1 - 1/2
    (["c", "d"], Fraction(0)),          # floored at 0
    (None, Fraction(0)),
])
def test_multiple_partial_credit(chosen, expected):
    assert score(MULTI, chosen) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("60", 1), ("30", 1), ("90", 1), ("90.5", 0), ("29", 0), ("45 s", 1), ("45,5", 1),
    ("sixty", 0), ("", 0), (None, 0), ("45 kg", 0)])
def test_numeric_tolerance(typed, expected):
    assert score(NUMERIC, typed) == expected


def test_numeric_reports_unreadable_input():
    kind = question_type("numeric")
    assert kind.response_error(NUMERIC, "abc")
    assert kind.response_error(NUMERIC, "60 s") is None
    assert parse_number("1e999") is None or parse_number("1e999") > 0


@pytest.mark.parametrize(("typed", "expected"), [
    ("Referred", 1), ("  referred   PAIN ", 1), ("referred.", 1), ("refer", 0), (None, 0)])
def test_short_text_ignores_case_and_spacing(typed, expected):
    assert score(SHORT, typed) == expected
    assert normalise_text("A  B") == "a b"


def test_matching_and_ordering_give_one_share_each():
    assert score(MATCH, ["1", "2", "3", "4"]) == 1
    assert score(MATCH, ["1", "2", "4", "3"]) == Fraction(1, 2)
    assert score(MATCH, [None, "2", None, None]) == Fraction(1, 4)
    assert score(ORDER, ["one", "two", "four", "three"]) == Fraction(1, 2)
    assert score(ORDER, None) == 0


@pytest.mark.parametrize(("point", "expected"), [
    ([20, 20], 1), ([24, 23], 1), ([26, 20], 0), ([85, 60], 1), ([55, 85], 0), ([5, 85], 1),
    (None, 0)])
def test_hotspot_regions(point, expected):
    assert score(HOTSPOT, point) == expected


def test_hotspot_form_reading_and_bounds():
    kind = question_type("hotspot")
    assert kind.parse_response(HOTSPOT, [], "q", {"q-x": ["20"], "q-y": ["21.5"]}) == [20, 21.5]
    assert kind.parse_response(HOTSPOT, [], "q", {"q-img.x": ["12"], "q-img.y": ["7"]}) == [12, 7]
    assert kind.parse_response(HOTSPOT, [], "q", {"q-x": ["500"], "q-y": ["5"]}) is None
    assert kind.parse_response(HOTSPOT, [], "q", {"q-x": ["nan"], "q-y": ["5"]}) is None


def test_choice_values_are_display_positions_not_option_ids():
    kind = question_type("single")
    order = ["c", "a", "b"]
    assert kind.parse_response(SINGLE, order, "q", {"q": ["1"]}) == "a"
    assert kind.parse_response(SINGLE, order, "q", {"q": ["7"]}) is None
    assert kind.parse_response(SINGLE, order, "q", {"q": ["a"]}) is None
    assert kind.public(SINGLE, order) == {"choices": ["option 2", "option 0", "option 1"]}


def test_public_views_never_hold_the_key():
    rng = random.Random(1)
    for q in (SINGLE, MULTI, MATCH, ORDER, HOTSPOT, NUMERIC, SHORT):
        kind = question_type(q["type"])
        public = repr(kind.public(q, kind.draw_order(q, rng, True)))
        assert "correct" not in public and "regions" not in public and "accept" not in public
        assert "'answer'" not in public


def quiz(*questions, pass_mark=80, draw=None):
    return {"pass_mark": pass_mark, "draw": draw or {}, "questions": [
        {"id": f"q{i}", "points": 1, "must_pass": False, **q} for i, q in enumerate(questions)]}


def test_pass_mark_and_must_pass():
    data = quiz(SINGLE, SINGLE, SINGLE, SINGLE, {**SINGLE, "must_pass": True}, pass_mark=80)
    ids = [q["id"] for q in data["questions"]]
    everything = grade_attempt(data, ids, dict.fromkeys(ids, "a"))
    assert everything.passed and everything.percent == 100
    four = grade_attempt(data, ids, {"q0": "a", "q1": "a", "q2": "a", "q3": "b", "q4": "a"})
    assert four.passed and four.percent == 80
    must_missed = grade_attempt(data, ids, {"q0": "a", "q1": "a", "q2": "a", "q3": "a"})
    assert must_missed.percent == 80 and not must_missed.passed
    assert must_missed.failed_must_pass == ["q4"]


def test_points_weight_the_score():
    data = quiz({**MULTI, "points": 3}, SINGLE, pass_mark=50)
    result = grade_attempt(data, ["q0", "q1"], {"q0": ["a"], "q1": "b"})
    assert result.score == 1.5 and result.max_score == 4 and result.percent == 37.5


def reference_grade(data, responses):
    """Grade the plain way: every share times its points, summed as exact fractions."""
    total = maximum = Fraction(0)
    for q in data["questions"]:
        points = Fraction(q["points"]).limit_denominator(1000)
        total += points * min(max(score(q, responses.get(q["id"])), Fraction(0)), Fraction(1))
        maximum += points
    return total, maximum


@given(st.lists(st.tuples(st.sampled_from([SINGLE, MULTI, MATCH]),
                          st.sampled_from([1, 2, 3, 0.1, 0.25, 0.5, 1.5, 2.75]),
                          st.sampled_from([None, "a", ["a"], ["a", "b"], ["a", "c"],
                                           ["1", "2", "3", "4"], ["1", "9", "3", "4"]])),
                min_size=1, max_size=12),
       st.integers(0, 100))
def test_grade_sums_exactly_whatever_the_points_and_shares(questions, pass_mark):
    """Whole, partial and zero shares of whole and fractional points add up exactly."""
    data = quiz(*[{**q, "points": points} for q, points, _ in questions], pass_mark=pass_mark)
    responses = {f"q{i}": response for i, (_, _, response) in enumerate(questions)}
    result = grade_attempt(data, [q["id"] for q in data["questions"]], responses)
    total, maximum = reference_grade(data, responses)
    assert result.score == round(float(total), 4) and result.max_score == float(maximum)
    assert result.percent == round(float(total * 100 / maximum), 2)
    assert result.passed == (total * 100 >= pass_mark * maximum)


def test_tenths_of_points_add_up_without_binary_rounding():
    data = quiz(*[{**SINGLE, "points": 0.1}] * 10, pass_mark=100)
    result = grade_attempt(data, [f"q{i}" for i in range(10)], {f"q{i}": "a" for i in range(10)})
    assert result.passed and result.percent == 100 and result.score == 1.0  # 0.1 * 10 floats: 0.999…


def test_drawn_points_is_the_largest_possible_draw():
    data = quiz(*[{**SINGLE, "pool": "p", "points": n} for n in (1, 2, 3)], SINGLE,
                draw={"p": 2})
    assert drawn_points(data) == 6  # 3 + 2 from the pool (all-equal draws aside) + 1 unpooled


ESSAY = {"type": "essay", "word_limit": 5, "template": "Plan:", "rubric": [], "points": 2,
         "model_answer": "Refer."}
QUESTIONS = [SINGLE, MULTI, {"type": "true_false", "answer": True}, NUMERIC, SHORT, MATCH,
             ORDER, HOTSPOT, ESSAY]
AUTOMATIC = [q for q in QUESTIONS if not question_type(q["type"]).manual]


def test_every_registered_type_is_covered_here():
    assert {q["type"] for q in QUESTIONS} == set(QUESTION_TYPES)


@given(st.sampled_from(QUESTIONS), st.randoms(use_true_random=False), st.data())
def test_score_between_zero_and_one_for_any_response(q, rng, data):
    kind = question_type(q["type"])
    order = kind.draw_order(q, rng, True)
    raw = data.draw(st.dictionaries(st.sampled_from(["q", "q-0", "q-1", "q-x", "q-y", "q-img.x"]),
                                    st.lists(st.text(max_size=8), max_size=3)))
    response = kind.parse_response(q, order, "q", raw)
    assert 0 <= kind.score(q, response) <= 1


@given(st.permutations(range(4)))
def test_key_scores_full_marks_whatever_the_display_order(perm):
    multi = {**MULTI, "options": [MULTI["options"][i] for i in perm]}
    assert score(multi, ["a", "b"]) == 1
    pairs = [MATCH["pairs"][i] for i in perm]
    assert score({"type": "matching", "pairs": pairs}, [p[1] for p in pairs]) == 1


@given(st.sets(st.sampled_from("abcd")))
def test_multiple_partial_credit_formula(chosen):
    k = 2
    right = len(chosen & {"a", "b"})
    wrong = len(chosen - {"a", "b"})
    assert score(MULTI, sorted(chosen)) == max(Fraction(0), Fraction(right - wrong, k))


def test_only_essays_wait_for_a_grader_and_the_machine_gives_them_nothing():
    assert [q["type"] for q in QUESTIONS if q not in AUTOMATIC] == ["essay"]
    assert score(ESSAY, "A fine plan") == 0


@pytest.mark.parametrize("q", AUTOMATIC, ids=[q["type"] for q in AUTOMATIC])
def test_key_response_earns_full_marks(q):
    kind = question_type(q["type"])
    assert kind.score(q, kind.key_response(q)) == 1


def test_key_response_finds_a_point_inside_a_concave_polygon():
    from tpcourse.grading.types.hotspot import inner_point, point_in_region

    c_shape = {"shape": "polygon", "points": [[0, 0], [10, 0], [10, 2], [2, 2], [2, 8], [10, 8],
                                              [10, 10], [0, 10]]}
    assert point_in_region(*inner_point(c_shape), c_shape)
