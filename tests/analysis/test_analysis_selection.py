"""Which attempts per trainee go into the analysis."""

from __future__ import annotations

import pytest
from analysis_fixtures import attempt

from tpcourse.analysis import attempt_percent, select_attempts

# Trainee 1: 50 %, then 80 %, then 80 % again; trainee 2: 100 % then 0 %.
ATTEMPTS = [
    attempt(3, {"q": (4, 5)}, user=1, minutes=30),
    attempt(1, {"q": (1, 2)}, user=1, minutes=10),
    attempt(2, {"q": (0, 1)}, user=2, minutes=20),
    attempt(4, {"q": (8, 10)}, user=1, minutes=40),
    attempt(0, {"q": (1, 1)}, user=2, minutes=5),
]


def ids(attempts):
    return [a.attempt_id for a in attempts]


def test_first_takes_each_trainees_earliest():
    assert ids(select_attempts(ATTEMPTS, "first")) == ["att-0", "att-1"]


def test_highest_takes_the_best_and_the_earlier_on_a_tie():
    assert ids(select_attempts(ATTEMPTS, "highest")) == ["att-0", "att-3"]


def test_all_keeps_every_attempt_in_submission_order():
    assert ids(select_attempts(ATTEMPTS, "all")) == ["att-0", "att-1", "att-2", "att-3", "att-4"]


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="first"):
        select_attempts(ATTEMPTS, "best")


def test_attempt_percent():
    assert attempt_percent(ATTEMPTS[0]) == pytest.approx(80.0)
    assert attempt_percent(attempt(9, {})) == 0.0
