"""Under gunicorn with several workers, SIGKILL a worker mid-run: nothing acknowledged is lost.

Trainees log in, start and submit quizzes over real HTTP (CSRF tokens and all) while one
worker is killed. Every submission that got a success response must be stored and graded,
exactly once, and the audit chain must still verify.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import CONTENT, PASSWORD, make_app
from tests.helpers import answer_form
from tests.mail_server import free_port

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
TRAINEES = 16
QUIZZES = ("intro-quiz", "safety-quiz", "basics-final")
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
# A response cut off when its worker dies is an IncompleteRead (an HTTPException, not an OSError).
LOST = (urllib.error.URLError, ConnectionError, TimeoutError, OSError, http.client.HTTPException)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One trainee's cookies, talking to the server with urllib (no redirects followed)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect)

    def request(self, path: str, form: dict | None = None) -> tuple[int, str, str]:
        data = urllib.parse.urlencode(form, doseq=True).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), \
                    response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location", ""), exc.read().decode()

    def token(self, path: str) -> str:
        status, _, page = self.request(path)
        match = CSRF.search(page)
        assert status == 200 and match, (path, status)
        return match.group(1)


class Gunicorn:
    """gunicorn started by the test; its log is read line by line to know what it did."""

    def __init__(self, database_url: str, port: int, tmp: Path) -> None:
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "gunicorn-test-key",
               "TPCOURSE_SECURE_COOKIES": "false", "TPCOURSE_LOGIN_LIMIT": "100000 per minute",
               "RATELIMIT_STORAGE_URI": "memory://",
               "TPCOURSE_LESSONS_DIR": str(CONTENT / "lessons"),
               "TPCOURSE_QUIZZES_DIR": str(CONTENT / "quizzes")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind",
             f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5",
             "--chdir", str(tmp), "--pythonpath", str(ROOT), "tests.security.served_app:app"],
            env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
            start_new_session=True)
        self.lines: list[str] = []
        self.changed = threading.Condition()
        threading.Thread(target=self._read_log, daemon=True).start()

    def _read_log(self) -> None:
        for line in self.process.stderr:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, pattern: str, count: int = 1, timeout: float = 60) -> list[str]:
        """Block until the log has `count` lines matching `pattern` (bounded)."""
        def found():
            return [m.group(1) for line in self.lines if (m := re.search(pattern, line))]

        with self.changed:
            ok = self.changed.wait_for(lambda: len(found()) >= count
                                       or self.process.poll() is not None, timeout=timeout)
            assert ok and len(found()) >= count, "".join(self.lines[-30:])
            return found()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


def prepare(database_url: str, tmp: Path) -> tuple:
    """Load the fixture course and create enrolled trainees; return (app, emails)."""
    from tpcourse.models import Course
    from tpcourse.services.accounts.accounts import create_user
    from tpcourse.services.authoring.content_sync import sync_from_folders
    from tpcourse.services.learning.learning import enroll

    app = make_app(database_url, tmp)
    with app.app_context():
        from tpcourse.extensions import db

        sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
        course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
        emails = []
        for n in range(TRAINEES):
            user = create_user(f"load{n}@example.com", f"Load Trainee {n}", PASSWORD)
            enroll(user, course.id)
            emails.append(user.email)
        db.session.remove()
    return app, emails


def answers_for(app, attempt_id: str, correct: bool) -> dict:
    from tpcourse.extensions import db
    from tpcourse.models import Attempt

    with app.app_context():
        form = answer_form(db.session.get(Attempt, attempt_id), correct=correct)
        db.session.remove()
    return form


def trainee_run(app, base: str, email: str, n: int, log: list, progress) -> None:
    """Log in, then start and submit each quiz; log (attempt id, outcome) per submission."""
    browser = Browser(base)
    try:
        status, _, _ = browser.request("/login", {"email": email, "password": PASSWORD,
                                                  "csrf_token": browser.token("/login")})
        assert status == 302, status
        for slug in QUIZZES:
            token = browser.token(f"/quizzes/{slug}")
            status, location, _ = browser.request(f"/quizzes/{slug}/start",
                                                  {"csrf_token": token})
            if status != 302 or "/attempts/" not in location:
                log.append((None, f"start {status}"))
                continue
            attempt_id = location.rsplit("/attempts/", 1)[1]
            form = {**answers_for(app, attempt_id, correct=(n % 3 != 0)), "action": "submit",
                    "csrf_token": browser.token(f"/attempts/{attempt_id}")}
            try:
                status, location, _ = browser.request(f"/attempts/{attempt_id}", form)
            except LOST:
                log.append((attempt_id, "lost"))
                continue
            ok = status == 302 and location.endswith(f"/attempts/{attempt_id}/result")
            log.append((attempt_id, "success" if ok else f"status {status}"))
            progress()
    except LOST as exc:  # the connection died with the worker: not acknowledged
        log.append((None, f"lost: {exc!r}"))
    except AssertionError as exc:  # an unexpected page: not acknowledged, shown on failure
        log.append((None, f"unexpected: {exc!r}"))


@pytest.mark.slow
def test_sigkill_a_worker_mid_run_loses_nothing_acknowledged(fresh_database, tmp_path):
    database_url = fresh_database("gunicorn")
    app, emails = prepare(database_url, tmp_path)
    server = Gunicorn(database_url, free_port(), tmp_path)
    log: list = []
    done = threading.Condition()

    def progress():
        with done:
            done.notify_all()

    try:
        address = server.wait_for(r"Listening at: (http://\S+)")[0]
        pids = server.wait_for(r"Booting worker with pid: (\d+)", WORKERS)
        threads = [threading.Thread(target=trainee_run, args=(app, address, email, n, log,
                                                              progress))
                   for n, email in enumerate(emails)]
        for thread in threads:
            thread.start()
        expected = TRAINEES * len(QUIZZES)
        with done:  # kill once a third of the submissions are in
            done.wait_for(lambda: len(log) >= expected // 3, timeout=120)
        before_kill = sum(1 for _, outcome in log if outcome == "success")
        victim = int(pids[0])
        os.kill(victim, signal.SIGKILL)
        server.wait_for(r"Booting worker with pid: (\d+)", WORKERS + 1)  # replaced
        for thread in threads:
            thread.join(timeout=180)
        assert not any(thread.is_alive() for thread in threads), "a trainee hung"
    finally:
        server.stop()
    acknowledged = [attempt for attempt, outcome in log if outcome == "success"]
    assert before_kill >= 1 and len(acknowledged) > before_kill, log  # served on, after it
    assert len(acknowledged) >= expected // 2, log
    assert any(f"pid:{victim}" in line for line in server.lines), "the kill was not seen"
    check_stored(app, acknowledged)


def check_stored(app, acknowledged: list[str]) -> None:
    """Each acknowledged submission is stored and graded once; the audit chain verifies."""
    from tpcourse.extensions import db
    from tpcourse.models import Attempt, AuditEvent
    from tpcourse.services.records.audit import seal_pending, verify_stored_chain

    with app.app_context():
        # Grades queued by the killed worker (or not yet sealed when the server stopped) wait
        # in the queue; sealing them now, as `flask audit seal` would, loses none.
        seal_pending()
        attempts = {a.id: a for a in db.session.execute(select(Attempt)).scalars()}
        graded = [e.payload["attempt"] for e in db.session.execute(
            select(AuditEvent).filter_by(kind="attempt.graded")).scalars()]
        for attempt_id in acknowledged:
            attempt = attempts[attempt_id]
            assert attempt.status == "submitted" and attempt.score is not None, attempt_id
            assert [r["id"] for r in attempt.results] == attempt.question_ids
            assert graded.count(attempt_id) == 1, attempt_id
        assert len(graded) == len(set(graded))  # nothing graded twice, acknowledged or not
        closed = {a.id for a in attempts.values() if a.status != "in_progress"}
        assert set(graded) == closed  # every grade is in the chain, and only those
        assert verify_stored_chain() is None
        db.session.remove()
        db.engine.dispose()
