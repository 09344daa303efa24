"""Migrations upgrade to head, downgrade to base and upgrade again, matching the models."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager

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


@contextmanager
def migration_app(tmp_path):
    """An app over an empty database of its own (a fresh schema on PostgreSQL), inside its
    context; the engine disposed and the schema dropped afterwards."""
    url, cleanup = _fresh_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            yield app
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()


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


def test_0005_user_sessions_up_and_down_with_data(tmp_path):
    """Accounts stay through the session table's upgrade and downgrade; sessions issued under
    it go with it (everyone logs in again), and the upgrade can be applied again."""
    url, cleanup = _fresh_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0004")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO users (id, email, name, password_hash, role, active, created_at)"
                    " VALUES (1, 'a@example.com', 'Ana', 'hash', 'trainee', true, "
                    "'2026-01-01 00:00:00+00:00')"))
            upgrade(revision="0005")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO user_sessions (id, user_id, created_at, user_agent) VALUES "
                    "('s1', 1, '2026-01-02 00:00:00+00:00', 'test')"))
                assert conn.execute(text("SELECT COUNT(*) FROM user_sessions")).scalar() == 1
            downgrade(revision="0004")
            assert "user_sessions" not in inspect(db.engine).get_table_names()
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT email FROM users")).scalars().all() == [
                    "a@example.com"]
            upgrade(revision="heads")
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT COUNT(*) FROM user_sessions")).scalar() == 0
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()


# Rows here would make a downgrade refuse on purpose (0004: grades waiting to be chained).
KEEP_EMPTY = {"audit_pending", "alembic_version"}


def _sample(column, row_ids: dict[str, object]):
    """A value a column accepts: the referenced row's key for a foreign key, else by type."""
    import datetime as dt

    from sqlalchemy import types

    for key in column.foreign_keys:
        return row_ids.get(key.column.table.name)
    kind = column.type
    if isinstance(kind, types.Boolean):
        return True
    if isinstance(kind, types.Integer):
        return 1
    if isinstance(kind, types.Float | types.Numeric):
        return 1.5
    if isinstance(kind, types.DateTime):
        return dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    if isinstance(kind, types.Date):
        return dt.date(2026, 1, 1)
    if isinstance(kind, types.JSON):
        return {}
    if isinstance(kind, types.LargeBinary):
        return b"x"
    length = getattr(kind, "length", None) or 8
    return "x"[:length] if length < 2 else f"{column.table.name[:3]}1"[:length]


def _fill_empty_tables(conn, row_ids: dict[str, object]) -> None:
    from sqlalchemy import MetaData, func, select

    meta = MetaData()
    meta.reflect(conn)
    for table in meta.sorted_tables:
        if table.name in KEEP_EMPTY:
            continue
        if conn.execute(select(func.count()).select_from(table)).scalar():
            continue
        row = {c.name: _sample(c, row_ids) for c in table.columns}
        conn.execute(table.insert().values(**row))
        keys = [c.name for c in table.primary_key.columns]
        row_ids[table.name] = row[keys[0]] if keys else None


def _counts(conn) -> dict[str, int]:
    from sqlalchemy import MetaData, func, select

    meta = MetaData()
    meta.reflect(conn)
    return {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
            for t in meta.sorted_tables if t.name != "alembic_version"}


def test_every_revision_goes_up_and_down_with_a_row_in_every_table(tmp_path):
    """Step through the history one revision at a time, with a row in every table: each
    downgrade and re-upgrade keeps every row of the tables the earlier revision has."""
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate  # noqa: F401  (configures alembic for the app)

    url, cleanup = _fresh_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            config = app.extensions["migrate"].migrate.get_config()
            script = ScriptDirectory.from_config(config)
            history = [r.revision for r in reversed(list(script.walk_revisions()))]
            assert len(history) >= 6
            row_ids: dict[str, object] = {}
            # The first revision creates the schema: going back past it drops everything,
            # which the plain up/down/up test above covers on an empty database.
            upgrade(revision=history[0])
            with db.engine.begin() as conn:
                _fill_empty_tables(conn, row_ids)
            previous = history[0]
            for revision in history[1:]:
                upgrade(revision=revision)
                with db.engine.begin() as conn:
                    _fill_empty_tables(conn, row_ids)
                with db.engine.connect() as conn:
                    before = _counts(conn)
                downgrade(revision=previous)
                with db.engine.connect() as conn:
                    kept = _counts(conn)
                for name, count in kept.items():
                    assert count == before[name], (revision, name, count, before[name])
                upgrade(revision=revision)
                with db.engine.connect() as conn:
                    after = _counts(conn)
                assert all(after[name] == count for name, count in kept.items()), revision
                previous = revision
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()


