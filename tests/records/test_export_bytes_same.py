"""The fast paths of the exporters write exactly what the field-by-field code wrote.

CSV rows are written from `field_values` (a tuple) rather than a dict per row, datetimes
already in UTC skip the conversion, and badges are signed with the JWS header encoded once;
each is compared here, byte for byte, with the former code kept as the reference below, on
rows that reach every branch (no cohort, formula-like text, whole and fractional numbers, a
time zone other than UTC, in-progress rows, renewals).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tpcourse.records.badges import (
    build_credential,
    is_badge_eligible,
    sign_credential,
    stream_badges,
)
from tpcourse.records.csv_export import BOM, CSV_COLUMNS, csv_cell, stream_csv
from tpcourse.records.encoding import isoformat_z
from tpcourse.records.fields import completion_fields
from tpcourse.records.rsa_signing import load_rsa_key

from .conftest import COMPLETED, completion_row, generated_rows


def _old_isoformat_z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _old_fields(row) -> dict:
    def iso(moment):
        return None if moment is None else _old_isoformat_z(moment)

    return {"trainee_id": row.trainee_id, "name": row.name, "email": row.email,
            "school": row.school_name, "cohort": row.cohort, "course": row.course_title,
            "course_version": row.course_version, "ce_hours": row.ce_hours,
            "enrolled_at": iso(row.enrolled_at), "completed_at": iso(row.completed_at),
            "final_score": row.final_score, "certificate_code": row.certificate_code,
            "certificate_status": row.certificate_status, "expires_at": iso(row.expires_at),
            "verify_url": row.verify_url,
            "cycle": row.cycle or (1 if row.completed_at is not None else None),
            "renews_certificate_code": row.renews_certificate_code}


def _old_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    buffer.write(BOM)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        fields = _old_fields(row)
        writer.writerow([csv_cell(fields[column]) for column in CSV_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _varied_rows() -> list:
    elsewhere = timezone(timedelta(hours=-5, minutes=-30))
    return [
        *generated_rows(300),
        completion_row(cohort=None, name="=HYPERLINK(\"x\")", email="-x@example.org"),
        completion_row(ce_hours=2, final_score=87.25, course_version=11),
        completion_row(enrolled_at=COMPLETED.astimezone(elsewhere),
                       completed_at=(COMPLETED + timedelta(microseconds=7)).astimezone(elsewhere),
                       expires_at=None, certificate_status="expired"),
        completion_row(cycle=2, renews_certificate_code="TPF-2023-0001", name="@Ann\tTab"),
        completion_row(completed_at=None, certificate_code=None, certificate_status=None,
                       verify_url=None, final_score=None, quiz_outcomes=()),
        completion_row(certificate_status="revoked", name="Quote \"Q\", comma"),
    ]


def test_fields_are_the_former_fields_in_the_same_order():
    for row in _varied_rows():
        fields = completion_fields(row)
        assert fields == _old_fields(row)
        assert tuple(fields) == CSV_COLUMNS


def test_datetimes_read_the_same_in_utc_and_in_another_zone():
    elsewhere = timezone(timedelta(hours=9))
    for moment in (COMPLETED, COMPLETED + timedelta(microseconds=1), COMPLETED.astimezone(elsewhere)):
        assert isoformat_z(moment) == _old_isoformat_z(moment)


def test_csv_is_byte_for_byte_the_former_csv():
    rows = _varied_rows()
    assert b"".join(stream_csv(rows)) == _old_csv(rows)


@pytest.fixture(scope="module")
def rsa_key():
    from tpcourse.records.rsa_signing import generate_rsa_key, rsa_private_pem

    return load_rsa_key(rsa_private_pem(generate_rsa_key()))


@pytest.mark.parametrize("which", ["rsa", "ed25519"])
def test_badges_are_byte_for_byte_the_credentials_signed_one_by_one(which, rsa_key, key,
                                                                     issuer):
    signing_key = rsa_key if which == "rsa" else key
    rows = [replace(row, criteria="Pass the final exam.") for row in _varied_rows()[-8:]]
    for keys_at in (None, "https://keys.example/jwks.json"):
        expected = [sign_credential(build_credential(row, issuer), signing_key, keys_at=keys_at)
                    for row in rows if is_badge_eligible(row)]
        streamed = b"".join(stream_badges(rows, issuer, signing_key, keys_at=keys_at))
        assert json.loads(streamed) == expected
        assert len(expected) == 6
