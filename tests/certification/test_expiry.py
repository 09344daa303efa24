"""Expiry: "expires in N days" for trainees, 30/60/90-day lists for schools, edge dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from tests.certification.steps import complete_basics
from tpcourse.services.certification.certificates import Expiry, expiry_of


@pytest.fixture
def issued(make_user, school, basics, clock):
    """A school trainee whose 365-day certificate was issued at the clock's time (09:00 UTC)."""
    trainee = make_user(school="northfield")
    record = complete_basics(trainee, clock.now)
    assert record.expires_at == record.completed_at + timedelta(days=365)
    return trainee, record


def set_clock(clock, moment: datetime) -> None:
    clock.now = moment


def records_page(client, login_as, trainee) -> str:
    login_as(trainee)
    return client.get("/records").get_data(as_text=True)


@pytest.mark.parametrize(("offset", "status", "label"), [
    (timedelta(days=-1), "valid", "expires in 1 day"),
    (timedelta(hours=-1), "valid", "expires today"),  # the expiry day, before the hour
    (timedelta(hours=1), "expired", "expired on"),  # the expiry day, after the hour
    (timedelta(days=1), "expired", "expired on"),
])
def test_edge_dates_on_records_and_verification(client, login_as, issued, clock, offset, status,
                                                label):
    trainee, record = issued
    set_clock(clock, record.expires_at + offset)

    page = records_page(client, login_as, trainee)
    facts = client.get(f"/verify/{record.certificate_code}.json").get_json()

    assert f'class="badge {status}"' in page and label in page
    assert facts["status"] == status
    assert facts["expires_on"] == record.expires_at.date().isoformat()


def test_days_left_count_calendar_days(client, login_as, issued, clock):
    trainee, record = issued
    set_clock(clock, record.expires_at - timedelta(days=45, hours=10))  # 23:00, the day before
    assert "expires in 46 days" in records_page(client, login_as, trainee)


@pytest.mark.parametrize(("days_left", "windows"), [
    (0, {30, 60, 90}), (30, {30, 60, 90}), (31, {60, 90}), (60, {60, 90}), (61, {90}),
    (90, {90}), (91, set()),
])
def test_expiring_lists_by_window(client, login_as, issued, make_user, clock, days_left, windows):
    _trainee, record = issued
    set_clock(clock, record.expires_at - timedelta(days=days_left, hours=1))  # 08:00 that day
    login_as(make_user(role="school_admin", school="northfield"))

    listed = {days for days in (30, 60, 90) if record.certificate_code in client.get(
        f"/certificates/expiring?days={days}").get_data(as_text=True)}

    assert listed == windows


def test_expired_and_revoked_certificates_are_not_listed(client, login_as, issued, make_user,
                                                         clock, db):
    _trainee, record = issued
    login_as(make_user(role="school_admin", school="northfield"))
    set_clock(clock, record.expires_at - timedelta(days=10))
    assert record.certificate_code in client.get("/certificates/expiring").get_data(as_text=True)
    set_clock(clock, record.expires_at + timedelta(minutes=1))
    assert record.certificate_code not in client.get("/certificates/expiring").get_data(
        as_text=True)
    set_clock(clock, record.expires_at - timedelta(days=10))
    record.revoked_at = clock.now
    db.session.commit()
    assert record.certificate_code not in client.get("/certificates/expiring").get_data(
        as_text=True)


def test_school_admins_see_their_own_school_admins_see_all(client, login_as, issued, make_user,
                                                           clock):
    _trainee, record = issued
    set_clock(clock, record.expires_at - timedelta(days=5))
    login_as(make_user(role="school_admin", school="southside"))
    assert record.certificate_code not in client.get("/certificates/expiring").get_data(
        as_text=True)
    login_as(make_user(role="admin"))
    page = client.get("/certificates/expiring?days=30").get_data(as_text=True)
    assert record.certificate_code in page and "Northfield" in page


def test_window_must_be_30_60_or_90(client, login_as, make_user):
    login_as(make_user(role="admin"))
    assert client.get("/certificates/expiring?days=45").status_code == 400
    assert client.get("/certificates/expiring?days=soon").status_code == 400
    assert client.get("/certificates/expiring").status_code == 200


def test_certificates_that_never_expire():
    record = SimpleNamespace(expires_at=None, status=lambda now: "valid")
    expiry = expiry_of(record, datetime(2030, 1, 1, tzinfo=UTC))
    assert expiry == Expiry("valid", None, None) and expiry.label == "does not expire"


@pytest.mark.parametrize(("expiry", "label"), [
    (Expiry("valid", date(2027, 3, 2), 2), "expires in 2 days"),
    (Expiry("valid", date(2027, 3, 2), 1), "expires in 1 day"),
    (Expiry("valid", date(2027, 3, 2), 0), "expires today"),
    (Expiry("expired", date(2027, 3, 2), None), "expired on 2 March 2027"),
    (Expiry("revoked", date(2027, 3, 2), None), "revoked"),
])
def test_expiry_labels(expiry, label):
    assert expiry.label == label


def test_the_expiring_list_comes_fifty_a_page_soonest_first(client, login_as, issued, make_user,
                                                            clock, db):
    """A large school's list is paged, in expiry order across pages, two statements a page."""
    from tests.perf.pages import StatementCounter
    from tpcourse.models import CompletionRecord
    from tpcourse.services.certification.certificates import EXPIRING_PER_PAGE

    _trainee, record = issued
    set_clock(clock, record.expires_at - timedelta(days=20))
    for n in range(EXPIRING_PER_PAGE + 3):  # all expire after the issued one, in this order
        holder = make_user(school="northfield", name=f"Holder {n:02}")
        db.session.add(CompletionRecord(
            user_id=holder.id, course_id=record.course_id,
            course_version_id=record.course_version_id, completed_at=clock.now,
            ce_hours=record.ce_hours, certificate_code=f"TP-PAGE-{n:04}",
            expires_at=record.expires_at + timedelta(hours=n + 1)))
    db.session.commit()
    login_as(make_user(role="school_admin", school="northfield"))
    client.get("/certificates/expiring")  # warm the caches
    with StatementCounter(db.engine) as first_count:
        first = client.get("/certificates/expiring").get_data(as_text=True)
    with StatementCounter(db.engine) as second_count:
        second = client.get("/certificates/expiring?page=2").get_data(as_text=True)
    assert f"{EXPIRING_PER_PAGE + 4} certificates · page 1 of 2" in first
    assert record.certificate_code in first and "TP-PAGE-0048" in first
    assert "TP-PAGE-0049" not in first and "TP-PAGE-0049" in second
    assert "TP-PAGE-0052" in second and record.certificate_code not in second
    assert first_count.count == second_count.count