def test_i18_ce_fields_upgrade_and_downgrade_with_data(tmp_path):
    """0007: existing course versions gain 0 hands-on time, no approval, no safety flag;
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
            upgrade(revision="0007")
            with db.engine.connect() as conn:
                row = conn.execute(text("SELECT hands_on_minutes, hands_on_ce_hours, ce_approval, "
                                        "ce_hours FROM course_versions")).one()
                safety = conn.execute(text("SELECT safety FROM modules")).scalar_one()
            assert tuple(row) == (0, 0.0, None, 2.5) and not safety
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE course_versions SET hands_on_minutes = 120, "
                                  "hands_on_ce_hours = 2"))
            downgrade(revision="0006")
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


def test_0009_lti_and_sso_tables_up_and_down_with_data(tmp_path):
    """Issue 23's tables take rows (an LMS, its link and launched identity, a school login and
    a linked identity) and go on downgrade; accounts made by launches stay; upgrade again."""
    url, cleanup = _fresh_url(tmp_path)
    app = make_app(url, tmp_path)
    at = "'2026-01-01 00:00:00+00:00'"
    try:
        with app.app_context():
            upgrade(revision="0005")
            with db.engine.begin() as conn:
                conn.execute(text("INSERT INTO schools (id, slug, name, created_at) VALUES "
                                  f"(1, 'north', 'North', {at})"))
                conn.execute(text(
                    "INSERT INTO users (id, email, name, password_hash, role, active, school_id,"
                    f" created_at) VALUES (1, 'lti-1-x@lti.invalid', 'Lee', 'h', 'trainee', true, 1, {at})"))
            upgrade(revision="0009")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO lti_platforms (id, school_id, name, issuer, client_id, "
                    "deployment_ids, auth_login_url, auth_token_url, key_set_url, active, "
                    "created_at) VALUES (1, 1, 'LMS', 'https://lms', 'c', '[\"1\"]', "
                    f"'https://lms/a', 'https://lms/t', 'https://lms/k', true, {at})"))
                conn.execute(text(
                    "INSERT INTO lti_identities (platform_id, subject, user_id, created_at) "
                    f"VALUES (1, 'sub-1', 1, {at})"))
                conn.execute(text(
                    "INSERT INTO lti_links (platform_id, deployment_id, resource_link_id, "
                    "context_title, title, target, ags_scopes, created_at, updated_at) VALUES "
                    f"(1, '1', 'rl', '', 'Quiz', 'quiz/q', '[]', {at}, {at})"))
                conn.execute(text(
                    "INSERT INTO sso_providers (id, school_id, name, issuer, client_id, "
                    "client_secret, authorization_endpoint, token_endpoint, jwks_uri, scopes, "
                    "create_accounts, sso_only, active, created_at) VALUES (1, 1, 'ID', "
                    "'https://id', 'c', 'env:X', 'https://id/a', 'https://id/t', 'https://id/k',"
                    f" 'openid', true, false, true, {at})"))
                conn.execute(text(
                    "INSERT INTO sso_identities (provider_id, issuer, subject, user_id, "
                    f"created_at) VALUES (1, 'https://id', 's', 1, {at})"))
                assert conn.execute(text("SELECT COUNT(*) FROM lti_links")).scalar() == 1
            downgrade(revision="0008")
            names = set(inspect(db.engine).get_table_names())
            assert not {n for n in names if n.startswith(("lti_", "sso_"))}
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT name FROM users")).scalars().all() == ["Lee"]
            upgrade(revision="heads")
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT COUNT(*) FROM lti_platforms")).scalar() == 0
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()


def test_0012_user_locale_up_and_down_with_data(tmp_path):
    """0012_i26: every existing account gets no language (its browser's), downgrading drops
    the choice and keeps the account, and the upgrade applies again."""
    with migration_app(tmp_path):
        upgrade(revision="0011_i25")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, active, "
                              "share_renewed_codes, created_at) VALUES (1, 'a@example.org', "
                              "'Ana', 'x', 'trainee', true, false, '2026-01-01 00:00:00+00')"))
        upgrade(revision="0012_i26")
        with db.engine.begin() as conn:
            assert conn.execute(text("SELECT locale FROM users")).scalar_one() is None
            conn.execute(text("UPDATE users SET locale = 'es'"))
        downgrade(revision="0011_i25")
        assert "locale" not in {c["name"] for c in inspect(db.engine).get_columns("users")}
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT email FROM users")).scalar_one() == "a@example.org"
        upgrade(revision="0012_i26")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT locale FROM users")).scalar_one() is None


def test_0012_i26c_content_translations_up_and_down_with_data(tmp_path):
    """A course version gains a translation row; downgrading drops the table and keeps the
    version, its modules and lessons; upgrading again starts with no translations."""
    at = "'2026-01-01 00:00:00+00:00'"
    with migration_app(tmp_path):
        upgrade(revision="0012_i26")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO courses (id, slug, current_version, created_at) "
                              f"VALUES (1, 'c', 1, {at})"))
            conn.execute(text(
                "INSERT INTO course_versions (id, course_id, version, content_hash, title, "
                "summary, ce_hours, completion, course_type, practical_skills, evaluation, "
                f"created_at) VALUES (1, 1, 1, 'h', 'C', '', 1, '{{}}', 'Home Study', '[]', "
                f"'[]', {at})"))
            conn.execute(text("INSERT INTO modules (id, course_version_id, slug, position, "
                              "title, objectives) VALUES (1, 1, 'm', 1, 'M', '{}')"))
        upgrade(revision="0012_i26c")
        with db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO content_translations (course_version_id, locale, target, path, "
                "text, fields) VALUES (1, 'es', 'module:m', 'm/module.es.yaml', "
                "'title: Módulo', '{\"title\": \"Módulo\"}')"))
            row = conn.execute(text("SELECT locale, path, text FROM content_translations")
                               ).one()
        assert tuple(row) == ("es", "m/module.es.yaml", "title: Módulo")
        downgrade(revision="0012_i26")
        assert "content_translations" not in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT title FROM course_versions")).scalar_one() == "C"
            assert conn.execute(text("SELECT COUNT(*) FROM modules")).scalar_one() == 1
        upgrade(revision="heads")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM content_translations")
                                ).scalar_one() == 0
