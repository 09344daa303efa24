"""Fixtures of the job tests: a school with a webhook endpoint, Redis, a real worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.jobs.receiver import webhook_receiver

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TPCOURSE_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def wait_until(predicate, timeout: float = 30.0, step: float = 0.05):
    """Poll `predicate` until it is true (returned) or the time is up (AssertionError)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"not true within {timeout} s: {predicate}")


@pytest.fixture
def receiver():
    """A webhook receiver that answers 200 (set `.answers` to script failures)."""
    with webhook_receiver() as (url, received):
        yield url, received


@pytest.fixture
def redis_url():
    """The real Redis (database 5); a clear failure when it is down (.ci/run starts it)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        pytest.fail(f"Redis is not running at {REDIS_URL}: start it (redis-server) — .ci/run "
                    "does")
    return REDIS_URL


@pytest.fixture
def queued(app, redis_url):
    """Point the app at a queue of its own on the real Redis; remove the queue's keys after."""
    import redis

    name = f"tpcourse-test-{uuid.uuid4().hex[:10]}"
    app.config.update(TPCOURSE_JOBS_REDIS_URL=redis_url, TPCOURSE_JOBS_QUEUE=name,
                      TPCOURSE_JOBS_RETRY_DELAYS="1,1,1,1,1,1",
                      TPCOURSE_WEBHOOK_RETRY_DELAYS="1,1,1")
    app.extensions.pop("tpcourse_jobs", None)
    yield name
    app.extensions.pop("tpcourse_jobs", None)
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)
    for key in client.scan_iter("rq:job:*"):  # jobs without a key have random ids
        if client.type(key) == b"hash" and client.hget(key, "origin") == name.encode():
            job_id = key.decode().rsplit(":", 1)[1]
            client.delete(key, f"rq:results:{job_id}")


class WorkerProcess:
    """`flask --app wsgi jobs worker` in a process of its own, on the test database."""

    def __init__(self, app, queue: str, **settings: str) -> None:
        env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "SECRET_KEY": app.config["SECRET_KEY"],
               "TPCOURSE_JOBS_REDIS_URL": app.config["TPCOURSE_JOBS_REDIS_URL"],
               "TPCOURSE_JOBS_QUEUE": queue, "TPCOURSE_JOBS_RETRY_DELAYS": "1,1,1,1,1,1",
               "TPCOURSE_WEBHOOK_RETRY_DELAYS": "1,1,1", "TPCOURSE_AUDIT_SEALING": "manual",
               "TPCOURSE_WEBHOOK_ALLOW_PRIVATE": "127.0.0.1/32",
               "TPCOURSE_SITE_URL": app.config["TPCOURSE_SITE_URL"],
               "TPCOURSE_MAIL_OUTBOX": str(Path(app.instance_path) / "worker-outbox"),
               **settings}
        if app.config.get("MAIL_SERVER"):
            env.update(MAIL_SERVER=app.config["MAIL_SERVER"],
                       MAIL_PORT=str(app.config["MAIL_PORT"]), MAIL_FROM=app.config["MAIL_FROM"])
        self.log = Path(app.instance_path) / f"worker-{uuid.uuid4().hex[:6]}.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"], cwd=ROOT,
            env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def children(self) -> set[int]:
        """The worker's child processes (its scheduler, and the horse while a job runs)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in path.read_text().split()} if path.exists() else set()

    def wait_ready(self) -> None:
        """Wait until the worker listens and its scheduler runs; remember the scheduler."""
        wait_until(lambda: "Scheduler for" in self.log.read_text(), timeout=30)
        self.scheduler = wait_until(self.children, timeout=10)

    def horse_pid(self) -> int:
        """The pid of the work horse (the child running the current job)."""
        return wait_until(lambda: next(iter(self.children() - self.scheduler), None),
                          timeout=20, step=0.01)

    def kill_horse(self) -> None:
        """SIGKILL the job that is running, as the OOM killer would."""
        os.kill(self.horse_pid(), signal.SIGKILL)

    def stop(self) -> str:
        """Stop the worker; return its log."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.log.read_text()


@pytest.fixture
def worker(app, queued):
    """Start real workers on the test's queue: `worker(**settings)`; all stopped after."""
    started: list[WorkerProcess] = []

    def start(**settings: str) -> WorkerProcess:
        process = WorkerProcess(app, queued, **settings)
        started.append(process)
        process.wait_ready()
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def count_statements(db):
    """Count the SQL statements sent inside a block (as tests/perf does)."""
    from tests.perf.pages import StatementCounter

    return lambda: StatementCounter(db.engine)
