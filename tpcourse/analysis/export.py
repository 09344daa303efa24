"""Item analysis as CSV, for instructors to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from tpcourse.analysis.results import ItemStats, QuizAnalysis, review_reasons

QUESTION_COLUMNS = (
    "question_id",
    "type",
    "objective",
    "tags",
    "max_score",
    "n",
    "facility_percent",
    "sd",
    "discrimination_index",
    "discriminative_efficiency",
    "point_biserial",
    "unanswered_percent",
    "options",
    "review",
)


def analysis_csv(analysis: QuizAnalysis) -> str:
    """Return one row per question, then a blank line and the quiz statistics as name, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(QUESTION_COLUMNS)
    for item in analysis.items:
        writer.writerow(_question_row(item))
    writer.writerow([])
    writer.writerow(["quiz_statistic", "value"])
    quiz = analysis.quiz
    for name, value in (
        ("attempts", quiz.n_attempts),
        ("mean_percent", _num(quiz.mean, 1)),
        ("median_percent", _num(quiz.median, 1)),
        ("sd_percent", _num(quiz.sd, 2)),
        (_safe(quiz.alpha_method), _num(quiz.alpha, 3)),
        ("alpha_basis", quiz.alpha_basis),
        ("sem_percent", _num(quiz.sem, 2)),
    ):
        writer.writerow([name, value])
    for label, groups in (("objective", analysis.objectives), ("tag", analysis.tags)):
        for group in groups:
            writer.writerow(
                [f"{label}:{_safe(group.key)}_facility_percent", _num(group.facility, 1)]
            )
    return out.getvalue()


def _question_row(item: ItemStats) -> list[str]:
    options = "; ".join(f"{option.option_id}={option.share:.1f}%" for option in item.options)
    return [
        _safe(item.question_id),
        _safe(item.type),
        _safe(item.objective or ""),
        _safe(";".join(item.tags)),
        _num(item.max_score, 2),
        str(item.n),
        _num(item.facility, 1),
        _num(item.sd, 3),
        _num(item.discrimination_index, 3),
        _num(item.discriminative_efficiency, 3),
        _num(item.point_biserial, 3),
        _num(item.unanswered, 1),
        _safe(options),
        " ".join(review_reasons(item)),
    ]


def _num(value: float | None, places: int) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _safe(text: str) -> str:
    """Keep a spreadsheet from reading authored text as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
