"""Degenerate data gives None, never NaN, a warning or a crash."""

from __future__ import annotations

import dataclasses
import math
import warnings

import pytest
from analysis_fixtures import DICHOTOMOUS_QUESTIONS, attempt

from tpcourse.analysis import ItemResponse, QuestionMeta, analyse


def numbers_in(value):
    """Yield every float anywhere inside a result."""
    if isinstance(value, float):
        yield value
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from numbers_in(getattr(value, field.name))
    elif isinstance(value, tuple):
        for part in value:
            yield from numbers_in(part)


def quiet_analyse(attempts, questions):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        analysis = analyse(attempts, questions)
    assert all(math.isfinite(x) for x in numbers_in(analysis))
    return analysis


def test_no_attempts():
    analysis = quiet_analyse([], DICHOTOMOUS_QUESTIONS)
    assert analysis.quiz.n_attempts == 0
    assert analysis.quiz.mean is analysis.quiz.sd is analysis.quiz.alpha is None
    assert all(item.n == 0 and item.facility is None for item in analysis.items)
    assert sum(b.count for b in analysis.quiz.histogram) == 0


def test_no_questions():
    analysis = quiet_analyse([attempt(1, {"x": (1, 1)})], [])
    assert analysis.items == ()
    assert analysis.quiz.mean == 100.0


def test_single_attempt_has_facility_but_no_spread():
    analysis = quiet_analyse([attempt(1, {"q1": (1, 1), "q2": (0, 1)})], DICHOTOMOUS_QUESTIONS)
    q1, q2, q3 = analysis.items
    assert q1.facility == 100.0 and q2.facility == 0.0
    assert q1.sd is None and q1.discrimination_index is None and q1.point_biserial is None
    assert q3.n == 0 and q3.facility is None
    assert analysis.quiz.sd is None and analysis.quiz.alpha is None and analysis.quiz.sem is None


def test_zero_variance_everywhere():
    same = [attempt(i, {"q1": (1, 1), "q2": (1, 1), "q3": (1, 1)}) for i in range(4)]
    analysis = quiet_analyse(same, DICHOTOMOUS_QUESTIONS)
    for item in analysis.items:
        assert item.facility == 100.0
        assert item.sd == 0.0
        assert item.discrimination_index is None
        assert item.discriminative_efficiency is None
        assert item.point_biserial is None
    assert analysis.quiz.sd == 0.0
    assert analysis.quiz.alpha is None and analysis.quiz.sem is None


def test_constant_item_among_varying_ones():
    attempts = [attempt(i, {"q1": (1, 1), "q2": (i % 2, 1), "q3": (i // 2, 1)}) for i in range(4)]
    analysis = quiet_analyse(attempts, DICHOTOMOUS_QUESTIONS)
    q1, q2, _ = analysis.items
    assert q1.discrimination_index is None and q1.point_biserial is None
    assert q2.discrimination_index is not None


def test_single_question_quiz_has_no_rest_of_test():
    questions = [QuestionMeta("only", "single", 1.0)]
    attempts = [attempt(i, {"only": (i % 2, 1)}) for i in range(4)]
    analysis = quiet_analyse(attempts, questions)
    only = analysis.items[0]
    assert only.facility == 50.0
    assert only.discrimination_index is None and only.discriminative_efficiency is None
    assert only.point_biserial == pytest.approx(1.0)
    assert analysis.quiz.alpha is None


def test_unusable_responses_are_left_out():
    broken = attempt(1, {"q1": (1, 0), "q2": (float("nan"), 1), "q3": (1, 1)})
    analysis = quiet_analyse([broken], DICHOTOMOUS_QUESTIONS)
    q1, q2, q3 = analysis.items
    assert q1.n == 0 and q2.n == 0 and q3.n == 1


def test_attempt_without_items_is_not_counted():
    empty = dataclasses.replace(attempt(1, {}), items=())
    analysis = quiet_analyse([empty, attempt(2, {"q1": (1, 1)})], DICHOTOMOUS_QUESTIONS)
    assert analysis.quiz.n_attempts == 1


def test_unknown_and_repeated_options():
    questions = [QuestionMeta("m", "multiple", 1.0, option_ids=("a", "b"))]
    attempts = [
        attempt(1, {"m": (1, 1, ("a", "a", "b"))}),
        attempt(2, {"m": (0, 1, ("zz",))}),
    ]
    item = quiet_analyse(attempts, questions).items[0]
    shares = {o.option_id: o.count for o in item.options}
    assert shares == {"a": 1, "b": 1, "zz": 1}  # a counted once; zz kept, after the listed ones
    assert [o.option_id for o in item.options] == ["a", "b", "zz"]


def test_item_response_defaults():
    response = ItemResponse("q", 1.0, 1.0)
    assert response.choices == () and response.point is None
