"""A trainee reading in Spanish sees the Spanish course where a current translation exists,
the English source with a notice where none does (or it is stale); grading is the same."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from tests.helpers import answer_form, field
from tests.translation_fixtures import stamp, translated_copy
from tpcourse.models import Attempt, Course
from tpcourse.services.authoring.content_sync import sync_from_folders
from tpcourse.services.learning.learning import enroll

COURSE = "/courses/basics"
NOTICE = 'class="callout translation-notice"'


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


@pytest.fixture
def root(tmp_path):
    folder = translated_copy(tmp_path / "content")
    stamp(folder)
    return folder


@pytest.fixture
def reader(root, db, make_user, login_as):
    """Log in a trainee enrolled in the synced Spanish-translated course; reader(locale)."""
    sync_from_folders(root / "lessons", root / "quizzes")
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()

    def make(locale: str):
        user = make_user()
        user.locale = locale
        db.session.commit()
        enroll(user, course.id)
        return login_as(user)

    return make


def test_a_translated_lesson_is_shown_in_spanish_without_a_notice(client, reader):
    reader("es")
    page = client.get(f"{COURSE}/01-intro/01-welcome").get_data(as_text=True)
    assert "<h1>Bienvenida</h1>" in page and "<strong>punto gatillo</strong>" in page
    assert "Introducción" in page and "Describir un punto gatillo." in page
    assert NOTICE not in page


def test_a_lesson_without_translation_is_in_english_with_a_notice(client, reader):
    reader("es")
    page = client.get(f"{COURSE}/01-intro/02-holding").get_data(as_text=True)
    assert "<h1>Holding pressure</h1>" in page and NOTICE in page
    notice = words(page.split(NOTICE, 1)[1].split("</p>", 1)[0])
    assert "español" in notice and "inglés" in notice


def test_the_course_page_mixes_translated_and_source_parts_with_a_notice(client, reader):
    reader("es")
    page = client.get(COURSE).get_data(as_text=True)
    assert "<h1>Fundamentos del trabajo con presión</h1>" in page
    assert "Un pequeño curso de prueba." in page
    assert "Bienvenida" in page and "Safety" in page and NOTICE in page


def test_the_catalogue_names_the_course_in_spanish(client, reader):
    reader("es")
    page = client.get("/").get_data(as_text=True)
    assert "Fundamentos del trabajo con presión" in page and "Un pequeño curso de prueba." in page
    reader("en")
    assert "Basics of Pressure Work" in client.get("/").get_data(as_text=True)


def test_an_english_reader_sees_the_source_and_no_notice(client, reader):
    reader("en")
    page = client.get(f"{COURSE}/01-intro/01-welcome").get_data(as_text=True)
    assert "<h1>Welcome</h1>" in page and NOTICE not in page
    assert "<h1>Basics of Pressure Work</h1>" in client.get(COURSE).get_data(as_text=True)


def test_a_stale_translation_is_never_shown(client, reader, root):
    lesson = root / "lessons/basics/01-intro/01-welcome.md"
    lesson.write_text(lesson.read_text().replace("tender spot", "sore spot"))
    sync_from_folders(root / "lessons", root / "quizzes")
    reader("es")
    page = client.get(f"{COURSE}/01-intro/01-welcome").get_data(as_text=True)
    assert "<h1>Welcome</h1>" in page and "sore spot" in page and NOTICE in page
    assert "Bienvenida" not in page


def _attempt(client, db):
    response = client.post("/quizzes/intro-quiz/start")
    return db.session.get(Attempt, response.headers["Location"].rsplit("/", 1)[-1])


def test_quiz_pages_are_in_spanish_and_grade_as_in_english(client, db, reader):
    reader("es")
    attempt = _attempt(client, db)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Cuestionario de introducción" in page
    assert "Un punto gatillo se describe mejor como" in page
    assert "Un tendón calcificado" in page and "Sien" in page and "Soltar despacio" in page
    assert "A calcified tendon" not in page and NOTICE not in page
    client.post(f"/attempts/{attempt.id}", data={**answer_form(attempt), "action": "submit"})
    spanish = db.session.get(Attempt, attempt.id)
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Los puntos gatillo están en <strong>bandas tensas</strong>." in result
    assert "Trapecio superior → Sien" in result
    reader("en")
    english = _attempt(client, db)
    client.post(f"/attempts/{english.id}", data={**answer_form(english), "action": "submit"})
    english = db.session.get(Attempt, english.id)
    assert (spanish.score, spanish.percent, spanish.passed) == \
        (english.score, english.percent, english.passed)
    assert "Trigger points sit in" in client.get(f"/attempts/{english.id}/result").get_data(
        as_text=True)


def test_a_spanish_short_text_answer_is_accepted(client, db, reader):
    reader("es")
    attempt = _attempt(client, db)
    form = {**answer_form(attempt), field(attempt, "referred"): "Dolor  referido",
            "action": "submit"}
    client.post(f"/attempts/{attempt.id}", data=form)
    results = {r["id"]: r for r in db.session.get(Attempt, attempt.id).results}
    assert results["referred"]["score"] == results["referred"]["points"]


def test_a_quiz_without_translation_is_in_english_with_a_notice(client, db, reader):
    reader("es")
    page = client.get("/quizzes/safety-quiz").get_data(as_text=True)
    assert "Safety quiz" in page and NOTICE in page
