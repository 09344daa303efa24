"""`backup create` / `backup restore`: a restore into a fresh database brings every record back
and a valid audit chain; a damaged or foreign file is refused or reported."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, make_app
from tests.helpers import answer_form
from tests.security.conftest import snapshot


@pytest.fixture
def records(app, db, make_user, enrolled, clock):
    """A course completed by one trainee (graded attempts, a completion record, audit events),
    attempts by another, and a school admin."""
    from tpcourse.models import AuditEvent, CompletionRecord, Course
    from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
    from tpcourse.services.learning.learning import current_version, enroll, mark_lesson_read

    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    version = current_version("basics", with_lessons=True)
    keys = [f"{m.slug}/{lesson.slug}" for m in version.modules for lesson in m.lessons]
    for key in keys:
        mark_lesson_read(enrolled, course.id, key, clock())
    other = make_user(name="Bea Other")
    enroll(other, course.id)
    make_user(role="school_admin", school="northside")
    for user, correct in ((enrolled, True), (other, False)):
        for slug in ("intro-quiz", "safety-quiz", "basics-final"):
            quiz, quiz_version = get_quiz(slug)
            attempt = start_attempt(user, quiz, quiz_version, clock())
            form = {k: v if isinstance(v, list) else [v]
                    for k, v in answer_form(attempt, correct=correct).items()}
            submit_attempt(attempt.id, user, form, clock())
            clock.advance(minutes=1)
    assert db.session.execute(select(func.count()).select_from(CompletionRecord)).scalar() == 1
    assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar() == 7
    return snapshot()


@pytest.fixture
def fresh_target(tmp_path, app):
    """An empty database to restore into: a new SQLite file, or a new PostgreSQL database
    (reached with the same schema option as the test database, which the dump recreates)."""
    created = []
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"tpcourse_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    created.append(name)
    source = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    yield source.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        for database in created:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
    admin.dispose()


def restore_into(url: str, backup: Path, tmp_path: Path, *args: str):
    """Run `backup restore` against the database at `url`; return (result, rows)."""
    target = make_app(url, tmp_path / "target")
    with target.app_context():
        from tpcourse.extensions import db

        result = target.test_cli_runner().invoke(args=["backup", "restore", *args, str(backup)])
        rows = snapshot() if result.exit_code == 0 else None
        db.session.remove()
        db.engine.dispose()
    return result, rows


def test_restore_into_a_fresh_database_finds_every_record(runner, records, fresh_target,
                                                        tmp_path):
    backup = tmp_path / "nightly.backup"
    created = runner.invoke(args=["backup", "create", "-o", str(backup)])
    assert created.exit_code == 0, created.output
    assert "Backed up to" in created.output and backup.stat().st_size > 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # password hashes inside
    result, rows = restore_into(fresh_target, backup, tmp_path, "--yes")
    assert result.exit_code == 0, result.output
    assert "the audit chain verifies (7 events)" in result.output
    assert rows == records  # every row of every table, value for value


def test_restore_replaces_what_was_there(app, db, runner, records, make_user, tmp_path):
    """Restoring over the live database brings it back to the backup, later rows gone."""
    backup = tmp_path / "before.backup"
    assert runner.invoke(args=["backup", "create", "-o", str(backup)]).exit_code == 0
    make_user(email="added-after@example.com")
    result = runner.invoke(args=["backup", "restore", "--yes", str(backup)])
    assert result.exit_code == 0, result.output
    assert snapshot() == records


def test_restore_asks_first(app, runner, records, tmp_path):
    backup = tmp_path / "b.backup"
    runner.invoke(args=["backup", "create", "-o", str(backup)])
    result = runner.invoke(args=["backup", "restore", str(backup)], input="n\n")
    assert result.exit_code == 1 and "Replace everything" in result.output
    assert "Aborted" in result.output and snapshot() == records


def test_a_tampered_chain_is_reported_after_restore(app, db, runner, records, fresh_target,
                                                  tmp_path):
    from tpcourse.models import AuditEvent

    event = db.session.execute(select(AuditEvent).filter_by(seq=2)).scalar_one()
    event.payload = {**event.payload, "score": 100}  # someone edits a grade in the database
    db.session.commit()
    backup = tmp_path / "tampered.backup"
    assert runner.invoke(args=["backup", "create", "-o", str(backup)]).exit_code == 0
    result, _ = restore_into(fresh_target, backup, tmp_path, "--yes")
    assert result.exit_code == 1
    assert "Audit chain broken" in result.output and "2" in result.output


def test_a_file_that_is_not_a_backup_is_refused(app, runner, records, tmp_path):
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"definitely not a database")
    result = runner.invoke(args=["backup", "restore", "--yes", str(junk)])
    assert result.exit_code == 1 and "is not a" in result.output
    assert snapshot() == records


def test_default_backup_name(app, runner, db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(args=["backup", "create"])
    assert result.exit_code == 0, result.output
    [made] = list(tmp_path.glob("tpcourse-backup-*"))
    assert made.suffix in (".sqlite3", ".dump") and str(made) in result.output
