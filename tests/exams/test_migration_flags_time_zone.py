"""Migration 0008 (attempts.flags, users.time_zone) keeps every row both ways, with data in
the tables, on SQLite and on PostgreSQL (TPCOURSE_TEST_DATABASE_URL)."""

from __future__ import annotations

import json

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.conftest import make_app
from tests.test_migrations import _fresh_url
from tpcourse.extensions import db

REVISION, BEFORE = "0008", "0007"
STARTED = "2026-03-02 09:00:00"


def _seed(conn) -> None:
    conn.execute(text(
        "INSERT INTO users (id, email, name, password_hash, role, active, created_at) "
        f"VALUES (1, 'a@example.com', 'Ana', 'hash', 'trainee', true, '{STARTED}')"))
    conn.execute(text("INSERT INTO quizzes (id, slug, current_version, created_at) "
                      f"VALUES (1, 'quiz', 1, '{STARTED}')"))
    conn.execute(text(
        "INSERT INTO quiz_versions (id, quiz_id, version, content_hash, title, data, created_at) "
        f"VALUES (1, 1, 1, 'h', 'Quiz', :data, '{STARTED}')"), {"data": json.dumps({"q": 1})})
    conn.execute(text(
        "INSERT INTO attempts (id, user_id, quiz_id, quiz_version_id, number, status, "
        "started_at, question_ids, orders, responses) VALUES ('att1', 1, 1, 1, 1, "
        f"'in_progress', '{STARTED}', :ids, '{{}}', :responses)"),
        {"ids": json.dumps(["a", "b"]), "responses": json.dumps({"a": "x"})})


def _rows(conn) -> tuple:
    user = conn.execute(text("SELECT id, email, name FROM users")).all()
    attempt = conn.execute(text("SELECT id, status, responses FROM attempts")).all()
    responses = attempt[0][2]
    return user, [(a[0], a[1]) for a in attempt], (
        json.loads(responses) if isinstance(responses, str) else responses)


def test_flags_and_time_zone_migrate_both_ways_with_data(tmp_path):
    url, cleanup = _fresh_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                _seed(conn)
                before = _rows(conn)
            upgrade(revision=REVISION)
            with db.engine.begin() as conn:
                assert _rows(conn) == before
                assert conn.execute(text("SELECT flags FROM attempts")).scalar() is None
                assert conn.execute(text("SELECT time_zone FROM users")).scalar() is None
                conn.execute(text("UPDATE attempts SET flags = :f"), {"f": json.dumps(["b"])})
                conn.execute(text("UPDATE users SET time_zone = 'Europe/Berlin'"))
            downgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                assert _rows(conn) == before  # the grade-relevant data is all still there
                assert "flags" not in set(conn.execute(text("SELECT * FROM attempts")).keys())
                assert "time_zone" not in set(conn.execute(text("SELECT * FROM users")).keys())
            upgrade(revision="heads")
            with db.engine.begin() as conn:
                assert _rows(conn) == before
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
