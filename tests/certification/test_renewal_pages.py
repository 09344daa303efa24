"""Renewal as people see it: verification, the course page, My records, the renew page, the
profile setting, exports (CSV, JSON, xAPI, Open Badges), reminders."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

import jsonschema
from sqlalchemy import select

from tests.certification.renewal_steps import sync_basics_with
from tests.certification.steps import complete_basics, pass_quiz, record_of
from tpcourse.extensions import db
from tpcourse.models import Course, CourseVersion, School
from tpcourse.records.badges import decode_credential
from tpcourse.records.json_export import load_schema
from tpcourse.records.xapi import CYCLE_EXTENSION, RENEWAL, RENEWS_EXTENSION
from tpcourse.services.records import signing_keys
from tpcourse.services.schools import exports
from tpcourse.services.schools.roster import RosterFilter

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SITE = "https://learn.northfield.example"


def renewed_trainee(make_user, school=None):
    """A trainee certified at T0 and renewed (full path) ten days after expiry."""
    trainee = make_user(school=school)
    first = complete_basics(trainee, T0)
    later = first.expires_at + timedelta(days=10)
    for slug in ("intro-quiz", "safety-quiz", "basics-final"):
        pass_quiz(trainee, slug, later)
    second = record_of(trainee, "basics")
    assert second.renews_id == first.id
    return trainee, first, second


def test_verify_shows_the_cycle_and_names_the_newer_code_only_if_the_holder_allows(
        client, content, make_user, clock, login_as):
    trainee, first, second = renewed_trainee(make_user)
    clock.now = second.completed_at + timedelta(days=1)
    old = client.get(f"/verify/{first.certificate_code}.json").get_json()
    assert (old["cycle"], old["superseded"], old["status"]) == (1, True, "expired")
    assert old["superseded_by"] is None and old["renews"] is None  # not allowed yet
    page = client.get(f"/verify/{first.certificate_code}").get_data(as_text=True)
    assert "a newer certificate exists" in page and second.certificate_code not in page
    new = client.get(f"/verify/{second.certificate_code}.json").get_json()
    assert (new["cycle"], new["superseded"], new["status"], new["renewal"]) == (
        2, False, "valid", True)
    login_as(trainee)
    assert client.post("/profile/renewed-codes", data={"share": "y"}).status_code == 302
    old = client.get(f"/verify/{first.certificate_code}.json").get_json()
    assert old["superseded_by"]["certificate_code"] == second.certificate_code
    assert old["superseded_by"]["verify_url"].endswith(f"/verify/{second.certificate_code}")
    new = client.get(f"/verify/{second.certificate_code}.json").get_json()
    assert new["renews"]["certificate_code"] == first.certificate_code
    page = client.get(f"/verify/{first.certificate_code}").get_data(as_text=True)
    assert second.certificate_code in page
    assert client.post("/profile/renewed-codes", data={}).status_code == 302  # unticked: off
    assert client.get(f"/verify/{first.certificate_code}.json").get_json()["superseded_by"] \
        is None


def test_course_page_and_my_records_offer_renewal_when_the_window_is_open(
        client, content, make_user, clock, login_as):
    trainee = login_as(make_user())
    first = complete_basics(trainee, T0)
    clock.now = first.expires_at - timedelta(days=91)
    assert "Renew your certificate" not in client.get("/courses/basics").get_data(as_text=True)
    assert "Renew your certificate" not in client.get("/records").get_data(as_text=True)
    clock.now = first.expires_at - timedelta(days=89)
    course = client.get("/courses/basics").get_data(as_text=True)
    assert "Renew your certificate" in course and "/courses/basics/renew" in course
    records = client.get("/records").get_data(as_text=True)
    assert "Renew your certificate" in records and "Renewals open" in records
    renew = client.get("/courses/basics/renew").get_data(as_text=True)
    assert "Pass every module quiz and the final exam again" in renew
    assert "pass the quiz &#39;basics-final&#39;" in renew or "pass the quiz 'basics-final'" in renew
    # Posting before the path is met changes nothing
    response = client.post("/courses/basics/renew", data={})
    assert response.status_code == 302 and record_of(trainee, "basics").id == first.id


def test_my_records_lists_both_cycles_the_old_one_superseded(
        client, content, make_user, clock, login_as):
    trainee, first, second = renewed_trainee(make_user)
    login_as(trainee)
    clock.now = second.completed_at
    page = client.get("/records").get_data(as_text=True)
    assert first.certificate_code in page and second.certificate_code in page
    assert "superseded" in page and "cycle 2" in page
    assert "Renewals open" not in page


def test_ce_hours_path_renews_through_the_renew_button(
        tmp_path, client, content, make_user, clock, login_as):
    sync_basics_with(tmp_path, "renewal: ce_hours\nrenewal_ce_hours: 1")
    trainee = login_as(make_user())
    first = complete_basics(trainee, T0)
    other = Course(slug="elsewhere", current_version=1)
    db.session.add(other)
    db.session.flush()
    version = CourseVersion(course_id=other.id, version=1, content_hash="x", title="Other",
                            ce_hours=1.5, completion={})
    db.session.add(version)
    db.session.flush()
    from tpcourse.models import CompletionRecord

    db.session.add(CompletionRecord(user_id=trainee.id, course_id=other.id,
                                    course_version_id=version.id, ce_hours=1.5,
                                    completed_at=T0 + timedelta(days=30),
                                    certificate_code="TP-ELSEWHERE"))
    db.session.commit()
    clock.now = first.expires_at + timedelta(days=1)
    response = client.post("/courses/basics/renew", data={})
    second = record_of(trainee, "basics")
    assert second.cycle == 2 and second.renews_id == first.id
    assert response.headers["Location"].endswith(f"/certificates/{second.certificate_code}")


def _export(app, fmt, now):
    north = db.session.execute(select(School).filter_by(slug="north")).scalar_one()
    export = exports.CompletionExport(north, fmt, RosterFilter(), "user:1", "web", now,
                                      signing_keys.signing_key(app), SITE)
    return b"".join(export.chunks())


def test_exports_carry_a_row_per_cycle(app, content, make_user):
    trainee, first, second = renewed_trainee(make_user, school="north")
    now = second.completed_at + timedelta(days=1)
    table = list(csv.DictReader(io.StringIO(_export(app, "csv", now).decode("utf-8-sig"),
                                            newline="")))
    assert [(r["certificate_code"], r["cycle"], r["renews_certificate_code"],
             r["certificate_status"]) for r in table] == [
        (first.certificate_code, "1", "", "expired"),
        (second.certificate_code, "2", first.certificate_code, "valid")]
    document = json.loads(_export(app, "json", now))
    jsonschema.validate(document, load_schema())
    assert [r["cycle"] for r in document["records"]] == [1, 2]
    # each attempt in exactly one cycle's row: the first three in cycle 1, the rest in cycle 2
    cycle_1, cycle_2 = (r["quiz_outcomes"] for r in document["records"])
    assert len(cycle_1) == 3 and len(cycle_2) == 3
    assert not {o["attempt_id"] for o in cycle_1} & {o["attempt_id"] for o in cycle_2}
    statements = json.loads(_export(app, "xapi", now))
    assert len({s["id"] for s in statements}) == len(statements)
    completed = [s for s in statements if s["verb"]["id"].endswith("/completed")]
    assert [s["context"]["extensions"][CYCLE_EXTENSION] for s in completed] == [1, 2]
    renewal = completed[1]["context"]
    assert renewal["contextActivities"]["category"][0]["id"] == RENEWAL
    assert renewal["extensions"][RENEWS_EXTENSION] == first.certificate_code
    assert "contextActivities" not in completed[0]["context"]
    badges = json.loads(_export(app, "badges", now))
    credentials = [decode_credential(token) for token in badges["credentials"]] \
        if isinstance(badges, dict) else [decode_credential(token) for token in badges]
    narratives = [c["evidence"][0]["narrative"] for c in credentials]
    assert narratives[0].startswith("Certification cycle 1")
    assert narratives[1] == (f"Certification cycle 2: a renewal. It renews certificate "
                             f"{first.certificate_code}.")


def test_the_dashboard_keeps_one_row_per_enrolment_the_newest(app, content, make_user):
    from tpcourse.services.schools.roster import roster_page

    _trainee, _first, second = renewed_trainee(make_user, school="north")
    north = db.session.execute(select(School).filter_by(slug="north")).scalar_one()
    page = roster_page(north, RosterFilter(), second.completed_at, SITE)
    assert [row.certificate_code for row, _progress, _id in page.entries] == [
        second.certificate_code]


def test_every_sort_and_record_filter_counts_and_shows_only_the_newest_cycle(
        app, content, make_user):
    """The count and the page's choice join the records only for some sorts and filters; the
    newest cycle is found the same way in each (one row, the renewal, and a total of 1)."""
    from tpcourse.services.schools.roster import SORTS, roster_page

    _trainee, first, second = renewed_trainee(make_user, school="north")
    north = db.session.execute(select(School).filter_by(slug="north")).scalar_one()
    filters = [RosterFilter(), RosterFilter(status="completed"),
               RosterFilter(since=second.completed_at)]
    for where in filters:
        for sort in SORTS:
            for descending in (False, True):
                page = roster_page(north, where, second.completed_at, SITE, sort=sort,
                                   descending=descending)
                assert page.total == 1, (where, sort)
                assert [row.certificate_code for row, _p, _id in page.entries] == [
                    second.certificate_code], (where, sort, descending)
    older = roster_page(north, RosterFilter(until=second.completed_at), second.completed_at,
                        SITE)
    assert older.total == 0 and first.completed_at < second.completed_at


def test_a_renewed_certificate_gets_no_more_reminders_and_reminders_link_to_renewal(
        app, tmp_path, content, make_user):
    from tpcourse.services.certification.reminders import pending_reminders, reminder_email

    sync_basics_with(tmp_path, "renewal: final\nrenewal_window_days: 60")
    trainee = make_user()
    first = complete_basics(trainee, T0)
    moment = first.expires_at - timedelta(days=50)
    [reminder] = pending_reminders(moment, [90, 30, 7])
    _subject, body = reminder_email(reminder)
    assert "renew it: pass the final exam again" in body
    assert "/courses/basics/renew" in body
    pass_quiz(trainee, "basics-final", moment)
    assert record_of(trainee, "basics").cycle == 2
    assert pending_reminders(moment + timedelta(days=30), [90, 30, 7]) == []


def test_the_api_carries_every_cycle(client, content, make_user, clock):
    from tpcourse.services.schools import tokens

    trainee, first, second = renewed_trainee(make_user, school="north")
    north = db.session.execute(select(School).filter_by(slug="north")).scalar_one()
    token = tokens.create_token(north, "registrar", "user:1", clock.now)
    clock.now = second.completed_at + timedelta(days=1)
    response = client.get("/api/v1/completions?format=json",
                          headers={"Authorization": f"Bearer {token.secret}"})
    assert response.status_code == 200
    records = json.loads(b"".join(response.response))["records"]
    assert [(r["certificate_code"], r["cycle"], r["renews_certificate_code"]) for r in records] \
        == [(first.certificate_code, 1, None), (second.certificate_code, 2, first.certificate_code)]


def test_the_renewed_certificate_pdf_says_it_is_a_renewal(client, content, make_user, clock,
                                                         login_as):
    from io import BytesIO

    import pypdf

    trainee, first, second = renewed_trainee(make_user)
    login_as(trainee)
    clock.now = second.completed_at

    def text(code):
        pdf = client.get(f"/certificates/{code}.pdf").data
        return " ".join(pypdf.PdfReader(BytesIO(pdf)).pages[0].extract_text().split())

    assert "Renewal, certification cycle 2" in text(second.certificate_code)
    assert "certification cycle" not in text(first.certificate_code)
