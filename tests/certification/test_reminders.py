"""Renewal reminders through a real SMTP server: at each threshold, once, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.certification.conftest import SITE_URL
from tests.certification.steps import complete_basics
from tests.mail_server import text_of
from tpcourse.models import ReminderSent
from tpcourse.services.certification.reminders import due_thresholds, parse_thresholds


@pytest.fixture
def issued(make_user, school, basics, clock, smtp):
    trainee = make_user(school="northfield", name="Rosa Díaz", email="rosa@example.com")
    record = complete_basics(trainee, clock.now)
    [issued_mail] = smtp.wait_for(1)  # "your certificate is issued" (tests/notifications)
    assert "is issued" in issued_mail["Subject"]
    smtp.messages.clear()  # these tests count the reminders
    return trainee, record


def days_before(clock, record, days: int) -> None:
    """Set the clock to 08:00 UTC on the day `days` calendar days before expiry."""
    clock.now = record.expires_at - timedelta(days=days, hours=1)


def send(runner, *args):
    result = runner.invoke(args=["reminders", "send", *args])
    return result


def sent_rows(db) -> list[tuple[int, int]]:
    return sorted(db.session.execute(
        select(ReminderSent.record_id, ReminderSent.threshold_days)).all())


def test_each_threshold_emails_once(runner, smtp, issued, clock, db):
    _trainee, record = issued
    days_before(clock, record, 91)
    assert send(runner).exit_code == 0 and smtp.messages == []

    days_before(clock, record, 90)
    result = send(runner)
    assert result.exit_code == 0, result.output
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "rosa@example.com"
    assert "Basics of Pressure Work" in mail["Subject"] and "in 90 days" in mail["Subject"]
    body = text_of(mail)
    assert "Hello Rosa Díaz" in body and record.certificate_code in body
    assert f"{SITE_URL}/verify/{record.certificate_code}" in body
    assert "Northfield School of Massage" in body

    for _ in range(2):  # cron runs again the same day, and the day after
        assert "0 reminders sent" in send(runner).output
        clock.advance(days=1)
    assert len(smtp.messages) == 1

    for days, count in [(30, 2), (29, 2), (7, 3), (1, 3)]:
        days_before(clock, record, days)
        assert send(runner).exit_code == 0
        assert len(smtp.wait_for(count)) == count
    assert [m["Subject"].rsplit(" ", 3)[-3:] for m in smtp.messages][1:] == [
        ["in", "30", "days"], ["in", "7", "days"]]
    assert sent_rows(db) == [(record.id, 7), (record.id, 30), (record.id, 90)]


def test_missed_thresholds_send_one_email(runner, smtp, issued, clock, db):
    _trainee, record = issued
    days_before(clock, record, 20)  # cron was down at 90 and 30 days
    assert send(runner).exit_code == 0
    assert len(smtp.wait_for(1)) == 1
    assert sent_rows(db) == [(record.id, 30), (record.id, 90)]
    assert "in 20 days" in smtp.messages[0]["Subject"]


def test_dry_run_sends_and_records_nothing(runner, smtp, issued, clock, db):
    _trainee, record = issued
    days_before(clock, record, 30)
    result = send(runner, "--dry-run")
    assert result.exit_code == 0
    assert f"would send  {record.certificate_code}  rosa@example.com  30 days left" in (
        result.output)
    assert smtp.messages == [] and sent_rows(db) == []


def test_revoked_expired_and_inactive_get_no_reminder(runner, smtp, issued, clock, db,
                                                      make_user):
    trainee, record = issued
    days_before(clock, record, 7)
    record.revoked_at = clock.now
    db.session.commit()
    assert "0 reminders sent" in send(runner).output
    record.revoked_at = None
    trainee.active = False
    db.session.commit()
    assert "0 reminders sent" in send(runner).output
    trainee.active = True
    db.session.commit()
    clock.now = record.expires_at + timedelta(minutes=1)
    assert "0 reminders sent" in send(runner).output
    assert smtp.messages == [] and sent_rows(db) == []


def test_a_failed_email_is_not_recorded_and_is_sent_next_run(runner, app, smtp, issued, clock,
                                                             db):
    _trainee, record = issued
    days_before(clock, record, 30)
    port = app.config["MAIL_PORT"]
    from tests.mail_server import free_port

    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    failed = send(runner)
    assert failed.exit_code == 1 and "failed" in failed.output
    assert sent_rows(db) == []
    app.config["MAIL_PORT"] = port
    assert send(runner).exit_code == 0
    assert len(smtp.wait_for(1)) == 1 and len(sent_rows(db)) == 2


def test_thresholds_come_from_the_settings(runner, app, smtp, issued, clock):
    _trainee, record = issued
    app.config["TPCOURSE_REMINDER_DAYS"] = "14"
    days_before(clock, record, 20)
    assert "0 reminders sent" in send(runner).output
    days_before(clock, record, 14)
    assert "1 reminder sent" in send(runner).output
    app.config["TPCOURSE_REMINDER_DAYS"] = "soon"
    result = send(runner)
    assert result.exit_code != 0 and "TPCOURSE_REMINDER_DAYS" in result.output


def test_sending_needs_a_mail_server(runner, app, issued):
    app.config["MAIL_SERVER"] = None
    result = send(runner)
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output


@pytest.mark.parametrize(("value", "expected"), [
    (None, [90, 30, 7]), ("7, 30,90", [90, 30, 7]), ("0", [0]), ("30,30", [30])])
def test_parse_thresholds(value, expected):
    assert parse_thresholds(value) == expected


@pytest.mark.parametrize("value", ["", "x", "30,-1", "7.5"])
def test_bad_thresholds_are_refused(value):
    with pytest.raises(ValueError, match="TPCOURSE_REMINDER_DAYS"):
        parse_thresholds(value or ",")


@pytest.mark.parametrize(("days_left", "sent", "due"), [
    (91, set(), []), (90, set(), [90]), (90, {90}, []), (45, {90}, []), (30, {90}, [30]),
    (5, set(), [90, 30, 7]), (5, {90, 30, 7}, [])])
def test_due_thresholds(days_left, sent, due):
    assert due_thresholds(days_left, [90, 30, 7], sent) == due
