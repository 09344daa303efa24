"""Migration 0011_i25 (essay grades, overrides, evidence, rubric levels, live sessions,
hands-on hours) up and down with data in the tables, on SQLite and on PostgreSQL."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.conftest import make_app
from tests.test_migrations import _fresh_url
from tpcourse.extensions import db

REVISION = "0011_i25"
NEW_TABLES = {"essay_grades", "grade_overrides", "skill_evidence", "practical_sessions",
              "session_signups"}
T = "'2026-01-01 00:00:00+00:00'"


def _columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def test_0011_up_and_down_with_data(tmp_path):
    url, cleanup = _fresh_url(tmp_path)
    app = make_app(url, tmp_path)
    try:
        with app.app_context():
            upgrade(revision="0010")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO users (id, email, name, password_hash, role, active, created_at)"
                    f" VALUES (1, 'a@example.com', 'Ana', 'hash', 'trainee', true, {T})"))
                conn.execute(text(f"INSERT INTO courses (id, slug, current_version, created_at) "
                                  f"VALUES (1, 'c', 1, {T})"))
                conn.execute(text(
                    "INSERT INTO course_versions (id, course_id, version, content_hash, title, "
                    "summary, ce_hours, completion, course_type, practical_skills, evaluation, "
                    "hands_on_minutes, hands_on_ce_hours, created_at) VALUES (1, 1, 1, 'h', 'C',"
                    f" '', 2, '{{}}', 'Home Study', '[]', '[]', 0, 0, {T})"))
                conn.execute(text(f"INSERT INTO quizzes (id, slug, course_id, current_version, "
                                  f"created_at) VALUES (1, 'q', 1, 1, {T})"))
                conn.execute(text(
                    "INSERT INTO quiz_versions (id, quiz_id, version, content_hash, title, data,"
                    f" created_at) VALUES (1, 1, 1, 'h', 'Q', '{{}}', {T})"))
                conn.execute(text(
                    "INSERT INTO attempts (id, user_id, quiz_id, quiz_version_id, number, status,"
                    " started_at, submitted_at, question_ids, orders, responses, score, "
                    f"max_score, percent, passed) VALUES ('a1', 1, 1, 1, 1, 'submitted', {T}, "
                    f"{T}, '[]', '{{}}', '{{}}', 1, 2, 50, false)"))
                conn.execute(text(
                    "INSERT INTO skill_signoffs (id, user_id, course_id, skill_key, signed_by_id,"
                    f" signed_at, note) VALUES (1, 1, 1, 's', 1, {T}, 'n')"))
                conn.execute(text(
                    "INSERT INTO completion_records (id, user_id, course_id, course_version_id, "
                    f"completed_at, score, ce_hours, certificate_code) VALUES (1, 1, 1, 1, {T}, "
                    "90, 2, 'TP-1')"))
            upgrade(revision=REVISION)
            assert set(inspect(db.engine).get_table_names()) >= NEW_TABLES
            assert {"levels", "place"} <= _columns("skill_signoffs")
            assert "regraded_at" in _columns("attempts")
            assert "hands_on_hours" in _columns("completion_records")
            with db.engine.begin() as conn:
                assert conn.execute(text("SELECT place FROM skill_signoffs")).scalar() == ""
                conn.execute(text(
                    "INSERT INTO essay_grades (attempt_id, question_id, grader_id, graded_at, "
                    f"criteria, points, feedback) VALUES ('a1', 'e', 1, {T}, '[]', 1, '')"))
                conn.execute(text(
                    "INSERT INTO grade_overrides (attempt_id, by_id, at, reason, from_score, "
                    "from_percent, from_passed, to_score, to_percent, to_passed) VALUES ('a1', "
                    f"1, {T}, 'a reason here', 1, 50, false, 2, 100, true)"))
                conn.execute(text(
                    "INSERT INTO skill_evidence (id, user_id, course_id, skill_key, "
                    "uploaded_by_id, uploaded_at, storage_key, content_type, size, caption) "
                    f"VALUES ('e1', 1, 1, 's', 1, {T}, 'k1', 'image/png', 3, '')"))
                conn.execute(text(
                    "INSERT INTO practical_sessions (id, course_id, starts_at, minutes, place, "
                    f"capacity, skills, notes, created_at) VALUES (1, 1, {T}, 60, 'Clinic', 2, "
                    f"'[]', '', {T})"))
                conn.execute(text(
                    "INSERT INTO session_signups (session_id, user_id, status, signed_up_at, "
                    f"attended) VALUES (1, 1, 'admitted', {T}, true)"))
                conn.execute(text("UPDATE attempts SET regraded_at = " + T))
                conn.execute(text("UPDATE completion_records SET hands_on_hours = 1"))
            downgrade(revision="0010")
            assert not NEW_TABLES & set(inspect(db.engine).get_table_names())
            assert "regraded_at" not in _columns("attempts")
            assert "levels" not in _columns("skill_signoffs")
            with db.engine.connect() as conn:  # what was there before stays
                assert conn.execute(text("SELECT note FROM skill_signoffs")).scalar() == "n"
                assert conn.execute(text("SELECT percent FROM attempts")).scalar() == 50
                assert conn.execute(text("SELECT ce_hours FROM completion_records")).scalar() == 2
            upgrade(revision=REVISION)
            with db.engine.connect() as conn:
                assert conn.execute(text("SELECT COUNT(*) FROM essay_grades")).scalar() == 0
                assert conn.execute(text("SELECT hands_on_hours FROM completion_records")
                                    ).scalar() is None
            db.engine.dispose()
    finally:
        if cleanup:
            engine, schema = cleanup
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            engine.dispose()
