"""Item analysis of quiz attempts: which questions work, and charts of the answers.

Pure: imports neither flask, sqlalchemy nor other tpcourse packages. Formulas and how to
read them are in docs/item-analysis.md.
"""

from tpcourse.analysis.export import analysis_csv
from tpcourse.analysis.responses import (
    AttemptResponses,
    ItemResponse,
    QuestionMeta,
    attempt_percent,
    select_attempts,
)
from tpcourse.analysis.results import (
    GroupFacility,
    HistogramBin,
    ItemStats,
    OptionStats,
    QuizAnalysis,
    QuizStats,
    review_reasons,
)
from tpcourse.analysis.stats import analyse

__all__ = [
    "AttemptResponses",
    "GroupFacility",
    "HistogramBin",
    "ItemResponse",
    "ItemStats",
    "OptionStats",
    "QuestionMeta",
    "QuizAnalysis",
    "QuizStats",
    "analyse",
    "analysis_csv",
    "attempt_percent",
    "review_reasons",
    "select_attempts",
]
