"""Invariants of the statistics on random data (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from analysis_fixtures import attempt
from hypothesis import given, settings
from hypothesis import strategies as st

from tpcourse.analysis import QuestionMeta, analyse

MAX_POINTS = (1.0, 2.0, 3.0)


@st.composite
def quizzes(draw, complete: bool = False):
    """Random attempts: per cell a share of points in quarters, or not drawn."""
    n = draw(st.integers(0, 25))
    k = draw(st.integers(1, 6))
    tops = draw(st.lists(st.sampled_from(MAX_POINTS), min_size=k, max_size=k))
    questions = [QuestionMeta(f"q{j}", "matching", tops[j]) for j in range(k)]
    cell = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
    if not complete:
        cell = st.one_of(st.none(), cell)
    rows = draw(st.lists(st.lists(cell, min_size=k, max_size=k), min_size=n, max_size=n))
    attempts = [
        attempt(
            i,
            {
                f"q{j}": (share * tops[j], tops[j])
                for j, share in enumerate(row)
                if share is not None
            },
        )
        for i, row in enumerate(rows)
    ]
    return attempts, questions


def within(value, low, high, slack=1e-9):
    return value is None or (math.isfinite(value) and low - slack <= value <= high + slack)


@settings(max_examples=150, deadline=None)
@given(quizzes())
def test_statistics_stay_in_range(quiz):
    analysis = analyse(*quiz)
    for item in analysis.items:
        assert within(item.facility, 0, 100)
        assert within(item.discrimination_index, -1, 1)
        assert within(item.point_biserial, -1, 1)
        assert item.sd is None or item.sd >= 0
        assert all(within(o.share, 0, 100) for o in item.options)
    assert within(analysis.quiz.alpha, -math.inf, 1)
    assert within(analysis.quiz.mean, 0, 100) and within(analysis.quiz.median, 0, 100)
    assert analysis.quiz.sem is None or analysis.quiz.sem >= 0
    assert sum(b.count for b in analysis.quiz.histogram) == analysis.quiz.n_attempts


@settings(max_examples=100, deadline=None)
@given(quizzes(complete=True))
def test_alpha_is_the_textbook_formula_on_complete_data(quiz):
    attempts, questions = quiz
    analysis = analyse(attempts, questions)
    scores = np.array([[item.score for item in a.items] for a in attempts]).reshape(
        len(attempts), len(questions)
    )
    k = len(questions)
    if len(attempts) < 2 or k < 2:
        assert analysis.quiz.alpha is None
        return
    item_var = scores.var(axis=0, ddof=1).sum()
    total_var = scores.sum(axis=1).var(ddof=1)
    if total_var < 1e-9 or item_var < 1e-9:
        assert analysis.quiz.alpha is None
        return
    expected = k / (k - 1) * (1 - item_var / total_var)
    assert analysis.quiz.alpha == pytest.approx(expected, abs=1e-9)
    assert analysis.quiz.alpha_basis == "complete"
