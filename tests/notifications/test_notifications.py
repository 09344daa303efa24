"""Notifications: a notice on the trainee's home and an email (plain text and HTML) when a
certificate is issued, a skill signed off, a certificate will expire or an accommodation is
granted; the optional ones can be turned off, from the settings page or the email's link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.certification.steps import complete_basics, sign_skills
from tests.mail_server import text_of
from tpcourse.models import EmailDelivery, Notification, NotificationOptOut, ReminderSent
from tpcourse.services.notifications import delivery, notices
from tpcourse.services.notifications.jobs import email_notification


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def unsubscribe_path(message) -> str:
    match = re.search(r"https?://[^/\s]+(/notifications/unsubscribe/\S+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def test_an_issued_certificate_is_emailed_and_shown_on_the_home_page(
        client, db, smtp, make_user, basics, school, login_as, clock):
    trainee = make_user(school="northfield", name="Rosa Díaz <b>", email="rosa@example.com")
    record = complete_basics(trainee, clock.now)
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "rosa@example.com"
    assert mail["Subject"] == "Your certificate for Basics of Pressure Work is issued"
    assert record.certificate_code in text_of(mail) and "Hello Rosa Díaz <b>" in text_of(mail)
    html = html_of(mail)
    assert "Rosa Díaz &lt;b&gt;" in html and "<b>" not in html  # escaped
    assert f"/certificates/{record.certificate_code}" in html
    assert "unsubscribe" not in text_of(mail).lower()  # a record: always sent
    assert "List-Unsubscribe" not in mail
    login_as(trainee)
    home = client.get("/").get_data(as_text=True)
    assert "What's new" in home and "is issued" in home
    assert client.post("/notifications/read", data={"back": "home"}).status_code == 302
    assert "What's new" not in client.get("/").get_data(as_text=True)
    assert "is issued" in client.get("/notifications/").get_data(as_text=True)


def test_a_skill_sign_off_is_optional_and_its_link_turns_it_off(
        client, db, smtp, make_user, certified, instructor_of, clock):
    trainee = make_user(email="sam@example.com")
    instructor = instructor_of(certified)
    from tpcourse.services.learning.learning import enroll

    enroll(trainee, certified.id)
    sign_skills(instructor, trainee, clock.now, keys=("pincer-upper-trap",))
    [mail] = smtp.wait_for(1)
    assert mail["Subject"].startswith("Practical skill signed off")
    assert mail["List-Unsubscribe"].startswith("<http")
    path = unsubscribe_path(mail)
    page = client.get(path)  # no log-in needed; a GET changes nothing
    assert page.status_code == 200 and "Stop these emails" in page.get_data(as_text=True)
    assert db.session.execute(select(NotificationOptOut)).first() is None
    done = client.post(path)
    assert done.status_code == 200 and "no more emails" in done.get_data(as_text=True)
    sign_skills(instructor, trainee, clock.now, keys=("pressure-scale",))
    assert len(smtp.messages) == 1  # no second email ...
    kinds = db.session.execute(select(Notification.kind, Notification.emailed)).all()
    assert kinds == [("skill_signed_off", True), ("skill_signed_off", False)]  # ... the notice
    assert client.get("/notifications/unsubscribe/forged").status_code == 400


def test_the_settings_page_chooses_optional_emails_only(client, db, smtp, make_user, basics,
                                                        login_as, clock):
    from tpcourse.services.exams.accommodations import grant

    trainee = make_user(email="ana@example.com")
    complete_basics(trainee, clock.now)
    smtp.wait_for(1)
    login_as(trainee)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert "renewal reminders" in page and "certificate of mine is issued" in page.lower()
    assert client.post("/notifications/preferences", data={
        "certificate_expiring": "y", "skill_signed_off": "y"}).status_code == 302
    assert notices.turned_off(trainee.id) == {"accommodation_granted"}
    admin = make_user(role="admin")
    grant(admin, "intro-quiz", trainee.id, 1, 0, 0, "", clock.now)
    assert len(smtp.messages) == 1  # turned off: no email
    notice = db.session.execute(select(Notification).filter_by(
        kind="accommodation_granted")).scalar_one()
    assert "1 extra attempt" in notice.body and not notice.emailed
    with pytest.raises(Exception, match="cannot be chosen"):
        notices.set_preferences(trainee.id, {"certificate_issued"}, clock.now)


def test_a_reminder_notice_respects_the_opt_out(runner, app, db, smtp, make_user, basics,
                                                clock):
    trainee = make_user(email="lee@example.com")
    record = complete_basics(trainee, clock.now)
    smtp.wait_for(1)
    smtp.messages.clear()
    clock.now = record.expires_at - timedelta(days=30, hours=1)
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    [reminder] = smtp.wait_for(1)
    assert "expires in 30 days" in reminder["Subject"]
    assert "Stop these emails" in html_of(reminder) and reminder["List-Unsubscribe"]
    from tpcourse.services.notifications.notices import unsubscribe

    unsubscribe(unsubscribe_path(reminder).rsplit("/", 1)[1], clock.now)
    clock.now = record.expires_at - timedelta(days=7, hours=1)
    assert runner.invoke(args=["reminders", "send"]).exit_code == 0
    assert len(smtp.messages) == 1  # turned off: recorded and shown, not emailed
    assert len(db.session.execute(select(ReminderSent)).all()) == 3
    notes = db.session.execute(select(Notification.key).filter_by(
        kind="certificate_expiring")).scalars().all()
    assert len(notes) == 2


def test_an_event_is_notified_and_emailed_once_however_often_it_runs(app, db, smtp, make_user,
                                                                    clock):
    user = make_user(email="kim@example.com")
    for _ in range(2):
        notices.notify(user.id, "certificate_issued", "certificate_issued:99", "Issued", "Body",
                       None, clock.now)
        db.session.commit()
    [notice_id] = db.session.execute(select(Notification.id)).scalars().all()
    for _ in range(2):  # the job itself, run twice (a retry after a lost answer)
        email_notification(notice_id)
    assert len(smtp.wait_for(1)) == 1
    row = db.session.execute(select(EmailDelivery)).scalar_one()
    assert row.state == "sent" and row.attempts == 1


def test_a_live_claim_waits_and_an_expired_one_is_taken_over(app, db, smtp, make_user, clock):
    user = make_user(email="kim@example.com")
    notices.notify(user.id, "certificate_issued", "certificate_issued:7", "Issued", "Body", None,
                   clock.now, email=False)
    db.session.commit()
    notice_id = db.session.execute(select(Notification.id)).scalar_one()
    # A run that claimed the email and died mid-send (its lease still runs):
    db.session.add(EmailDelivery(key="email:certificate_issued:7", state="sending", attempts=1,
                                 claimed_until=clock.now + timedelta(seconds=60),
                                 created_at=clock.now))
    db.session.commit()
    with pytest.raises(delivery.StillSending):
        email_notification(notice_id)
    assert smtp.messages == []
    clock.advance(seconds=61)  # the lease ran out: the retry takes over and sends it, once
    assert email_notification(notice_id) is True
    assert len(smtp.wait_for(1)) == 1
    db.session.execute(update(EmailDelivery).values(state="sent"))
    assert email_notification(notice_id) is False
