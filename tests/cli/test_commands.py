"""CLI commands: content check and sync, users create, demo set-up."""

from __future__ import annotations

import shutil

from sqlalchemy import func, select

from tests.conftest import CONTENT
from tpcourse.models import Course, CourseVersion, QuizVersion, User


def test_content_check_clean(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0 and "All content files are valid." in result.output


def test_content_check_reports_problems_and_exits_1(runner, tmp_path):
    shutil.copytree(CONTENT, tmp_path / "c")
    quiz = tmp_path / "c/quizzes/intro-quiz.yaml"
    quiz.write_text(quiz.read_text().replace("pass_mark: 80", "pass_mark: 180"))
    result = runner.invoke(args=["content", "check", str(tmp_path / "c/quizzes"),
                                 str(tmp_path / "c/lessons")])
    assert result.exit_code == 1
    assert "intro-quiz.yaml:3: 'pass_mark' must be a number between 0 and 100" in result.output


def test_content_sync_creates_versions_only_on_change(runner, app, db, tmp_path):
    shutil.copytree(CONTENT, tmp_path / "c")
    app.config.update(TPCOURSE_LESSONS_DIR=str(tmp_path / "c/lessons"),
                      TPCOURSE_QUIZZES_DIR=str(tmp_path / "c/quizzes"))
    first = runner.invoke(args=["content", "sync"])
    assert first.exit_code == 0 and "new  course basics: version 1" in first.output
    second = runner.invoke(args=["content", "sync"])
    assert "new" not in second.output and "same course basics: version 1" in second.output
    lesson = tmp_path / "c/lessons/basics/02-safety/01-red-flags.md"
    lesson.write_text(lesson.read_text() + "\nAlso fever.\n")
    third = runner.invoke(args=["content", "sync"])
    assert "new  course basics: version 2" in third.output
    assert db.session.execute(select(func.count(CourseVersion.id))).scalar() == 2
    assert db.session.execute(select(Course.current_version)).scalar() == 2
    assert db.session.execute(select(func.count(QuizVersion.id))).scalar() == 3


def test_content_sync_refuses_invalid_content(runner, app, db, tmp_path):
    shutil.copytree(CONTENT, tmp_path / "c")
    (tmp_path / "c/quizzes/intro-quiz.yaml").write_text("slug: [\n")
    app.config.update(TPCOURSE_LESSONS_DIR=str(tmp_path / "c/lessons"),
                      TPCOURSE_QUIZZES_DIR=str(tmp_path / "c/quizzes"))
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 1 and "Nothing was loaded" in result.output
    assert db.session.execute(select(func.count(Course.id))).scalar() == 0


def test_users_create(runner, db):
    result = runner.invoke(args=["users", "create", "--email", "Boss@Example.com", "--role",
                                 "admin", "--password", "a very long password"])
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User)).scalar_one()
    assert user.email == "boss@example.com" and user.role == "admin"
    generated = runner.invoke(args=["users", "create", "--email", "t@example.com"])
    assert "with password " in generated.output
    duplicate = runner.invoke(args=["users", "create", "--email", "t@example.com"])
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output
    bad_school = runner.invoke(args=["users", "create", "--email", "s@example.com",
                                     "--role", "school_admin", "--school", "nope"])
    assert bad_school.exit_code != 0 and "No school" in bad_school.output


def test_demo_sets_up_and_is_idempotent(tmp_path, monkeypatch):
    """Runs without the `app` fixture: the CLI runner would reuse an app context it finds."""
    from tests.conftest import make_app

    monkeypatch.delenv("TPCOURSE_SITE_URL", raising=False)
    fresh = make_app(f"sqlite:///{tmp_path}/demo.sqlite3", tmp_path / "instance")
    runner = fresh.test_cli_runner()
    first = runner.invoke(args=["demo", "--no-serve", "--port", "5123"])
    assert first.exit_code == 0, first.output
    for role in ("trainee", "instructor", "school_admin", "admin"):
        assert role in first.output
    assert "http://127.0.0.1:5123/admin/outbox" in first.output
    password = first.output.split("trainee@example.org")[1].split()[0]
    second = runner.invoke(args=["demo", "--no-serve", "--port", "5123"])
    assert second.exit_code == 0 and password in second.output
    with fresh.app_context():
        from tpcourse.extensions import db as fresh_db

        assert fresh_db.session.execute(select(func.count(User.id))).scalar() == 4 + 12
        assert fresh_db.session.execute(select(func.count(CourseVersion.id))).scalar() == 1
        fresh_db.engine.dispose()
    client = fresh.test_client()
    login = client.post("/login", data={"email": "trainee@example.org",
                                        "password": password})
    assert login.status_code == 302


def test_the_demo_class_shows_every_stage_and_links_use_the_demo_port(tmp_path, monkeypatch):
    """A dozen trainees: some lessons read, attempts passed and failed, one certified, one
    whose certificate expires within the month; emailed links point at the demo's port."""
    from datetime import timedelta

    from tests.conftest import make_app
    from tpcourse.models import Attempt, Cohort, CompletionRecord, Enrollment, LessonProgress
    from tpcourse.models.types import utcnow

    monkeypatch.delenv("TPCOURSE_SITE_URL", raising=False)
    fresh = make_app(f"sqlite:///{tmp_path}/demo.sqlite3", tmp_path / "instance")
    result = fresh.test_cli_runner().invoke(args=["demo", "--no-serve", "--port", "5123"])
    assert result.exit_code == 0, result.output
    with fresh.app_context():
        from tpcourse.extensions import db as fresh_db

        session = fresh_db.session
        cohort = session.execute(select(Cohort)).scalar_one()
        members = session.execute(select(Enrollment.user_id).filter_by(
            cohort_id=cohort.id)).scalars().all()
        assert len(members) == 12
        read = dict(session.execute(select(LessonProgress.user_id, func.count()).where(
            LessonProgress.user_id.in_(members)).group_by(LessonProgress.user_id)).all())
        lessons = 3  # the test course's lessons
        stages = {read.get(member, 0) for member in members}
        assert {0, 1, lessons} <= stages  # nothing read, one lesson, every lesson
        passed = session.execute(select(func.count()).select_from(Attempt).where(
            Attempt.user_id.in_(members), Attempt.passed.is_(True))).scalar()
        failed = session.execute(select(func.count()).select_from(Attempt).where(
            Attempt.user_id.in_(members), Attempt.passed.is_(False))).scalar()
        assert passed >= 10 and failed >= 2
        records = session.execute(select(CompletionRecord).where(
            CompletionRecord.user_id.in_(members))).scalars().all()
        assert len(records) >= 2  # the test course asks no skills: the final completes it
        soon = [r for r in records if r.expires_at - utcnow() < timedelta(days=30)]
        assert len(soon) == 1 and soon[0].expires_at > utcnow()
        fresh_db.engine.dispose()
    mails = list((tmp_path / "instance" / "outbox").glob("*.eml"))
    issued = [m.read_text() for m in mails if "is issued" in m.read_text()]
    assert issued and all("http://127.0.0.1:5123/" in text for text in issued)
