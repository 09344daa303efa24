"""Migration 0011_i21 (certification cycles) up and down with records in the table, on SQLite
and on PostgreSQL: every record becomes cycle 1 with its code; renewals block a downgrade."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from tests.conftest import make_app
from tests.test_migrations import _fresh_url
from tpcourse.extensions import db

REVISION = "0011_i21"
T = "'2026-01-01 00:00:00+00:00'"


def _seed(conn) -> None:
    conn.execute(text("INSERT INTO courses (id, slug, current_version, created_at) "
                      f"VALUES (1, 'c', 1, {T})"))
    conn.execute(text(
        "INSERT INTO course_versions (id, course_id, version, content_hash, title, summary, "
        "ce_hours, completion, course_type, practical_skills, evaluation, hands_on_minutes, "
        f"hands_on_ce_hours, created_at) VALUES (1, 1, 1, 'h', 'C', '', 2.5, '{{}}', "
        f"'Home Study', '[]', '[]', 0, 0, {T})"))
    for n in (1, 2):
        conn.execute(text(
            "INSERT INTO users (id, email, name, password_hash, role, active, created_at) "
            f"VALUES ({n}, 'u{n}@example.com', 'U{n}', 'hash', 'trainee', true, {T})"))
        conn.execute(text(
            "INSERT INTO completion_records (id, user_id, course_id, course_version_id, "
            f"completed_at, ce_hours, certificate_code, expires_at) VALUES ({n}, {n}, 1, 1, "
            f"{T}, 2.5, 'TP-CODE-{n}', '2027-01-01 00:00:00+00:00')"))


def _codes() -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(
            "SELECT id, certificate_code FROM completion_records ORDER BY id"))]


def test_0011_keeps_every_record_and_code_and_goes_back_down(tmp_path):
    url, cleanup = _fresh_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0010")
            with db.engine.begin() as conn:
                _seed(conn)
            upgrade(revision=REVISION)
            with db.engine.connect() as conn:
                rows = conn.execute(text("SELECT cycle, renews_id FROM completion_records "
                                         "ORDER BY id")).all()
                renewal = conn.execute(text("SELECT renewal FROM course_versions")).scalar()
                share = conn.execute(text("SELECT share_renewed_codes FROM users")).scalars()
                assert [tuple(r) for r in rows] == [(1, None), (1, None)]
                assert renewal is None and not any(share)
            with db.engine.begin() as conn:  # the new columns take data before the downgrade
                conn.execute(text("INSERT INTO schools (id, slug, name, created_at, website_url, "
                                  f"certificate_template) VALUES (1, 's', 'S', {T}, "
                                  "'https://s.example', '{\"page_size\": \"Letter\"}')"))
            assert _codes() == [(1, "TP-CODE-1"), (2, "TP-CODE-2")]
            with db.engine.begin() as conn:  # a renewal of user 1's record: cycle 2
                conn.execute(text(
                    "INSERT INTO completion_records (id, user_id, course_id, course_version_id, "
                    "completed_at, ce_hours, certificate_code, cycle, renews_id) VALUES "
                    f"(3, 1, 1, 1, {T}, 0, 'TP-CODE-3', 2, 1)"))
            with pytest.raises(IntegrityError), db.engine.begin() as conn:  # one per cycle
                conn.execute(text(
                    "INSERT INTO completion_records (id, user_id, course_id, course_version_id, "
                    f"completed_at, ce_hours, certificate_code, cycle) VALUES "
                    f"(4, 1, 1, 1, {T}, 0, 'TP-CODE-4', 2)"))
            with pytest.raises(SystemExit):  # flask_migrate logs the RuntimeError, exits 1
                downgrade(revision="0010")  # would have to delete TP-CODE-3: refused
            assert _codes() == [(1, "TP-CODE-1"), (2, "TP-CODE-2"), (3, "TP-CODE-3")]
            with db.engine.begin() as conn:
                conn.execute(text("DELETE FROM completion_records WHERE id = 3"))
            downgrade(revision="0010")
            columns = {c["name"] for c in inspect(db.engine).get_columns("completion_records")}
            assert not {"cycle", "renews_id"} & columns
            school_columns = {c["name"] for c in inspect(db.engine).get_columns("schools")}
            assert not {"website_url", "logo_image", "signature_image",
                        "certificate_template"} & school_columns
            assert "deadline" not in {c["name"] for c in inspect(db.engine).get_columns("cohorts")}
            assert "lift_locks" not in {c["name"] for c in
                                        inspect(db.engine).get_columns("accommodations")}
            assert "renewal" not in {c["name"] for c in
                                     inspect(db.engine).get_columns("course_versions")}
            assert _codes() == [(1, "TP-CODE-1"), (2, "TP-CODE-2")]
            with pytest.raises(IntegrityError), db.engine.begin() as conn:  # old rule is back
                conn.execute(text(
                    "INSERT INTO completion_records (id, user_id, course_id, course_version_id, "
                    f"completed_at, ce_hours, certificate_code) VALUES "
                    f"(5, 1, 1, 1, {T}, 0, 'TP-CODE-5')"))
            upgrade(revision="heads")
            assert _codes() == [(1, "TP-CODE-1"), (2, "TP-CODE-2")]
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
