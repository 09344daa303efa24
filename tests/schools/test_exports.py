"""Each export format against its schema, signed, scoped and written to the audit log."""

from __future__ import annotations

import csv
import io
import json
import uuid

import jsonschema
import pytest
from sqlalchemy import select

from tpcourse.models import AuditEvent, CompletionRecord
from tpcourse.records.badges import CONTEXT, decode_credential, verify_credential
from tpcourse.records.csv_export import CSV_COLUMNS
from tpcourse.records.json_export import load_schema
from tpcourse.records.signing import verify_export
from tpcourse.records.xapi import VERBS
from tpcourse.services.records import signing_keys
from tpcourse.services.schools import exports
from tpcourse.services.schools.roster import RosterFilter

SITE = "https://courses.north.example"


def run_export(app, world, clock, fmt, where=None, actor="user:1"):
    """Export north's records; return (bytes, the finished export)."""
    export = exports.CompletionExport(world.north, fmt, where or RosterFilter(), actor, "web",
                                      clock.now, signing_keys.signing_key(app), SITE)
    return b"".join(export.chunks()), export


def test_csv_has_the_contract_columns_and_only_this_schools_rows(app, world, clock):
    data, export = run_export(app, world, clock, "csv")
    assert data.startswith("\ufeff".encode())
    table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(table[0].keys()) == CSV_COLUMNS
    by_email = {row["email"]: row for row in table}
    assert set(by_email) == {"zoe@north.example", "ann@north.example", "ian@north.example",
                             "lou@north.example"}  # never sam@south.example
    done = by_email["zoe@north.example"]
    record = CompletionRecordFor(world.done)
    assert done["name"] == "Zoë Müller" and done["cohort"] == "Spring 2026"
    assert done["school"] == "North Massage School" and done["course"] == "Basics of Pressure Work"
    assert done["ce_hours"] == "2.5" and done["course_version"] == "1"
    assert done["certificate_code"] == record.certificate_code
    assert done["certificate_status"] == "valid" and done["final_score"] == "100"
    assert done["verify_url"] == f"{SITE}/verify/{record.certificate_code}"
    assert done["completed_at"].endswith("Z") and done["enrolled_at"].endswith("Z")
    partial = by_email["ann@north.example"]
    assert partial["completed_at"] == "" and partial["certificate_code"] == ""
    assert partial["final_score"] == "0"  # the failed final exam's counted attempt
    assert by_email["lou@north.example"]["cohort"] == ""
    assert export.rows == 4 and data.endswith(b"\r\n")


def CompletionRecordFor(user):  # noqa: N802 (reads like the model it returns)
    from tpcourse.extensions import db

    return db.session.execute(select(CompletionRecord).filter_by(user_id=user.id)).scalar_one()


def test_json_validates_against_the_published_schema(app, world, clock):
    data, export = run_export(app, world, clock, "json")
    document = json.loads(data)
    jsonschema.validate(document, load_schema())
    assert document["meta"]["school"] == "north"
    assert document["meta"]["export_id"] == export.export_id
    done = next(r for r in document["records"] if r["email"] == "zoe@north.example")
    assert done["school_slug"] == "north" and done["course_slug"] == "basics"
    assert {o["quiz_slug"] for o in done["quiz_outcomes"]} == {"intro-quiz", "safety-quiz",
                                                               "basics-final"}
    final = next(o for o in done["quiz_outcomes"] if o["quiz_slug"] == "basics-final")
    assert final["is_final_exam"] and final["passed"] and final["percent"] == 100


def test_xapi_statements_have_the_1_0_3_structure(app, world, clock):
    data, _ = run_export(app, world, clock, "xapi")
    statements = json.loads(data)
    verbs = {s["verb"]["id"] for s in statements}
    assert verbs == {VERBS["completed"], VERBS["passed"], VERBS["failed"]}
    for statement in statements:
        uuid.UUID(statement["id"])
        assert statement["version"] == "1.0.3"
        assert statement["actor"]["objectType"] == "Agent"
        assert statement["actor"]["mbox"].startswith("mailto:")
        assert statement["object"]["id"].startswith(SITE + "/")
        assert statement["timestamp"].endswith("Z")
        assert statement["verb"]["display"]["en-US"] in {"completed", "passed", "failed"}
        score = statement["result"].get("score")
        if score:
            assert 0 <= score["scaled"] <= 1 and score["min"] <= score["raw"] <= score["max"]
    completed = [s for s in statements if s["verb"]["id"] == VERBS["completed"]]
    assert [s["actor"]["mbox"] for s in completed] == ["mailto:zoe@north.example"]
    assert completed[0]["object"]["id"] == f"{SITE}/courses/basics"
    failed = [s for s in statements if s["verb"]["id"] == VERBS["failed"]]
    assert failed[0]["actor"]["mbox"] == "mailto:ann@north.example"
    assert failed[0]["object"]["id"] == f"{SITE}/quizzes/basics-final"
    assert all("south" not in s["actor"]["mbox"] for s in statements)


