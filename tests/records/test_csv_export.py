"""CSV export: stable columns, Excel-friendly encoding and quoting, formula-injection guard."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tpcourse.records.csv_export import CSV_COLUMNS, csv_cell, stream_csv
from tpcourse.records.encoding import CHUNK_SIZE


def parse(data: bytes) -> list[list[str]]:
    """Read CSV bytes the way Excel does: UTF-8 with BOM, any line ending inside quotes."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def export(rows) -> bytes:
    return b"".join(stream_csv(rows))


def test_columns_are_the_documented_contract():
    assert CSV_COLUMNS == (
        "trainee_id", "name", "email", "school", "cohort", "course", "course_version",
        "ce_hours", "enrolled_at", "completed_at", "final_score", "certificate_code",
        "certificate_status", "expires_at", "verify_url", "cycle", "renews_certificate_code",
    )  # fmt: skip


def test_file_starts_with_bom_and_header_and_uses_crlf(make_row):
    data = export([make_row()])
    assert data.startswith(b"\xef\xbb\xbftrainee_id,name,email,school,cohort,course,")
    assert data.count(b"\r\n") == 2
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_row_values(make_row):
    header, row = parse(export([make_row()]))
    cells = dict(zip(header, row, strict=True))
    assert cells == {
        "trainee_id": "42",
        "name": "Zoë Müller",
        "email": "zoe@example.org",
        "school": "North Massage School",
        "cohort": "Spring 2025",
        "course": "Trigger-Point Foundations",
        "course_version": "3",
        "ce_hours": "7.5",
        "enrolled_at": "2025-02-15T14:30:05Z",
        "completed_at": "2025-03-07T14:30:05Z",
        "final_score": "90",
        "certificate_code": "TPF-2025-0042",
        "certificate_status": "valid",
        "expires_at": "2027-03-07T14:30:05Z",
        "verify_url": "https://tpcourse.example/verify/TPF-2025-0042",
        "cycle": "1",
        "renews_certificate_code": "",
    }


def test_in_progress_row_has_blank_cells(make_row):
    row = make_row(
        completed_at=None, final_score=None, certificate_code=None, certificate_status=None,
        issued_at=None, expires_at=None, verify_url=None, cohort=None,
    )  # fmt: skip
    _, cells = parse(export([row]))
    blank = {"cohort", "completed_at", "final_score", "certificate_code", "certificate_status",
             "expires_at", "verify_url", "cycle", "renews_certificate_code"}  # fmt: skip
    assert {name for name, cell in zip(CSV_COLUMNS, cells, strict=True) if cell == ""} == blank


def test_no_rows_gives_header_only():
    assert parse(export([])) == [list(CSV_COLUMNS)]


@pytest.mark.parametrize(
    "name",
    ['Smith, "Jo"', "two\r\nlines", "lone\nnewline", "semi;colon", "tab\tinside", "  padded  "],
)
def test_awkward_text_is_quoted_and_round_trips(make_row, name):
    _, cells = parse(export([make_row(name=name)]))
    assert cells[1] == name


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
@pytest.mark.parametrize("field", ["name", "email", "cohort", "certificate_code"])
def test_formula_triggers_are_neutralised(make_row, trigger, field):
    payload = f'{trigger}HYPERLINK("http://evil.example","x")'
    _, cells = parse(export([make_row(**{field: payload})]))
    column = {"name": "name", "email": "email", "cohort": "cohort"}.get(field, field)
    assert cells[CSV_COLUMNS.index(column)] == "'" + payload


def test_school_and_course_names_are_guarded_too(make_row):
    _, cells = parse(export([make_row(school_name="=1+1", course_title="@SUM(A1)")]))
    assert cells[CSV_COLUMNS.index("school")] == "'=1+1"
    assert cells[CSV_COLUMNS.index("course")] == "'@SUM(A1)"


def test_numbers_are_not_prefixed():
    assert csv_cell(-5.0) == "-5"
    assert csv_cell(87.25) == "87.25"
    assert csv_cell(8) == "8"
    assert csv_cell(None) == ""


def test_large_exports_arrive_in_bounded_chunks(row_stream):
    chunks = list(stream_csv(row_stream(3000)))
    assert len(chunks) > 3
    assert all(len(chunk) < CHUNK_SIZE + 4096 for chunk in chunks)
    assert len(parse(b"".join(chunks))) == 3001


@given(st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00")))
def test_any_name_survives_excel_parsing(make_row, name):
    _, cells = parse(export([make_row(name=name)]))
    guarded = name.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cells[1] == ("'" + name if guarded else name)
