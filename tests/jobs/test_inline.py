"""Jobs without Redis: at commit (the tests' `sync` mode) and on a thread (the demo's)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from tests.helpers import outbox
from tpcourse.extensions import db as _db
from tpcourse.services.jobs import adapter, enqueue, job
from tpcourse.services.jobs.inline import InlineAdapter
from tpcourse.services.jobs.registry import parse_delays, retry_delays, spec_for

RAN: list = []


@job("tests.record")
def record(value) -> None:
    """A job that notes its argument (and reads the database, as jobs do)."""
    _db.session.execute(text("SELECT 1"))
    RAN.append(value)


@job("tests.flaky", retries=(0, 0))
def flaky(fail_times: int, key: str) -> None:
    """Fail `fail_times` times, then note `key`."""
    RAN.append(("try", key))
    if sum(1 for r in RAN if r == ("try", key)) <= fail_times:
        raise RuntimeError(f"mail server down ({key})")
    RAN.append(("done", key))


@pytest.fixture(autouse=True)
def _clean():
    RAN.clear()
    yield
    RAN.clear()


def test_a_job_enqueued_in_a_transaction_runs_after_its_commit(app, db, make_user):
    user = make_user()
    db.session.execute(text("SELECT 1"))  # a transaction is open
    enqueue(record, [user.id])
    assert RAN == []  # not before the commit ...
    db.session.commit()
    assert [user.id] == RAN  # ... right after it


def test_a_rolled_back_transaction_drops_its_jobs(app, db):
    db.session.execute(text("SELECT 1"))
    enqueue(record, ["never"])
    db.session.rollback()
    db.session.commit()
    assert RAN == []


def test_a_savepoint_is_not_the_commit(app, db):
    db.session.execute(text("SELECT 1"))
    enqueue(record, ["after the real commit"])
    with db.session.begin_nested():
        db.session.execute(text("SELECT 1"))
    assert RAN == []
    db.session.commit()
    assert RAN == ["after the real commit"]


def test_outside_a_transaction_the_job_goes_at_once(app, db):
    db.session.commit()
    enqueue(record, ["now"])
    assert RAN == ["now"]


def test_a_failing_job_is_retried_then_kept_as_failed_and_retried_by_an_admin(
        app, db, client, make_user, login_as):
    enqueue(flaky, [1, "a"])  # fails once, then works
    assert ("done", "a") in RAN and adapter().failed() == []
    enqueue(flaky, [5, "b"])  # fails on all three tries
    [failed] = adapter().failed()
    assert failed.name == "tests.flaky" and "mail server down (b)" in failed.error
    assert failed.tries == 3
    login_as(make_user(role="admin"))
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "tests.flaky" in page and "mail server down (b)" in page
    # The cause is fixed (two more failures allowed), the admin retries it: it runs again.
    assert client.post(f"/admin/jobs/{failed.id}/retry").status_code == 302
    assert ("done", "b") in RAN and adapter().failed() == []
    assert client.post("/admin/jobs/nope/retry").status_code == 404


def test_delayed_jobs_wait_in_sync_mode_until_run(app, db):
    enqueue(record, ["later"], delay=30)
    assert RAN == [] and adapter().counts()["held"] == 1
    assert adapter().run_held() == 1 and RAN == ["later"]


def test_the_demo_mode_runs_jobs_on_a_thread_off_the_request(app, db):
    queue = InlineAdapter(app, "thread")
    app.extensions["tpcourse_jobs"] = queue
    gate = threading.Event()

    @job("tests.wait")
    def wait() -> None:
        gate.wait(10)
        RAN.append(threading.current_thread().name)

    enqueue(wait)
    assert RAN == []  # the caller did not wait for it
    gate.set()
    assert queue.wait_idle(10)
    assert RAN == ["tpcourse-jobs"]


def test_the_thread_retries_after_the_delays(app, db):
    queue = InlineAdapter(app, "thread")
    app.extensions["tpcourse_jobs"] = queue
    enqueue(flaky, [2, "c"])
    assert queue.wait_idle(10)
    assert RAN.count(("try", "c")) == 3 and ("done", "c") in RAN


def test_registry_and_settings():
    assert spec_for("notifications.email").name == "notifications.email"
    assert retry_delays(spec_for("tests.flaky"), {}) == (0, 0)
    assert retry_delays(spec_for("tests.record"), {"TPCOURSE_JOBS_RETRY_DELAYS": "5,7"}) == (5, 7)
    assert parse_delays(None, (1,)) == (1,)
    for bad in ("soon", "5,-1"):
        with pytest.raises(ValueError):
            parse_delays(bad, ())
    with pytest.raises(KeyError):
        spec_for("no.such.job")


def test_bad_job_settings_stop_the_app(tmp_path):
    from tests.conftest import make_app

    for setting in ({"TPCOURSE_JOBS_INLINE": "later"}, {"TPCOURSE_JOBS_RETRY_DELAYS": "x"}):
        with pytest.raises(ValueError):
            make_app("sqlite://", tmp_path, **setting)


def test_the_cli_lists_the_schedule_and_runs_a_job(runner, app, db):
    listed = runner.invoke(args=["jobs", "schedule"])
    for name in ("reminders.send_due", "audit.checkpoint", "retention.purge", "jobs.sweep"):
        assert name in listed.output
    result = runner.invoke(args=["jobs", "run", "tests.record", "7"])
    assert result.exit_code == 0 and RAN == [7]
    assert runner.invoke(args=["jobs", "run", "nope"]).exit_code != 0
    assert "0 failed jobs" in runner.invoke(args=["jobs", "failed"]).output


def test_scheduled_jobs_do_their_work(runner, app, db, make_user, clock, content):
    from tpcourse.models import AuditEvent, UserSession
    from tpcourse.services.accounts import retention, sessions

    user = make_user()
    sessions.start_session(user, "old browser", clock.now)
    retention.delete_account(make_user(), None, clock.now, 1)
    app.config["TPCOURSE_RECORD_RETENTION_DAYS"] = 1
    clock.advance(days=400)
    result = runner.invoke(args=["jobs", "run", "retention.purge"])
    assert "'purged': 1" in result.output and "'sessions_pruned': 1" in result.output
    assert db.session.execute(select(UserSession)).first() is None
    checkpoint = runner.invoke(args=["jobs", "run", "audit.checkpoint"])
    assert checkpoint.exit_code == 0 and "audit-checkpoint-" in checkpoint.output
    path = checkpoint.output.split(": ", 1)[1].strip()
    verified = runner.invoke(args=["audit", "verify", "--checkpoint", path])
    assert verified.exit_code == 0 and "chain intact" in verified.output
    assert db.session.execute(select(AuditEvent)).first() is not None
    assert "'sealed'" in runner.invoke(args=["jobs", "run", "jobs.sweep"]).output
    assert outbox(app) == []  # nothing was due to be emailed
