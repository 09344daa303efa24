"""Web edits go back to files: export → `content check` clean → sync → identical content hash."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from tests.conftest import CONTENT
from tpcourse.models import Course, CourseVersion, Quiz, QuizVersion
from tpcourse.services.authoring.content_sync import sync_from_folders


@pytest.fixture
def folders(tmp_path):
    """A writable copy of the fixture content folders."""
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content" / "lessons", tmp_path / "content" / "quizzes"


def _check(runner, app, path):
    app.config.update(TPCOURSE_LESSONS_DIR=str(path[0]), TPCOURSE_QUIZZES_DIR=str(path[1]))
    return runner.invoke(args=["content", "check"])


def _latest(db, model, parent, slug):
    return db.session.execute(select(model).join(parent).where(parent.slug == slug)
                              .order_by(model.version.desc()).limit(1)).scalar_one()


def test_a_quiz_edited_on_the_web_round_trips_through_its_file(client, db, author, folders,
                                                                runner, app):
    edit = {"qid": "hold-seconds", "prompt": "How many seconds is pressure held?\n\nRoughly.",
            "answer": "60", "tolerance": "30.5", "unit": "s", "objective": "INT-2",
            "points": "1.5", "explanation": "About *a minute*.", "action": "save"}
    client.post("/author/quizzes/intro-quiz/questions/hold-seconds/edit", data=edit)
    client.post("/author/quizzes/intro-quiz/settings", data={
        "title": "Introduction quiz: revised", "pass_mark": "75.5", "max_attempts": "3",
        "cooldown_minutes": "30", "shuffle_questions": "y", "shuffle_options": "y",
        "review": "after_pass", "grading": "last"})
    new_question = {"qid": "where", "prompt": "Where?", "image": "map.svg", "tags": "test-region",
                    "regions-0-shape": "polygon", "regions-0-points": "10,10 40.5,10 40,30",
                    "points": "1", "action": "save"}
    client.post("/author/quizzes/intro-quiz/questions/new?type=hotspot", data=new_question)
    assert client.post("/author/quizzes/intro-quiz/publish").status_code == 302
    published = _latest(db, QuizVersion, Quiz, "intro-quiz")
    assert published.version == 2 and published.data["pass_mark"] == 75.5

    exported = client.get("/author/quizzes/intro-quiz/export.yaml")
    (folders[1] / "intro-quiz.yaml").write_bytes(exported.get_data())
    result = _check(runner, app, folders)
    assert result.exit_code == 0, result.output
    report = sync_from_folders(*folders)
    assert "quiz intro-quiz: version 2" in report.unchanged
    assert _latest(db, QuizVersion, Quiz, "intro-quiz").content_hash == published.content_hash


def test_a_lesson_published_on_the_web_round_trips_through_its_file(client, db, author, folders,
                                                                    runner, app):
    body = "A **trigger point** is thought to be tender.\n\n![A map](assets/map.svg)\n\n" \
           "!!! warning \"Check first\"\n    Ask about injuries.\n"
    lesson = "/author/courses/basics/lessons/01-intro/01-welcome"
    client.post(lesson, data={"title": "Welcome: what it is", "minutes": "6",
                              "objectives": ["INT-1", "INT-2"], "body": body,
                              "action": "publish"})
    published = _latest(db, CourseVersion, Course, "basics")
    assert published.version == 2

    exported = client.get(lesson + "/export.md").get_data()
    (folders[0] / "basics" / "01-intro" / "01-welcome.md").write_bytes(exported)
    assert _check(runner, app, folders).exit_code == 0
    report = sync_from_folders(*folders)
    assert "course basics: version 2" in report.unchanged
    assert _latest(db, CourseVersion, Course, "basics").content_hash == published.content_hash


def test_cli_export_writes_the_same_file_as_the_studio(client, db, author, runner, tmp_path):
    out = tmp_path / "intro-quiz.yaml"
    result = runner.invoke(args=["quiz", "export", "intro-quiz", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == client.get("/author/quizzes/intro-quiz/export.yaml").get_data()
