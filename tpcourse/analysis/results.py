"""What item analysis reports. Every statistic is None when the data cannot support it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tpcourse.i18n_markers import N_

# Thresholds from docs/item-analysis.md: where a question deserves a second look.
IDEAL_FACILITY = (30.0, 70.0)
LOW_DISCRIMINATION = 0.2


@dataclass(frozen=True)
class OptionStats:
    """How often one option was chosen, and how those who chose it did overall."""

    option_id: str
    count: int
    share: float  # percent of the attempts that drew the question
    mean_total: float | None  # mean attempt score (percent) of those who chose it


@dataclass(frozen=True)
class ItemStats:
    """Statistics of one question over the attempts that drew it."""

    question_id: str
    type: str
    objective: str | None
    tags: tuple[str, ...]
    max_score: float
    n: int  # attempts that drew the question
    facility: float | None  # mean score as a percent of the maximum
    sd: float | None  # standard deviation of the score, in points
    discrimination_index: float | None  # r(item, rest of test), -1..1
    discriminative_efficiency: float | None  # covariance / its maximum given the marginals
    point_biserial: float | None  # r(item, total including the item), -1..1
    options: tuple[OptionStats, ...] = ()
    unanswered: float | None = None  # percent choosing no option (questions with options)


@dataclass(frozen=True)
class HistogramBin:
    """Attempts whose score percent lies in [lower, upper) (the last bin includes 100)."""

    lower: float
    upper: float
    count: int


@dataclass(frozen=True)
class QuizStats:
    """Statistics of whole attempts; scores are percents of the points drawn."""

    n_attempts: int
    mean: float | None
    median: float | None
    sd: float | None
    alpha: float | None  # Cronbach's alpha; equals KR-20 when every item is dichotomous
    alpha_method: Literal["KR-20", "Cronbach's alpha"]
    alpha_basis: Literal["complete", "pairwise"]  # see docs/item-analysis.md
    sem: float | None  # standard error of measurement, in percent points
    histogram: tuple[HistogramBin, ...]


@dataclass(frozen=True)
class GroupFacility:
    """Mean facility of the questions sharing an objective or a tag."""

    key: str
    n_questions: int  # questions in the group with a facility
    facility: float | None


@dataclass(frozen=True)
class QuizAnalysis:
    """The whole report: quiz, questions (in the order given), objectives and tags."""

    quiz: QuizStats
    items: tuple[ItemStats, ...]
    objectives: tuple[GroupFacility, ...]
    tags: tuple[GroupFacility, ...]


def review_reasons(item: ItemStats) -> tuple[str, ...]:
    """Return the reasons, as sentences, an instructor might review this question."""
    reasons = []
    di = item.discrimination_index
    if di is not None and di < 0:
        reasons.append(N_("Negative discrimination: stronger trainees do worse; check the answer key."))
    elif di is not None and di < LOW_DISCRIMINATION:
        reasons.append(N_("Low discrimination (below 0.2): review the wording and the distractors."))
    if item.facility is not None and item.facility < IDEAL_FACILITY[0]:
        reasons.append(N_("Hard (facility below 30%): check the teaching and the key."))
    elif item.facility is not None and item.facility > IDEAL_FACILITY[1]:
        reasons.append(N_("Easy (facility above 70%): fine for safety essentials, weak at ranking."))
    return tuple(reasons)
