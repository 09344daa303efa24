"""Stream completion rows as one JSON document that validates against completions-v1.json."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import Any

from tpcourse.records.encoding import chunked, compact_json, isoformat_z, json_array
from tpcourse.records.fields import completion_fields
from tpcourse.records.rows import CompletionRow, QuizOutcome, SkillOutcome

__all__ = ["SCHEMA_FILE", "SCHEMA_URL", "completion_record", "load_schema", "stream_json"]

SCHEMA_URL = "https://tpcourse.example/schemas/completions-v1.json"
SCHEMA_FILE = "schemas/completions-v1.json"  # inside this package; its $id is SCHEMA_URL


def load_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) that every `stream_json` document satisfies."""
    text = resources.files("tpcourse.records").joinpath(SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def quiz_outcome_record(outcome: QuizOutcome) -> dict[str, Any]:
    """Map one quiz outcome to its JSON object."""
    return {
        "quiz_slug": outcome.quiz_slug,
        "quiz_title": outcome.quiz_title,
        "attempt_id": outcome.attempt_id,
        "submitted_at": isoformat_z(outcome.submitted_at),
        "score": outcome.score,
        "max_score": outcome.max_score,
        "percent": outcome.percent,
        "passed": outcome.passed,
        "is_final_exam": outcome.is_final_exam,
    }


def completion_record(row: CompletionRow) -> dict[str, Any]:
    """Map a row to its JSON record: the CSV fields, then slugs, issue date and quiz outcomes."""
    record = completion_fields(row)
    record["school_slug"] = row.school_slug
    record["course_slug"] = row.course_slug
    record["issued_at"] = None if row.issued_at is None else isoformat_z(row.issued_at)
    record["quiz_outcomes"] = [quiz_outcome_record(outcome) for outcome in row.quiz_outcomes]
    record["practical_skills"] = [skill_record(skill) for skill in row.skill_signoffs]
    return record


def skill_record(skill: SkillOutcome) -> dict[str, Any]:
    """Map one practical-skill sign-off to its JSON object (issue 25)."""
    return {
        "skill": skill.skill_key,
        "description": skill.skill_text,
        "signed_on": skill.signed_on.date().isoformat(),
        "assessor": skill.assessor,
        "place": skill.place,
        "levels": [{"criterion": criterion, "level": level} for criterion, level in skill.levels],
    }


def stream_json(rows: Iterable[CompletionRow], meta: Mapping[str, Any]) -> Iterator[bytes]:
    """Yield `{"schema", "meta", "records": [...]}` as UTF-8 chunks, one record at a time."""
    head = f'{{"schema":{compact_json(SCHEMA_URL)},"meta":{compact_json(meta)},"records":['
    records = (completion_record(row) for row in rows)
    return chunked(json_array(records, head=head, tail="]}\n"))
