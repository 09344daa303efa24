"""Item and quiz statistics against values worked out by hand (see analysis_fixtures.py)."""

from __future__ import annotations

import math

import pytest
from analysis_fixtures import (
    DICHOTOMOUS_ATTEMPTS,
    DICHOTOMOUS_QUESTIONS,
    DRAWN_ATTEMPTS,
    DRAWN_QUESTIONS,
    PARTIAL_ATTEMPTS,
    PARTIAL_QUESTIONS,
)

from tpcourse.analysis import analyse, review_reasons

approx = pytest.approx


@pytest.fixture(scope="module")
def dichotomous():
    return analyse(DICHOTOMOUS_ATTEMPTS, DICHOTOMOUS_QUESTIONS)


def items_by_id(analysis):
    return {item.question_id: item for item in analysis.items}


def test_facility_and_sd(dichotomous):
    q1, q2, q3 = dichotomous.items
    # q1 = [1,1,1,0,0]: mean 0.6 -> 60 %; squared deviations 3 * 0.4^2 + 2 * 0.6^2 = 1.2,
    # sample variance 1.2 / 4 = 0.3, sd sqrt(0.3) = 0.5477.
    assert q1.n == 5
    assert q1.facility == approx(60.0)
    assert q1.sd == approx(math.sqrt(0.3))
    assert q2.facility == approx(60.0)  # [1,1,0,1,0]
    assert q3.facility == approx(40.0)  # [1,0,1,0,0]: 2 * 0.6^2 + 3 * 0.4^2 = 1.2 too
    assert q3.sd == approx(0.5477225575)


def test_point_biserial(dichotomous):
    q1, _, q3 = dichotomous.items
    # Totals X = [3,2,2,1,0], mean 1.6, sample variance 5.2 / 4 = 1.3.
    # q1: sum of (q - 0.6)(X - 1.6) = .56 + .16 + .16 + .36 + .96 = 2.2 -> cov 0.55;
    # r = 0.55 / sqrt(0.3 * 1.3) = 0.880705.
    # Same by the textbook formula (M1 - M0) / s_n * sqrt(pq), s_n the population sd:
    # M1 = 7/3, M0 = 1/2, s_n = sqrt(1.04): (11/6) / 1.019804 * sqrt(0.24) = 0.880705.
    assert q1.point_biserial == approx(0.880705, abs=1e-6)
    # q3: cross products .84 - .16 + .24 + .24 + .64 = 1.8 -> cov 0.45; 0.45 / 0.624500 = 0.720577.
    assert q3.point_biserial == approx(0.720577, abs=1e-6)


def test_discrimination_index_uses_rest_of_test(dichotomous):
    q1, q2, q3 = dichotomous.items
    # q1 rest = X - q1 = [2,1,1,1,0], mean 1, variance 2 / 4 = 0.5;
    # cross products .4*1 + 0 + 0 + 0 + (-.6)(-1) = 1.0 -> cov 0.25;
    # DI = 0.25 / sqrt(0.3 * 0.5) = 0.645497.
    assert q1.discrimination_index == approx(0.645497, abs=1e-6)
    # q2 rest = [2,1,2,0,0], mean 1: cross products .4 + 0 - .6 - .4 + .6 = 0 -> DI 0.
    assert q2.discrimination_index == approx(0.0, abs=1e-12)
    # q3 rest = [2,2,1,1,0], mean 1.2, variance 2.8 / 4 = 0.7;
    # cross products .48 - .32 - .12 + .08 + .48 = 0.6 -> cov 0.15; 0.15 / sqrt(0.21) = 0.327327.
    assert q3.discrimination_index == approx(0.327327, abs=1e-6)


def test_discriminative_efficiency(dichotomous):
    q1, q2, q3 = dichotomous.items
    # Moodle: DE = cov(item, rest) / cov_max, cov_max pairing both sorted ascending.
    # q3 sorted [0,0,0,1,1] (dev -.4 x3, .6 x2), rest sorted [0,1,1,2,2] (dev -1.2,-.2,-.2,.8,.8):
    # products .48 + .08 + .08 + .48 + .48 = 1.6 -> cov_max 0.4; DE = 0.15 / 0.4 = 0.375.
    assert q3.discriminative_efficiency == approx(0.375)
    # q1 is already in rank order with its rest: cov = cov_max -> 1.
    assert q1.discriminative_efficiency == approx(1.0)
    assert q2.discriminative_efficiency == approx(0.0, abs=1e-12)


def test_kr20_and_sem_on_dichotomous_items(dichotomous):
    quiz = dichotomous.quiz
    # KR-20 = k/(k-1) (1 - sum pq / population variance of totals)
    #       = 3/2 (1 - (.24 + .24 + .24) / 1.04) = 3/2 * 0.32 / 1.04 = 6/13 = 0.461538.
    assert quiz.alpha_method == "KR-20"
    assert quiz.alpha_basis == "complete"
    assert quiz.alpha == approx(6 / 13)
    # Totals in percent of 3 points: [100, 66.67, 66.67, 33.33, 0].
    assert quiz.n_attempts == 5
    assert quiz.mean == approx(160 / 3)
    assert quiz.median == approx(200 / 3)
    # sd = sqrt(1.3) points = 38.0058 %; SEM = sd sqrt(1 - 6/13) = sqrt(0.7) points = 27.8887 %.
    assert quiz.sd == approx(math.sqrt(1.3) * 100 / 3)
    assert quiz.sem == approx(math.sqrt(0.7) * 100 / 3)


