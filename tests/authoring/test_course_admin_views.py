"""Course administration pages: 422 with input kept, refused roles, publish, images, CLI."""

from __future__ import annotations

import html
import io
import shutil
import zipfile

import pytest
from sqlalchemy import select

from tests.conftest import CONTENT
from tpcourse.models import Course, CourseInstructor, CourseVersion


@pytest.fixture
def admin(make_user, login_as):
    return login_as(make_user(role="admin"))


@pytest.fixture
def own_assets(app, tmp_path):
    """A copy of the fixture lessons, so uploads never touch the repository's files."""
    lessons = tmp_path / "lessons"
    shutil.copytree(CONTENT / "lessons", lessons)
    app.config["TPCOURSE_LESSONS_DIR"] = str(lessons)
    return lessons / "assets"


def _new_course(client, slug="neck-care", title="Neck care"):
    return client.post("/author/courses/new", data={"slug": slug, "title": title})


def test_admin_creates_a_course_and_bad_input_is_kept_with_field_errors(client, admin, db):
    response = _new_course(client, "Bad Slug!", "My lovely course")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert 'value="My lovely course"' in page and 'value="Bad Slug!"' in page
    assert "lowercase letters, digits and hyphens" in page
    response = _new_course(client)
    assert response.status_code == 302 and response.location.endswith(
        "/author/courses/neck-care/outline")
    page = html.unescape(client.get("/author/courses/neck-care/outline").get_data(as_text=True))
    assert "Never published" in page and "Add at least one module." in page
    assert "Neck care" in html.unescape(client.get("/author/").get_data(as_text=True))


def test_settings_errors_are_field_messages_and_keep_what_was_typed(client, admin, db):
    _new_course(client)
    response = client.post("/author/courses/neck-care/settings", data={
        "title": "Neck care", "summary": "Learn the neck.", "course_type": "Home Study",
        "ce_hours": "lots", "certificate_valid_days": "", "final_exam": "",
        "completion_lessons": "all", "completion_quizzes": "all",
        "completion_final_exam": "none", "completion_skills": "all",
        "completion_evaluation": "none", "practical_skills": "", "evaluation": "",
        "hands_on_minutes": "", "hands_on_ce_hours": ""})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert 'value="lots"' in page and "Learn the neck." in page
    assert 'id="ce_hours-error"' in page
    assert "Completion asks for practical skills but the course lists none" in page
    response = client.post("/author/courses/neck-care/settings", data={
        "title": "Neck care", "course_type": "Home Study", "ce_hours": "1e400",
        "hands_on_minutes": "9" * 30, "completion_lessons": "all", "completion_quizzes": "all",
        "completion_final_exam": "none", "completion_skills": "none",
        "completion_evaluation": "none"})
    assert response.status_code == 422
    assert "Enter a number no larger than 1,000." in html.unescape(
        response.get_data(as_text=True))


def test_instructors_and_trainees_cannot_create_courses_or_choose_instructors(
        client, make_user, login_as, content, db):
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    teacher = make_user(role="instructor")
    db.session.add(CourseInstructor(user_id=teacher.id, course_id=course.id))
    db.session.commit()
    login_as(teacher)
    assert client.get("/author/courses/new").status_code == 403
    assert client.get("/author/courses/basics/instructors").status_code == 403
    assert client.get("/author/courses/basics/settings").status_code == 200  # their course
    login_as(make_user())
    assert client.get("/author/courses/basics/settings").status_code == 404
    assert client.post("/author/courses/new", data={"slug": "x", "title": "X"}).status_code \
        == 403


def test_admin_assigns_an_instructor_who_then_sees_the_course(client, admin, make_user,
                                                              login_as, content, db):
    teacher = make_user(role="instructor", email="teach@example.org")
    trainee = make_user(email="learner@example.org")
    response = client.post("/author/courses/basics/instructors",
                           data={"email": trainee.email})
    assert response.status_code == 422
    assert "only instructor accounts" in html.unescape(response.get_data(as_text=True))
    assert client.post("/author/courses/basics/instructors",
                       data={"email": "TEACH@example.org"}).status_code == 302
    login_as(teacher)
    assert "Basics of Pressure Work" in html.unescape(client.get("/author/").get_data(as_text=True))
    login_as(make_user(role="admin"))
    client.post("/author/courses/basics/instructors/remove", data={"email": teacher.email})
    login_as(teacher)
    assert "Basics of Pressure Work" not in html.unescape(client.get("/author/").get_data(as_text=True))


