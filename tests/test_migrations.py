"""Migrations upgrade to head, downgrade to base and upgrade again, matching the models."""

from __future__ import annotations

import os
import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from tests.conftest import PG_URL, make_app
from tpcourse.extensions import db


def _fresh_url(tmp_path):
    if not PG_URL:
        return f"sqlite:///{tmp_path}/mig.sqlite3", None
    schema = f"m_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{joiner}options=-csearch_path%3D{schema}", (engine, schema)


def test_upgrade_downgrade_upgrade(tmp_path):
    url, cleanup = _fresh_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade(revision="heads")
            tables = set(inspect(db.engine).get_table_names())
            assert {"users", "attempts", "completion_records", "quiz_versions"} <= tables
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == [], f"models and migrations differ: {diff}"
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade(revision="heads")
            assert "attempts" in inspect(db.engine).get_table_names()
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()


def test_i18_ce_fields_upgrade_and_downgrade_with_data(tmp_path):
    """0005_i18: existing course versions gain 0 hands-on time, no approval, no safety flag;
    downgrading drops the columns and keeps every row."""
    url, cleanup = _fresh_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0004")
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO courses (id, slug, current_version, created_at) "
                                  "VALUES (1, 'c', 1, '2026-01-01 00:00:00+00')"))
                conn.execute(text(
                    "INSERT INTO course_versions (id, course_id, version, content_hash, title, "
                    "summary, ce_hours, completion, course_type, practical_skills, evaluation, "
                    "created_at) VALUES (1, 1, 1, 'h', 'C', '', 2.5, '{}', 'Home Study', '[]', "
                    "'[]', '2026-01-01 00:00:00+00')"))
                conn.execute(text("INSERT INTO modules (id, course_version_id, slug, position, "
                                  "title, objectives) VALUES (1, 1, 'm', 1, 'M', '{}')"))
            upgrade(revision="0005_i18_ce_split_approval")
            with db.engine.connect() as conn:
                row = conn.execute(text("SELECT hands_on_minutes, hands_on_ce_hours, ce_approval, "
                                        "ce_hours FROM course_versions")).one()
                safety = conn.execute(text("SELECT safety FROM modules")).scalar_one()
            assert tuple(row) == (0, 0.0, None, 2.5) and not safety
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE course_versions SET hands_on_minutes = 120, "
                                  "hands_on_ce_hours = 2"))
            downgrade(revision="0004")
            columns = {c["name"] for c in inspect(db.engine).get_columns("course_versions")}
            assert not {"hands_on_minutes", "hands_on_ce_hours", "ce_approval"} & columns
            assert "safety" not in {c["name"] for c in inspect(db.engine).get_columns("modules")}
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT ce_hours FROM course_versions")).scalar_one() \
                    == 2.5
                assert conn.execute(text("SELECT COUNT(*) FROM modules")).scalar_one() == 1
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
