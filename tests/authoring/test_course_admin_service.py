"""Course administration services: drafts, checks as `content check`, publish, export."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tpcourse.content.course_files import diff_courses
from tpcourse.content.loader import check_paths, load_content
from tpcourse.models import Course, CourseVersion, LessonProgress, Quiz
from tpcourse.services.authoring import course_publish, courses
from tpcourse.services.authoring.content_sync import sync_from_folders
from tpcourse.services.authoring.courses import CourseInvalid
from tpcourse.services.authoring.lessons import LessonEdit
from tpcourse.services.errors import Forbidden, NotFound

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def admin(make_user):
    return make_user(role="admin")


def _latest(db, slug):
    course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one()
    return db.session.execute(select(CourseVersion).filter_by(
        course_id=course.id, version=course.current_version)).scalar_one()


def _build_course(admin, slug="neck-care"):
    courses.create_course(admin, slug, "Neck care", NOW)
    ws = courses.course_workspace(admin, slug)
    courses.add_module(ws, admin, "01-basics", "Basics", NOW)
    ws = courses.course_workspace(admin, slug)
    courses.save_module(ws, admin, "01-basics", "Basics of the neck",
                        {"NCK-1": "Name the neck's trigger points."}, None, False, NOW)
    ws = courses.course_workspace(admin, slug)
    courses.add_lesson(ws, admin, "01-basics", LessonEdit(
        "Where the neck hurts", 5, ["NCK-1"], "Neck pain is **common**."), NOW)
    return courses.course_workspace(admin, slug)


def test_only_admins_create_courses(make_user, admin, app):
    with pytest.raises(Forbidden):
        courses.create_course(make_user(role="instructor"), "x-course", "X", NOW)
    with pytest.raises(CourseInvalid) as caught:
        courses.create_course(admin, "Not a slug!", "", NOW)
    assert set(caught.value.errors) == {"slug", "title"}


def test_an_instructor_edits_only_courses_assigned_to_them(admin, make_user, app):
    courses.create_course(admin, "neck-care", "Neck care", NOW)
    stranger = make_user(role="instructor")
    with pytest.raises(NotFound):
        courses.course_workspace(stranger, "neck-care")


def test_a_new_course_is_checked_as_content_check_would_and_publishes_version_one(admin, db):
    courses.create_course(admin, "neck-care", "Neck care", NOW)
    ws = courses.course_workspace(admin, "neck-care")
    plan = course_publish.publish_plan(ws)
    assert plan.version == 1
    assert any("'modules' must list" in m for m in plan.problems["modules"])  # loader's words
    with pytest.raises(CourseInvalid):
        course_publish.publish_course(ws, admin, NOW)

    ws = _build_course(admin, "neck-two")
    assert course_publish.publish_plan(ws).problems == {}
    version = course_publish.publish_course(ws, admin, NOW)
    assert version.version == 1 and version.title == "Neck care"
    assert courses.course_workspace(admin, "neck-two").draft is None


def test_a_setting_that_fails_the_course_file_rules_is_refused_by_field(admin, db):
    ws = _build_course(admin)
    with pytest.raises(CourseInvalid) as caught:
        courses.save_settings(ws, admin, {"ce_hours": -2, "certificate_valid_days": "soon"},
                              NOW)
    assert "'ce_hours' must be a number of zero or more" in caught.value.errors["ce_hours"]
    assert caught.value.errors["certificate_valid_days"]
    with pytest.raises(CourseInvalid) as caught:
        courses.save_settings(ws, admin, {"ce_approval": {
            "approver": "NCBTMB", "provider_name": "Body School", "provider_number": "",
            "provider_contact": "office@example.org", "signatory": "Ana Ruiz"}}, NOW)
    assert "ce_approval.provider_number" in caught.value.errors
    # Nothing was kept.
    assert courses.course_workspace(admin, "neck-care").data["ce_hours"] == 0


def test_publishing_after_the_fixture_sync_diffs_readably_and_keeps_progress(
        admin, content, enrolled, db):
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    db.session.add(LessonProgress(user_id=enrolled.id, course_id=course.id,
                                  lesson_key="01-intro/01-welcome"))
    db.session.commit()
    ws = courses.course_workspace(admin, "basics")
    with pytest.raises(CourseInvalid) as caught:  # loader's CE-time rule: 32 minutes of study
        courses.save_settings(ws, admin, {"ce_hours": 3.0}, NOW)
    assert "at most 0.5 hours" in caught.value.errors["ce_hours"][0]
    courses.save_settings(ws, admin, {"certificate_valid_days": 730}, NOW)
    ws = courses.course_workspace(admin, "basics")
    courses.move_lesson(ws, admin, "01-intro", "01-welcome", +1, NOW)
    ws = courses.course_workspace(admin, "basics")
    lessons = ws.data["modules"][0]["lessons"]
    assert [lesson["slug"] for lesson in lessons] == ["01-holding", "02-welcome"]
    plan = course_publish.publish_plan(ws)
    assert "Certificate validity (days) 365 → 730" in plan.changes
    assert "Introduction: lessons reordered" in plan.changes
    version = course_publish.publish_course(ws, admin, NOW)
    assert version.version == 2 and version.certificate_valid_days == 730
    keys = set(db.session.execute(select(LessonProgress.lesson_key).filter_by(
        user_id=enrolled.id)).scalars())
    assert keys == {"01-intro/02-welcome"}  # the trainee still has the lesson read
    history = course_publish.course_history(courses.course_workspace(admin, "basics"))
    assert [entry.version.version for entry in history] == [2, 1]
    assert "Certificate validity (days) 365 → 730" in history[0].changes


def test_placing_a_quiz_as_module_quiz_and_final_exam(admin, content, db):
    ws = courses.course_workspace(admin, "basics")
    with pytest.raises(CourseInvalid) as caught:  # already the final exam
        courses.save_module(ws, admin, "02-safety", "Safety", {"SAF-1": "x"}, "basics-final",
                            True, NOW)
    assert "quiz" in caught.value.errors
    choices = dict(courses.course_quiz_choices(ws))
    assert {"intro-quiz", "safety-quiz", "basics-final"} <= set(choices)
    courses.save_settings(ws, admin, {"final_exam": None, "completion": {
        "lessons": "all", "quizzes": "all", "final_exam": None, "skills": "none",
        "evaluation": "none"}}, NOW)
    ws = courses.course_workspace(admin, "basics")
    assert ws.data["final_exam"] is None
    plan = course_publish.publish_plan(ws)
    assert "Final exam basics-final → none" in plan.changes


def test_export_round_trips_to_the_same_content_hash(admin, content, db, tmp_path):
    ws = courses.course_workspace(admin, "basics")
    before = _latest(db, "basics").content_hash
    name, blob = course_publish.course_export(ws)
    assert name == "basics.zip"
    zipfile.ZipFile(io.BytesIO(blob)).extractall(tmp_path)
    assert (tmp_path / "lessons/assets/map.svg").is_file()  # the body map its quiz uses
    problems = [p for p in check_paths([], tmp_path / "lessons", tmp_path / "quizzes")
                if not p.warning]
    assert problems == []
    assert load_content(tmp_path / "lessons", tmp_path / "quizzes").courses[0] \
        .content_hash() == before
    report = sync_from_folders(tmp_path / "lessons", tmp_path / "quizzes")
    assert report.created == []
    assert _latest(db, "basics").content_hash == before


def test_a_course_made_in_the_browser_exports_and_syncs_to_its_hash(admin, db, tmp_path):
    ws = _build_course(admin)
    version = course_publish.publish_course(ws, admin, NOW)
    _name, blob = course_publish.course_export(courses.course_workspace(admin, "neck-care"))
    zipfile.ZipFile(io.BytesIO(blob)).extractall(tmp_path)
    loaded = load_content(tmp_path / "lessons", tmp_path / "quizzes")
    assert loaded.ok, loaded.problems
    assert loaded.courses[0].content_hash() == version.content_hash


def test_lesson_slugs_come_from_titles_cut_at_words():
    assert courses.slug_from_title("Where the neck hurts!") == "where-the-neck-hurts"
    long = "Palpation " * 12
    slug = courses.slug_from_title(long)
    assert len(slug) <= 60 and slug.endswith("palpation")


def test_diff_names_settings_in_words():
    old = {"ce_hours": 8.0, "title": "A", "modules": [], "completion": {"skills": "none"}}
    new = {"ce_hours": 10.0, "title": "A", "modules": [], "completion": {"skills": "all"}}
    assert diff_courses(old, new) == ["CE hours 8 → 10", "Practical skills none → all"]


def test_a_quiz_published_only_as_draft_cannot_be_placed(admin, content, db):
    ws = courses.course_workspace(admin, "basics")
    with pytest.raises(CourseInvalid) as caught:
        courses.save_module(ws, admin, "01-intro", "Introduction",
                            {"INT-1": "Describe a trigger point.",
                             "INT-2": "Hold pressure for the right time."},
                            "not-published", False, NOW)
    assert any("not found" in m for m in caught.value.errors["module:01-intro"])
    assert db.session.execute(select(Quiz).filter_by(slug="not-published")).first() is None


def test_a_sanitised_svg_keeps_its_viewbox_whatever_other_modules_registered():
    from xml.etree import ElementTree

    from tpcourse.content.images import ImageRefused, checked_image

    ElementTree.register_namespace("", "http://www.imsglobal.org/xsd/imsqti_v2p1")  # as QTI does
    name, data = checked_image("Map.svg", b'<svg viewBox="0 0 4 4"><circle r="1" '
                                          b'onload="x()"/><foreignObject/></svg>')
    assert name == "map.svg"
    assert data == b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4">' \
                   b'<circle r="1" /></svg>'
    with pytest.raises(ImageRefused, match="no viewBox"):
        checked_image("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    with pytest.raises(ImageRefused, match="entities and DTDs"):
        checked_image("x.svg", b'<!DOCTYPE svg [<!ENTITY a "b">]><svg viewBox="0 0 1 1">&a;</svg>')
    with pytest.raises(ImageRefused, match="is a PNG image but its name ends in .jpg"):
        import io

        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (2, 2)).save(buffer, "PNG")
        checked_image("photo.jpg", buffer.getvalue())