def test_publishing_asks_for_confirmation_and_names_the_version(client, admin, content, db):
    page = html.unescape(client.get("/author/courses/basics/publish").get_data(as_text=True))
    assert "no draft" in page
    client.post("/author/courses/basics/modules/01-intro", data={
        "title": "Getting started", "objectives": "INT-1: Describe a trigger point.\n"
        "INT-2: Hold pressure for the right time.", "quiz": "intro-quiz"})
    page = html.unescape(client.get("/author/courses/basics/publish").get_data(as_text=True))
    assert "Publish as version 2" in page
    assert "Module renamed: Introduction → Getting started" in page
    assert client.post("/author/courses/basics/publish").status_code == 302
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    assert course.current_version == 2
    history = html.unescape(client.get("/author/courses/basics/versions").get_data(as_text=True))
    assert "Module renamed: Introduction → Getting started" in history


def test_a_module_with_a_bad_objective_line_is_refused_and_kept(client, admin, content, db):
    response = client.post("/author/courses/basics/modules/01-intro", data={
        "title": "Introduction", "objectives": "no colon here\nbad-code: x", "quiz": ""})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "no colon here" in page and "Line 1" in page
    response = client.post("/author/courses/basics/modules/01-intro", data={
        "title": "Introduction", "objectives": "bad-code: Something", "quiz": ""})
    assert response.status_code == 422
    assert "Write the objective code bad-code as capital letters" in html.unescape(
        response.get_data(as_text=True))


def test_adding_a_lesson_checks_it_as_a_file(client, admin, content, db):
    response = client.post("/author/courses/basics/modules/02-safety/lessons/new", data={
        "title": "When not to press", "minutes": "zero", "body": "Text"})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "When not to press" in page and "Enter the minutes as a whole number" in page
    response = client.post("/author/courses/basics/modules/02-safety/lessons/new", data={
        "title": "When not to press", "minutes": "4", "body": "Never over a **bruise**."})
    assert response.status_code == 302
    page = html.unescape(client.get("/author/courses/basics/outline").get_data(as_text=True))
    assert "When not to press" in page
    edit = "/author/courses/basics/modules/02-safety/lessons/02-when-not-to-press/edit"
    assert "Never over a **bruise**." in html.unescape(client.get(edit).get_data(as_text=True))
    response = client.post(edit, data={"title": "When not to press", "minutes": "",
                                       "body": "Kept text"})
    assert response.status_code == 422
    assert "Kept text" in html.unescape(response.get_data(as_text=True))
    assert client.post(edit, data={"title": "When not to press", "minutes": "6",
                                   "body": "Never over a bruise or a varicose vein."}
                       ).status_code == 302
    page = html.unescape(client.get(edit).get_data(as_text=True))
    assert "varicose vein" in page and 'value="6"' in page
    published = client.get("/author/courses/basics/modules/01-intro/lessons/01-welcome/edit")
    assert published.status_code == 302
    assert published.location.endswith("/author/courses/basics/lessons/01-intro/01-welcome")