def test_histogram_bins(dichotomous):
    bins = dichotomous.quiz.histogram
    assert [(b.lower, b.upper) for b in bins][:2] == [(0, 10), (10, 20)]
    assert bins[-1].upper == 100
    assert [b.count for b in bins] == [1, 0, 0, 1, 0, 0, 2, 0, 0, 1]  # 100 % in the last bin
    wide = analyse(DICHOTOMOUS_ATTEMPTS, DICHOTOMOUS_QUESTIONS, bin_width=25).quiz.histogram
    assert [b.count for b in wide] == [1, 1, 2, 1]


def test_distractor_shares(dichotomous):
    q1 = dichotomous.items[0]
    shares = {o.option_id: (o.count, o.share) for o in q1.options}
    # Of five attempts: a chosen 3 times, b once, c never, one left blank.
    assert shares == {"a": (3, approx(60.0)), "b": (1, approx(20.0)), "c": (0, 0.0)}
    assert q1.unanswered == approx(20.0)
    by_id = {o.option_id: o for o in q1.options}
    assert by_id["a"].mean_total == approx((100 + 200 / 3 + 200 / 3) / 3)
    assert by_id["b"].mean_total == approx(100 / 3)
    assert by_id["c"].mean_total is None
    assert dichotomous.items[1].unanswered is None  # no options listed


def test_objective_and_tag_facility(dichotomous):
    objectives = {g.key: g for g in dichotomous.objectives}
    assert objectives["LOC-1"].facility == approx(60.0)  # q1 60, q2 60
    assert objectives["PRS-2"].facility == approx(40.0)
    tags = {g.key: (g.n_questions, g.facility) for g in dichotomous.tags}
    assert tags == {"neck": (2, approx(60.0)), "shoulder": (2, approx(50.0))}


def test_cronbach_alpha_on_partial_credit():
    analysis = analyse(PARTIAL_ATTEMPTS, PARTIAL_QUESTIONS)
    m1, m2, t1 = analysis.items
    # m1 [2,1,1,0] points: facility 4 / 8 = 50 %, variance 2/3.
    # m2 [2,2,0,1]: facility 5 / 8 = 62.5 %, variance 2.75 / 3 = 0.916667, sd 0.957427.
    # t1 [1,1,1,0]: facility 75 %, variance 0.25.
    assert (m1.facility, m2.facility, t1.facility) == (approx(50), approx(62.5), approx(75))
    assert m2.sd == approx(math.sqrt(2.75 / 3))
    # Totals [5,4,2,1], variance 10 / 3. alpha = 3/2 (1 - (2/3 + 11/12 + 1/4) / (10/3))
    #                                          = 3/2 (1 - 0.55) = 0.675.
    quiz = analysis.quiz
    assert quiz.alpha_method == "Cronbach's alpha"
    assert quiz.alpha == approx(0.675)
    # sd of totals in percent of 5 points: sqrt(10/3) * 20 = 36.5148;
    # SEM = sqrt(10/3 * 0.325) points = 1.040833 points = 20.8167 %.
    assert quiz.sd == approx(math.sqrt(10 / 3) * 20)
    assert quiz.sem == approx(math.sqrt(10 / 3 * 0.325) * 20)


def test_missing_items_use_the_attempts_that_drew_them():
    analysis = analyse(DRAWN_ATTEMPTS, DRAWN_QUESTIONS)
    a, b, c = analysis.items
    assert (a.n, b.n, c.n) == (4, 4, 4)
    assert a.facility == approx(50.0)  # [1,0,1,0]
    assert c.facility == approx(50.0)  # [., ., 1, 1, 0, 0]
    # a's rest of test: A1 b=1 -> 100 %, A2 0 %, A3 c=1 -> 100 %, A4 c=1 -> 100 %.
    # As fractions: a dev [.5,-.5,.5,-.5], rest [1,0,1,1] dev [.25,-.75,.25,.25]:
    # cov = 0.5 / 3, var a = 1/3, var rest = 0.75 / 3 -> DI = (1/6) / sqrt(1/12) = 1/sqrt(3).
    assert a.discrimination_index == approx(1 / math.sqrt(3))
    quiz = analysis.quiz
    assert quiz.alpha_basis == "pairwise"
    # Pairs (each drawn together by 2 attempts, so N - 1 = 1 per ordered pair):
    #   (a,b): a [1,0], b [1,0]  cov_ss 0.5, var_ss a 0.5, b 0.5
    #   (a,c): a [1,0], c [1,1]  cov_ss 0,   var_ss a 0.5, c 0
    #   (b,c): b [1,0], c [0,0]  cov_ss 0,   var_ss b 0.5, c 0
    # Pooled over the six ordered pairs: c = 1 / 6, v = 2 / 6; m = 2 questions per attempt.
    # alpha = m c / (v + (m - 1) c) = (1/3) / (1/2) = 2/3.
    assert quiz.alpha == approx(2 / 3)
    # Totals [100, 0, 100, 50, 50, 0]: mean 50, variance 10000 / 5 = 2000.
    assert quiz.mean == approx(50.0)
    assert quiz.sd == approx(math.sqrt(2000))
    assert quiz.sem == approx(math.sqrt(2000) * math.sqrt(1 / 3))


def test_responses_to_unlisted_questions_count_only_in_totals():
    questions = DICHOTOMOUS_QUESTIONS[:2]  # q3 retired from the quiz file
    analysis = analyse(DICHOTOMOUS_ATTEMPTS, questions)
    assert [item.question_id for item in analysis.items] == ["q1", "q2"]
    assert analysis.quiz.mean == approx(160 / 3)  # still out of 3 points
    # q1's rest of test still includes q3, so its discrimination index is unchanged.
    assert analysis.items[0].discrimination_index == approx(0.645497, abs=1e-6)


def test_review_reasons_flag_weak_questions(dichotomous):
    q1, q2, _ = dichotomous.items
    assert review_reasons(q1) == ()
    assert any("Low discrimination" in reason for reason in review_reasons(q2))