def test_badges_are_ob3_credentials_signed_by_the_site_key(app, world, clock):
    data, _ = run_export(app, world, clock, "badges")
    tokens = json.loads(data)
    assert len(tokens) == 1  # only the completed, unrevoked record earns a badge
    key_set = signing_keys.key_set(app)
    assert verify_credential(tokens[0], key_set, now=clock.now) == []
    credential = decode_credential(tokens[0])
    assert credential["@context"] == CONTEXT
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    issuer = credential["issuer"]
    assert issuer["name"] == "North CE Institute" and issuer["id"] == f"{SITE}/issuers/north"
    assert issuer["otherIdentifier"][0]["identifier"] == "CE-N-0001"
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["name"] == "Basics of Pressure Work"
    assert achievement["creditsAvailable"] == 2.5
    assert achievement["id"] == f"{SITE}/courses/basics"
    assert "zoe@north.example" not in json.dumps(credential)  # the email is hashed


def test_a_revoked_certificate_gets_no_badge_and_shows_revoked(app, world, clock, db):
    record = CompletionRecordFor(world.done)
    record.revoked_at, record.revoked_reason = clock.now, "issued in error"
    db.session.commit()
    badges, _ = run_export(app, world, clock, "badges")
    assert json.loads(badges) == []
    data, _ = run_export(app, world, clock, "json")
    done = next(r for r in json.loads(data)["records"] if r["email"] == "zoe@north.example")
    assert done["certificate_status"] == "revoked"


@pytest.mark.parametrize("fmt", ["csv", "json", "xapi", "badges"])
def test_every_export_is_signed_and_a_one_byte_change_fails(app, world, clock, fmt):
    data, export = run_export(app, world, clock, fmt)
    key_set = signing_keys.key_set(app)
    assert export.signature["filename"] == export.filename
    assert verify_export(data, export.signature, key_set) == []
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    problems = verify_export(bytes(changed), export.signature, key_set)
    assert problems == ["sha256 mismatch: file was changed after signing"]


def test_an_export_is_recorded_in_the_audit_log_with_its_hash(app, world, clock, db):
    data, export = run_export(app, world, clock, "csv", actor="user:42")
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.kind == "export.completions")).scalar_one()
    assert event.actor == "user:42"
    assert event.payload["sha256"] == export.signature["sha256"]
    assert event.payload["rows"] == 4 and event.payload["school"] == "north"
    assert exports.signature_for(world.north, export.export_id) == export.signature
    with pytest.raises(exports.NotFound):
        exports.signature_for(world.south, export.export_id)


def test_an_interrupted_download_is_recorded_too(app, world, clock, db):
    export = exports.CompletionExport(world.north, "csv", RosterFilter(), "user:1", "web",
                                      clock.now, signing_keys.signing_key(app), SITE)
    chunks = export.chunks()
    next(chunks)
    chunks.close()
    kinds = list(db.session.execute(select(AuditEvent.kind)).scalars())
    assert kinds[-1] == "export.interrupted" and "export.completions" not in kinds
    with pytest.raises(exports.NotFound):
        exports.signature_for(world.north, export.export_id)


def test_filters_by_cohort_course_and_completion_dates(app, world, clock):
    record = CompletionRecordFor(world.done)
    cohort = exports.resolve_filter(world.north, str(world.spring.id))
    data, _ = run_export(app, world, clock, "json", cohort)
    assert {r["email"] for r in json.loads(data)["records"]} == {
        "zoe@north.example", "ann@north.example", "ian@north.example"}
    day = record.completed_at.date().isoformat()
    same_day = exports.resolve_filter(world.north, None, "basics", exports.parse_bound(day),
                                      exports.parse_bound(day, end=True))
    data, _ = run_export(app, world, clock, "json", same_day)
    assert [r["email"] for r in json.loads(data)["records"]] == ["zoe@north.example"]
    after = exports.resolve_filter(world.north, since=exports.parse_bound("2030-01-01"))
    data, _ = run_export(app, world, clock, "json", after)
    assert json.loads(data)["records"] == []


def test_filters_refuse_another_schools_cohort_and_bad_dates(world):
    with pytest.raises(exports.NotFound):
        exports.resolve_filter(world.north, str(world.autumn.id))
    with pytest.raises(exports.NotFound):
        exports.resolve_filter(world.north, None, "no-such-course")
    with pytest.raises(exports.ServiceError, match="YYYY-MM-DD"):
        exports.parse_bound("31/03/2026")
    with pytest.raises(exports.ServiceError, match="before its end"):
        exports.resolve_filter(world.north, since=exports.parse_bound("2026-04-01"),
                               until=exports.parse_bound("2026-03-01", end=True))
