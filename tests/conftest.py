"""Shared fixtures: an app on SQLite (default) or PostgreSQL, a client, factories."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tpcourse import create_app
from tpcourse.extensions import db as _db

FIXTURES = Path(__file__).parent / "fixtures"
CONTENT = FIXTURES / "content"
PG_URL = os.environ.get("TPCOURSE_TEST_DATABASE_URL")


class Clock:
    """A controllable clock: tests move time instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        """Move the clock forward by a timedelta's keyword arguments."""
        from datetime import timedelta

        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """One database per test session: a SQLite file, or a fresh PostgreSQL schema."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{joiner}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def make_app(database_url: str, instance: Path, **overrides):
    """Create an app configured for tests."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TPCOURSE_LESSONS_DIR": str(CONTENT / "lessons"),
        "TPCOURSE_QUIZZES_DIR": str(CONTENT / "quizzes"),
        "TPCOURSE_LOGIN_LIMIT": "1000 per minute",
        "TPCOURSE_API_LIMIT": "1000 per minute",
        "TPCOURSE_API_FAILURE_LIMIT": "1000 per minute",
        # Grades are chained by the request, so a test sees them at once (the background
        # sealer has its own tests: tests/records/test_audit_queue.py).
        "TPCOURSE_AUDIT_SEALING": "inline",
        # Background jobs run right after the commit that enqueued them (tests/jobs has the
        # thread mode of the demo, and real RQ workers on Redis).
        "TPCOURSE_JOBS_INLINE": "sync",
        "TPCOURSE_JOBS_REDIS_URL": None,
        # Webhook receivers in the tests listen on 127.0.0.1.
        "TPCOURSE_WEBHOOK_ALLOW_PRIVATE": "127.0.0.1/32",
        "SERVER_NAME": "tpcourse.test",
        "WTF_CSRF_ENABLED": False,
    }
    config.update(overrides)
    from tpcourse.config import database_url as normalise

    config["SQLALCHEMY_DATABASE_URI"] = normalise(config["SQLALCHEMY_DATABASE_URI"])
    app = create_app(config)
    app.instance_path = str(instance)
    return app


@pytest.fixture(scope="session")
def _migrated(database_url, tmp_path_factory):
    """Apply the Alembic migrations once per session."""
    from flask_migrate import upgrade

    app = make_app(database_url, tmp_path_factory.mktemp("instance"))
    with app.app_context():
        upgrade(revision="heads")
        _db.engine.dispose()
    return database_url


@pytest.fixture
def clock():
    """The app's clock, frozen until a test advances it."""
    return Clock()


def empty_database() -> None:
    """Delete every row (children first) and drop connections; call inside an app context."""
    _db.session.remove()
    with _db.engine.begin() as conn:
        for table in reversed(_db.metadata.sorted_tables):
            conn.execute(table.delete())
    _db.engine.dispose()


@pytest.fixture
def app(_migrated, tmp_path, clock):
    """A fresh app per test over the session database, emptied after the test."""
    app = make_app(_migrated, tmp_path, TPCOURSE_NOW=clock)
    with app.app_context():
        yield app
        empty_database()


@pytest.fixture
def db(app):
    """The SQLAlchemy handle, inside the app context."""
    return _db


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def content(app):
    """Load the fixture course and quizzes into the database."""
    from tpcourse.services.authoring.content_sync import sync_from_folders

    return sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")


PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(db):
    """Factory: make_user(role='trainee', school=None, email=None) -> User."""
    from tpcourse.services.accounts.accounts import create_user, ensure_school

    counter = iter(range(1, 10_000))

    def factory(role: str = "trainee", school: str | None = None, email: str | None = None,
                name: str | None = None):
        if school:
            ensure_school(school, school.title())
        n = next(counter)
        return create_user(email or f"{role}{n}@example.com", name or f"{role.title()} {n}",
                           PASSWORD, role, school)

    return factory


@pytest.fixture
def login_as(client):
    """Log the test client in as a user."""

    def login(user):
        client.post("/logout")
        response = client.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return login


@pytest.fixture
def enrolled(make_user, content, db):
    """A trainee enrolled in the fixture course."""
    from sqlalchemy import select

    from tpcourse.models import Course
    from tpcourse.services.learning.learning import enroll

    user = make_user()
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    enroll(user, course.id)
    return user


@pytest.fixture(autouse=True)
def _english_shell(monkeypatch):
    """Commands print in the shell's language (tpcourse/cli/common.py): the tests' shell reads
    English whatever the developer's does (tests/i18n/test_cli.py sets its own)."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
