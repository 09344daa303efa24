"""The CSV download."""

from __future__ import annotations

import csv
import io

from analysis_fixtures import DICHOTOMOUS_ATTEMPTS, DICHOTOMOUS_QUESTIONS

from tpcourse.analysis import QuestionMeta, analyse, analysis_csv
from tpcourse.analysis.export import QUESTION_COLUMNS


def sections(text: str):
    rows = list(csv.reader(io.StringIO(text)))
    blank = rows.index([])
    return rows[:blank], rows[blank + 1 :]


def test_one_row_per_question_then_quiz_statistics():
    text = analysis_csv(analyse(DICHOTOMOUS_ATTEMPTS, DICHOTOMOUS_QUESTIONS))
    questions, quiz = sections(text)
    assert tuple(questions[0]) == QUESTION_COLUMNS
    q1 = dict(zip(QUESTION_COLUMNS, questions[1], strict=True))
    assert q1["question_id"] == "q1"
    assert q1["facility_percent"] == "60.0"
    assert q1["discrimination_index"] == "0.645"
    assert q1["options"] == "a=60.0%; b=20.0%; c=0.0%"
    assert q1["tags"] == "neck"
    q2 = dict(zip(QUESTION_COLUMNS, questions[2], strict=True))
    assert "Low discrimination" in q2["review"]
    stats = dict(quiz[1:])
    assert stats["attempts"] == "5"
    assert stats["KR-20"] == "0.462"
    assert stats["objective:LOC-1_facility_percent"] == "60.0"
    assert stats["tag:shoulder_facility_percent"] == "50.0"


def test_missing_values_are_blank_and_formulas_are_defused():
    questions = [QuestionMeta('=HYPERLINK("http://x")', "single", 1.0, "@SUM(1)")]
    questions_rows, _ = sections(analysis_csv(analyse([], questions)))
    row = dict(zip(QUESTION_COLUMNS, questions_rows[1], strict=True))
    assert row["question_id"].startswith("'=")
    assert row["objective"] == "'@SUM(1)"
    assert row["facility_percent"] == "" and row["n"] == "0"