def test_images_are_checked_by_content_and_svgs_sanitised(client, admin, content, own_assets,
                                                          db):
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
           b'<script>alert(1)</script><rect width="5" height="5" onclick="evil()"/>'
           b'<a href="https://evil.example/"><circle r="2"/></a></svg>')
    response = client.post("/author/courses/basics/images", data={
        "image": (io.BytesIO(svg), "neck-map.svg")}, content_type="multipart/form-data")
    assert response.status_code == 302
    stored = (own_assets / "neck-map.svg").read_text()
    assert "script" not in stored and "onclick" not in stored and "evil" not in stored
    assert "viewBox" in stored
    response = client.post("/author/courses/basics/images", data={
        "image": (io.BytesIO(b"<html>not a png</html>"), "photo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "not a readable PNG" in html.unescape(response.get_data(as_text=True))
    assert not (own_assets / "photo.png").exists()
    response = client.post("/author/courses/basics/images", data={
        "image": (io.BytesIO(svg), "neck-map.svg")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "already exists" in html.unescape(response.get_data(as_text=True))
    page = html.unescape(client.get("/author/courses/basics/images").get_data(as_text=True))
    assert "neck-map.svg" in page
    # Used in a lesson (checked as its file would be) and offered as a body map.
    response = client.post("/author/courses/basics/modules/02-safety/lessons/new", data={
        "title": "The neck map", "minutes": "2", "body": "![The neck](assets/neck-map.svg)"})
    assert response.status_code == 302
    response = client.post("/author/courses/basics/modules/02-safety/lessons/new", data={
        "title": "A missing map", "minutes": "2", "body": "![The neck](assets/nowhere.svg)"})
    assert response.status_code == 422
    editor = client.get("/author/quizzes/intro-quiz/questions/new?type=hotspot")
    assert 'value="neck-map.svg"' in editor.get_data(as_text=True)


def test_export_zip_passes_content_check(client, admin, content, db, tmp_path):
    response = client.get("/author/courses/basics/export.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="basics.zip"'
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert "lessons/basics/course.yaml" in names and "quizzes/intro-quiz.yaml" in names


def test_cli_exports_and_assigns_instructors(runner, content, make_user, db, tmp_path):
    teacher = make_user(role="instructor", email="cli-teacher@example.org")
    result = runner.invoke(args=["courses", "add-instructor", "basics", teacher.email])
    assert result.exit_code == 0, result.output
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    assert db.session.get(CourseInstructor, (teacher.id, course.id)) is not None
    result = runner.invoke(args=["courses", "remove-instructor", "basics", teacher.email])
    assert result.exit_code == 0 and db.session.get(
        CourseInstructor, (teacher.id, course.id)) is None
    result = runner.invoke(args=["courses", "add-instructor", "nope", teacher.email])
    assert result.exit_code == 1 and "No course 'nope'" in result.output
    target = tmp_path / "out.zip"
    result = runner.invoke(args=["courses", "export", "basics", "-o", str(target)])
    assert result.exit_code == 0, result.output
    zipfile.ZipFile(target).extractall(tmp_path / "files")
    result = runner.invoke(args=["content", "check", str(tmp_path / "files" / "lessons"),
                                 str(tmp_path / "files" / "quizzes")])
    assert result.exit_code == 0, result.output
    version = db.session.execute(select(CourseVersion).filter_by(course_id=course.id)).scalar_one()
    assert version.version == 1


def test_an_image_at_the_limit_is_kept_and_one_byte_more_is_refused(client, admin, content,
                                                                  own_assets, db):
    from tpcourse.content.images import MAX_BYTES

    head = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><!--'
    tail = b'--><rect width="5" height="5"/></svg>'
    exact = head + b"x" * (MAX_BYTES - len(head) - len(tail)) + tail
    assert len(exact) == MAX_BYTES
    response = client.post("/author/courses/basics/images", data={
        "image": (io.BytesIO(exact), "big.svg")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert (own_assets / "big.svg").stat().st_size < 200  # the comment is not kept
    over = head + b"x" * (MAX_BYTES - len(head) - len(tail) + 1) + tail
    response = client.post("/author/courses/basics/images", data={
        "image": (io.BytesIO(over), "bigger.svg")}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "images may be at most 2 MB" in html.unescape(response.get_data(as_text=True))
    assert not (own_assets / "bigger.svg").exists()


def _settings_form(client, slug: str) -> dict:
    """The settings form as the page fills it (every field's current value)."""
    import re

    page = client.get(f"/author/courses/{slug}/settings").get_data(as_text=True)
    form = {}
    for name, value in re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page):
        form[name] = html.unescape(value)
    for name in re.findall(r'<input[^>]*type="checkbox"[^>]*name="([a-z_]+)"[^>]*checked', page):
        form[name] = "y"
    for name, body in re.findall(r'<select[^>]*name="([a-z_]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|<option[^>]*value="([^"]*)"'
                           r'[^>]*selected', body)
        form[name] = html.unescape(next(g for g in chosen.groups() if g is not None)) \
            if chosen else ""
    for name, body in re.findall(r'<textarea[^>]*name="([a-z_]+)"[^>]*>(.*?)</textarea>', page,
                                 re.S):
        form[name] = html.unescape(body).lstrip("\n")
    return form


def test_renewal_and_locked_steps_are_course_settings(client, admin, content, db):
    """Issue 21's settings in the course editor: saved to the draft, refused with a field
    message when incomplete, and published onto the new version."""
    form = _settings_form(client, "basics")
    form.update(renewal_path="renewal_quiz", renewal_window_days="60", renewal_quiz="")
    response = client.post("/author/courses/basics/settings", data=form)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert 'id="renewal_path-error"' in page and 'value="60"' in page
    form.update(renewal_path="final", renewal_window_days="60",
                sequencing_lessons_first="y", sequencing_quizzes_first="y")
    assert client.post("/author/courses/basics/settings", data=form).status_code == 302
    page = html.unescape(client.get("/author/courses/basics/publish").get_data(as_text=True))
    assert "Renewal" in page
    assert client.post("/author/courses/basics/publish").status_code == 302
    version = db.session.execute(select(CourseVersion).join(Course).where(
        Course.slug == "basics").order_by(CourseVersion.version.desc())).scalars().first()
    assert version.renewal == {"path": "final", "window_days": 60, "quiz": None,
                               "ce_hours": None}
    assert version.sequencing["module_quiz_after_lessons"] is True
    assert version.sequencing["final_after_module_quizzes"] is True
    again = _settings_form(client, "basics")
    assert again["renewal_path"] == "final" and again["renewal_window_days"] == "60"
    assert again.get("sequencing_lessons_first") == "y"
