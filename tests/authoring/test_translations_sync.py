"""Translations sync with the version they belong to, export back, and go stale on edits."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.translation_fixtures import stamp, translated_copy
from tpcourse.content.loader import load_content
from tpcourse.models import ContentTranslation, Course, CourseVersion, Quiz, QuizVersion
from tpcourse.services.authoring import course_publish, courses
from tpcourse.services.authoring.content_sync import sync_from_folders
from tpcourse.services.authoring.lessons import LessonEdit, lesson_workspace, publish_lesson
from tpcourse.services.learning.translations import course_title

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def root(tmp_path):
    """A copy of the test course with its Spanish files, stamped."""
    folder = translated_copy(tmp_path / "content")
    stamp(folder)
    return folder


def _version(db, slug="basics"):
    course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one()
    return db.session.execute(select(CourseVersion).filter_by(
        course_id=course.id, version=course.current_version)).scalar_one()


def _rows(db, version):
    return {row.path: row for row in db.session.execute(select(ContentTranslation).where(
        ContentTranslation.course_version_id == version.id)).scalars()}


def test_sync_keeps_translations_with_their_version(db, root):
    sync_from_folders(root / "lessons", root / "quizzes")
    version = _version(db)
    rows = _rows(db, version)
    assert sorted(rows) == ["01-intro/01-welcome.es.md", "01-intro/module.es.yaml",
                            "course.es.yaml"]
    welcome = rows["01-intro/01-welcome.es.md"]
    assert welcome.locale == "es" and welcome.target == "lesson:01-intro/01-welcome"
    assert welcome.fields["title"] == "Bienvenida" and "<strong>punto gatillo</strong>" in \
        welcome.fields["html"]
    assert "<script>" not in welcome.fields["html"]
    assert welcome.text == (root / "lessons/basics/01-intro/01-welcome.es.md").read_text()
    assert course_title(version, "es") == "Fundamentos del trabajo con presión"
    assert course_title(version, "en") == version.title == "Basics of Pressure Work"
    quiz = db.session.execute(select(QuizVersion).join(Quiz).where(
        Quiz.slug == "intro-quiz")).scalar_one()
    assert quiz.data["translations"]["es"]["questions"]["referred"]["accept"] == [
        "referido", "dolor referido"]


def test_an_unchanged_sync_makes_no_version_and_a_new_translation_does(db, root):
    sync_from_folders(root / "lessons", root / "quizzes")
    again = sync_from_folders(root / "lessons", root / "quizzes")
    assert again.created == []
    holding = root / "lessons/basics/01-intro/02-holding.es.md"
    holding.write_text("---\ntitle: Mantener la presión\n---\nTexto.\n")
    report = sync_from_folders(root / "lessons", root / "quizzes")
    assert report.created == ["course basics: version 2"]
    assert _rows(db, _version(db))["01-intro/02-holding.es.md"].fields is None  # not stamped


def test_a_stale_translation_is_stored_without_texts(db, root):
    lesson = root / "lessons/basics/01-intro/01-welcome.md"
    lesson.write_text(lesson.read_text().replace("tender spot", "sore spot"))
    sync_from_folders(root / "lessons", root / "quizzes")
    rows = _rows(db, _version(db))
    assert rows["01-intro/01-welcome.es.md"].fields is None
    assert rows["01-intro/module.es.yaml"].fields["title"] == "Introducción"


def test_a_lesson_edited_in_the_browser_leaves_its_translation_stale(db, root, make_user):
    sync_from_folders(root / "lessons", root / "quizzes")
    admin = make_user(role="admin")
    ws = lesson_workspace(admin, "basics", "01-intro", "01-welcome")
    publish_lesson(ws, admin, LessonEdit("Welcome", 5, ["INT-1"], "A new body."), NOW)
    db.session.commit()
    rows = _rows(db, _version(db))
    assert _version(db).version == 2
    assert rows["01-intro/01-welcome.es.md"].fields is None
    assert rows["01-intro/module.es.yaml"].fields is not None


def test_export_writes_the_translations_back_and_round_trips(app, db, root, make_user,
                                                              tmp_path):
    app.config.update(TPCOURSE_LESSONS_DIR=str(root / "lessons"))  # the site's zone names
    sync_from_folders(root / "lessons", root / "quizzes")
    before = _version(db).content_hash
    admin = make_user(role="admin")
    _name, blob = course_publish.course_export(courses.course_workspace(admin, "basics"))
    out = tmp_path / "export"
    zipfile.ZipFile(io.BytesIO(blob)).extractall(out)
    for relative in ("lessons/basics/course.es.yaml", "lessons/basics/01-intro/module.es.yaml",
                     "lessons/basics/01-intro/01-welcome.es.md", "quizzes/intro-quiz.es.yaml",
                     "lessons/assets/map.zones.es.yaml"):
        assert (out / relative).read_text() == (root / relative).read_text(), relative
    loaded = load_content(out / "lessons", out / "quizzes")
    assert loaded.ok, loaded.problems
    assert loaded.courses[0].content_hash() == before
    assert sync_from_folders(out / "lessons", out / "quizzes").created == []


def test_a_lesson_removed_in_the_course_editor_takes_its_translation_along(db, root,
                                                                          make_user):
    sync_from_folders(root / "lessons", root / "quizzes")
    admin = make_user(role="admin")
    ws = courses.course_workspace(admin, "basics")
    courses.remove_lesson(ws, admin, "01-intro", "01-welcome", NOW)
    version = course_publish.publish_course(courses.course_workspace(admin, "basics"), admin,
                                            NOW)
    assert version is not None and version.version == 2
    assert sorted(_rows(db, version)) == ["01-intro/module.es.yaml", "course.es.yaml"]
    assert _rows(db, version)["01-intro/module.es.yaml"].fields["title"] == "Introducción"
