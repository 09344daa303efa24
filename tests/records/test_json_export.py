"""JSON export: one streamed document that validates against completions-v1.json."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import jsonschema  # noqa: E402
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpcourse.records.csv_export import CSV_COLUMNS, stream_csv  # noqa: E402
from tpcourse.records.json_export import (  # noqa: E402
    SCHEMA_FILE,
    SCHEMA_URL,
    load_schema,
    stream_json,
)

META = {"exported_at": datetime(2025, 4, 1, 9, 0, tzinfo=UTC), "school": "north"}


def export(rows, meta=META) -> dict:
    return json.loads(b"".join(stream_json(rows, meta)))


def validate(document: dict) -> None:
    validator = jsonschema.Draft202012Validator(
        load_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(document)


def test_schema_is_a_valid_draft_2020_12_schema_with_the_published_id():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == SCHEMA_URL
    assert SCHEMA_FILE.endswith("completions-v1.json")


def test_document_validates_and_carries_schema_and_meta(make_row):
    document = export([make_row(), make_row(trainee_id=7, cohort=None)])
    validate(document)
    assert document["schema"] == SCHEMA_URL
    assert document["meta"] == {"exported_at": "2025-04-01T09:00:00Z", "school": "north"}
    assert [record["trainee_id"] for record in document["records"]] == [42, 7]


def test_in_progress_and_empty_exports_validate(make_row):
    in_progress = make_row(
        completed_at=None, final_score=None, certificate_code=None, certificate_status=None,
        issued_at=None, expires_at=None, verify_url=None, quiz_outcomes=(),
    )  # fmt: skip
    validate(export([in_progress]))
    assert export([])["records"] == []
    validate(export([]))


def test_record_has_the_csv_fields_with_the_same_values(make_row):
    row = make_row(name='Ana, "Lo"', final_score=87.25)
    record = export([row])["records"][0]
    header, cells = list(csv.reader(io.StringIO(b"".join(stream_csv([row])).decode("utf-8-sig"))))
    assert tuple(header) == CSV_COLUMNS
    for column, cell in zip(header, cells, strict=True):
        value = record[column]
        expected = "" if value is None else str(value).removesuffix(".0")
        assert cell == expected, column


def test_record_adds_slugs_issue_date_and_quiz_outcomes(make_row):
    record = export([make_row()])["records"][0]
    assert record["school_slug"] == "north"
    assert record["course_slug"] == "trigger-point-foundations"
    assert record["issued_at"] == "2025-03-07T14:30:05Z"
    assert record["quiz_outcomes"][1] == {
        "quiz_slug": "final-exam",
        "quiz_title": "Final exam",
        "attempt_id": "att-7f3a",
        "submitted_at": "2025-03-07T14:25:05Z",
        "score": 18.0,
        "max_score": 20.0,
        "percent": 90.0,
        "passed": True,
        "is_final_exam": True,
    }


def test_schema_rejects_what_the_exporter_must_never_write(make_row):
    document = export([make_row()])
    document["records"][0]["completed_at"] = "2025-03-07T14:30:05+02:00"
    with pytest.raises(jsonschema.ValidationError):
        validate(document)


def test_naive_datetimes_are_refused_with_a_sentence(make_row):
    with pytest.raises(ValueError, match="no time zone"):
        export([make_row(completed_at=datetime(2025, 1, 1))])


def test_document_streams_in_several_chunks(row_stream):
    chunks = list(stream_json(row_stream(1000), META))
    assert len(chunks) > 3
    document = json.loads(b"".join(chunks))
    assert len(document["records"]) == 1000
    validate(document)


@given(
    name=st.text(),
    cohort=st.none() | st.text(),
    score=st.none() | st.floats(0, 100),
    hours=st.floats(0, 200),
)
def test_any_row_gives_a_valid_document(make_row, name, cohort, score, hours):
    document = export([make_row(name=name, cohort=cohort, final_score=score, ce_hours=hours)])
    validate(document)
    assert document["records"][0]["name"] == name
