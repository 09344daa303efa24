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


def test_demo_sets_up_and_is_idempotent(tmp_path):
    """Runs without the `app` fixture: the CLI runner would reuse an app context it finds."""
    from tests.conftest import make_app

    fresh = make_app(f"sqlite:///{tmp_path}/demo.sqlite3", tmp_path / "instance")
    runner = fresh.test_cli_runner()
    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    for role in ("trainee", "instructor", "school_admin", "admin"):
        assert role in first.output
    password = first.output.split("trainee@demo.tpcourse.local")[1].split()[0]
    second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0 and password in second.output
    with fresh.app_context():
        from tpcourse.extensions import db as fresh_db

        assert fresh_db.session.execute(select(func.count(User.id))).scalar() == 4
        assert fresh_db.session.execute(select(func.count(CourseVersion.id))).scalar() == 1
        fresh_db.engine.dispose()
    client = fresh.test_client()
    login = client.post("/login", data={"email": "trainee@demo.tpcourse.local",
                                        "password": password})
    assert login.status_code == 302
