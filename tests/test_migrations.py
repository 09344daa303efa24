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


def test_0006_lti_and_sso_tables_up_and_down_with_data(tmp_path):
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
            upgrade(revision="0006_i23_lti_sso")
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
            downgrade(revision="0005")
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
