"""Real workers (`flask jobs worker`, RQ) on the real Redis: emails through a real SMTP server,
webhooks to a local receiver that fails twice, and a job killed mid-run retried without
sending anything twice."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import timedelta

from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from tests.certification.steps import complete_basics
from tests.jobs.conftest import wait_until
from tests.jobs.receiver import webhook_receiver
from tests.mail_server import Inbox, free_port, smtp_server, text_of
from tpcourse.integrations.webhooks import endpoints
from tpcourse.models import (
    CompletionRecord,
    EmailDelivery,
    ReminderSent,
    School,
    WebhookAttempt,
    WebhookDelivery,
    utcnow,
)
from tpcourse.services.jobs import adapter
from tpcourse.services.jobs.queue import JobCall


def test_an_email_job_goes_through_a_real_worker_and_smtp_server_once(
        app, db, make_user, content, clock, queued, worker):
    with smtp_server(app, "tpcourse <no-reply@tpcourse.test>") as inbox:
        process = worker()
        trainee = make_user(email="rosa@example.com", name="Rosa Díaz")
        complete_basics(trainee, clock.now)  # the notice's email job goes to Redis at commit
        [mail] = inbox.wait_for(1, timeout=60)
        assert mail["To"] == "rosa@example.com" and "is issued" in mail["Subject"]
        assert "Hello Rosa Díaz" in text_of(mail)
        html = mail.get_body(preferencelist=("html",)).get_content()
        assert "Rosa Díaz" in html and "<p>" in html
        key = db.session.execute(select(EmailDelivery.key)).scalar_one()
        # The same job again (a duplicate hand-over, a retry after a lost answer): nothing more.
        adapter().submit(JobCall("notifications.email", (key_notice_id(db),)))
        wait_until(lambda: adapter().counts()["waiting"] == 0 and
                   adapter().counts()["running"] == 0)
        wait_until(lambda: _finished(app, queued) >= 2)
        assert len(inbox.messages) == 1
        db.session.rollback()  # a fresh snapshot: the worker wrote meanwhile
        row = db.session.execute(select(EmailDelivery).filter_by(key=key)).scalar_one()
        assert row.state == "sent" and row.attempts == 1
        assert "Worker" in process.stop()


def key_notice_id(db) -> int:
    from tpcourse.models import Notification

    return db.session.execute(select(Notification.id)).scalar_one()


def _finished(app, queue_name: str) -> int:
    from rq import Queue

    found = adapter()
    return Queue(queue_name, connection=found.connection).finished_job_registry.count


def test_a_webhook_to_a_receiver_that_fails_twice_is_delivered_once_and_verifies(
        app, db, make_user, queued, worker):
    from tpcourse.services.accounts.accounts import ensure_school

    ensure_school("north", "North")
    north = db.session.execute(select(School).filter_by(slug="north")).scalar_one()
    with webhook_receiver(answers=[500, 503]) as (url, received):
        endpoint, secret = endpoints.create_endpoint(north, url, ["completion.issued"], "", None,
                                                     utcnow())
        worker()
        event_id = endpoints.send_test(endpoint, utcnow())
        requests = received.wait_for(3, timeout=60)
        delivery = wait_until(lambda: _delivered(db))
    assert [status for _headers, _body, status in requests] == [500, 503, 200]
    assert len(requests) == 3  # nothing after the 200
    for headers, body, _status in requests:
        assert headers["webhook-id"] == event_id  # the same id on every try
        payload = Webhook(secret).verify(body, headers)  # the spec's own verifier
        assert payload["type"] == "webhook.test" and payload["data"]["endpoint_id"] == endpoint.id
    assert delivery.attempts == 3 and delivery.response_code == 200
    tries = db.session.execute(select(WebhookAttempt.response_code).order_by(
        WebhookAttempt.number)).scalars().all()
    assert tries == [500, 503, 200]


def _delivered(db):
    db.session.rollback()  # a fresh snapshot: the worker wrote meanwhile
    delivery = db.session.execute(select(WebhookDelivery)).scalar_one_or_none()
    return delivery if delivery is not None and delivery.status == "delivered" else None


class GatedInbox(Inbox):
    """An SMTP inbox that stalls the `gate`-th message until released, then refuses it (451):
    the sender is killed while it waits, so that message was never accepted."""

    def __init__(self, gate: int) -> None:
        super().__init__()
        self.gate, self.seen = gate, 0
        self.stalled, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.seen += 1
        if self.seen == self.gate:
            self.stalled.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait, 60)
            return "451 Try again later"
        return await super().handle_DATA(server, session, envelope)


def test_a_job_killed_mid_run_is_retried_without_sending_twice(app, db, make_user, queued,
                                                              worker):
    from aiosmtpd.controller import Controller

    from tests.schools.conftest import complete_course  # noqa: F401 (same fixture course)
    from tpcourse.models import Course, CourseVersion

    inbox = GatedInbox(gate=2)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      MAIL_FROM="tpcourse <no-reply@tpcourse.test>")
    try:
        from tests.conftest import CONTENT
        from tpcourse.services.authoring.content_sync import sync_from_folders

        sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
        course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
        version = db.session.execute(select(CourseVersion).filter_by(course_id=course.id)
                                     ).scalars().first()
        now = utcnow()
        for n in range(3):  # three certificates that expire in 20 days: a reminder each
            trainee = make_user(email=f"t{n}@example.com")
            db.session.add(CompletionRecord(
                user_id=trainee.id, course_id=course.id, course_version_id=version.id,
                completed_at=now - timedelta(days=300), ce_hours=1.0,
                certificate_code=f"TP-TEST-{n}", expires_at=now + timedelta(days=20, hours=n)))
        db.session.commit()
        process = worker()
        adapter().submit(JobCall("reminders.send_due"))
        assert inbox.stalled.wait(60), process.stop()  # the second email is on the wire ...
        process.kill_horse()  # ... when the job is killed
        inbox.release.set()
        messages = inbox.wait_for(3, timeout=90)  # the retry sends the other two
        wait_until(lambda: _reminders_sent(db) == 3)
    finally:
        controller.stop()
    recipients = sorted(str(m["To"]) for m in messages)
    assert recipients == ["t0@example.com", "t1@example.com", "t2@example.com"]
    assert inbox.seen == 4  # the refused one, then each address once: nothing sent twice
    log = process.stop()
    assert "Work horse killed" in log or "terminated unexpectedly" in log, log


def _reminders_sent(db) -> int:
    db.session.rollback()  # a fresh snapshot: the worker wrote meanwhile
    return len(set(db.session.execute(select(ReminderSent.record_id)).scalars()))


def test_the_worker_refuses_to_start_without_a_queue(runner, app):
    app.config["TPCOURSE_JOBS_REDIS_URL"] = None
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0 and "TPCOURSE_JOBS_REDIS_URL" in result.output
    assert json  # (json is used by the other modules' helpers)


def test_a_job_failing_every_try_is_kept_with_its_error_and_retried_from_the_admin_page(
        app, db, client, make_user, login_as, queued, worker):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(),  # nothing listens there
                      MAIL_FROM="tpcourse <no-reply@tpcourse.test>",
                      TPCOURSE_JOBS_RETRY_DELAYS="1,1")
    make_user(email="known@example.com")
    worker()
    assert client.post("/password/forgot", data={"email": "known@example.com"}).status_code == 302
    [failed] = wait_until(lambda: adapter().failed(), timeout=60)
    assert failed.name == "accounts.reset_email" and "refused" in failed.error.lower()
    login_as(make_user(role="admin"))
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "accounts.reset_email" in page and "refused" in page.lower() and "Redis queue" in page
    assert client.post(f"/admin/jobs/{failed.id}/retry").status_code == 302
    assert adapter().failed() == []  # back on the queue (its retries take seconds)
    wait_until(lambda: adapter().counts()["failed"] == 1 and adapter().counts()["waiting"] == 0
               and adapter().counts()["scheduled"] == 0 and adapter().counts()["running"] == 0,
               timeout=60)  # tried again (three more tries), and failed again


def test_the_scheduler_enqueues_the_declared_jobs(app, db, queued):
    import subprocess
    import sys

    from rq import Queue
    from rq.job import Job

    from tests.jobs.conftest import ROOT

    env = {**__import__("os").environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SECRET_KEY": app.config["SECRET_KEY"],
           "TPCOURSE_JOBS_REDIS_URL": app.config["TPCOURSE_JOBS_REDIS_URL"],
           "TPCOURSE_JOBS_QUEUE": queued}
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs",
                                "scheduler"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        queue = Queue(queued, connection=adapter().connection)
        job_ids = wait_until(lambda: queue.job_ids, timeout=60)  # the interval job goes first
    finally:
        process.terminate()
        process.wait(timeout=20)
    job = Job.fetch(job_ids[0], connection=adapter().connection)
    assert job.args[0] == "jobs.sweep"
