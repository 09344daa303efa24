"""Migration 0010 (notifications, emails sent once, webhooks, export jobs) up and down with
data in the tables, on SQLite and on PostgreSQL."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import make_app
from tests.test_migrations import _fresh_url
from tpcourse.extensions import db

REVISION = "0010"
NEW_TABLES = {"notifications", "notification_opt_outs", "email_deliveries", "webhook_endpoints",
              "webhook_events", "webhook_deliveries", "webhook_attempts", "export_jobs"}
T = "'2026-01-01 00:00:00+00:00'"


def test_0010_up_and_down_with_data(tmp_path):
    url, cleanup = _fresh_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0009")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO schools (id, slug, name, created_at) VALUES (1, 'north', 'North', "
                    f"{T})"))
                conn.execute(text(
                    "INSERT INTO users (id, email, name, password_hash, role, active, created_at,"
                    f" school_id) VALUES (1, 'a@example.com', 'Ana', 'hash', 'trainee', true, {T},"
                    " 1)"))
            upgrade(revision=REVISION)
            assert set(inspect(db.engine).get_table_names()) >= NEW_TABLES
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO notifications (user_id, kind, key, subject, body, emailed, "
                    f"created_at) VALUES (1, 'certificate_issued', 'k1', 's', 'b', true, {T})"))
                conn.execute(text("INSERT INTO notification_opt_outs (user_id, kind, created_at)"
                                  f" VALUES (1, 'skill_signed_off', {T})"))
                conn.execute(text("INSERT INTO email_deliveries (key, state, attempts, created_at)"
                                  f" VALUES ('email:k1', 'sent', 1, {T})"))
                conn.execute(text(
                    "INSERT INTO webhook_endpoints (id, school_id, url, description, events, "
                    "secret_sealed, active, created_at) VALUES (1, 1, 'https://example.com/h', "
                    f"'', '[\"attempt.graded\"]', 'x', true, {T})"))
                conn.execute(text(
                    "INSERT INTO webhook_events (id, key, school_id, type, payload, created_at) "
                    f"VALUES ('msg_1', 'e1', 1, 'attempt.graded', '{{}}', {T})"))
                conn.execute(text(
                    "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts,"
                    f" created_at) VALUES (1, 'msg_1', 1, 'delivered', 1, {T})"))
                conn.execute(text(
                    "INSERT INTO webhook_attempts (delivery_id, number, at, response_code) "
                    f"VALUES (1, 1, {T}, 200)"))
                conn.execute(text(
                    "INSERT INTO export_jobs (id, school_id, format, filters, status, rows_total,"
                    f" rows_done, created_at) VALUES ('j1', 1, 'csv', '{{}}', 'done', 2, 2, {T})"))
            downgrade(revision="0009")
            assert not NEW_TABLES & set(inspect(db.engine).get_table_names())
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT email FROM users")).scalars().all() == [
                    "a@example.com"]
            upgrade(revision="heads")
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT COUNT(*) FROM notifications")).scalar() == 0
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
