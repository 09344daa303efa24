"""The instructors' pages in Spanish: the studio, item analysis, grading, teaching, sessions.

The app serves the shipped Spanish catalogue (tpcourse/translations/es).
The fixture course is English content (course texts are translated elsewhere), so text that
comes from its files is skipped. Only `<main>` is checked: the site's chrome (navigation,
footer) belongs to base.html, marked and tested with the trainee's pages.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.helpers import answer_form
from tests.i18n.english import english_sentences
from tpcourse.extensions import db as _db
from tpcourse.models import Course, CourseInstructor, User
from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
from tpcourse.services.learning.learning import enroll


@pytest.fixture
def course(content, db):
    return db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()


@pytest.fixture
def teacher(make_user, course, db, login_as):
    """An instructor of the fixture course who reads the site in Spanish, logged in."""
    user = make_user(role="instructor", name="Marta Ruiz")
    db.session.add(CourseInstructor(user_id=user.id, course_id=course.id))
    user.locale = "es"
    db.session.commit()
    return login_as(user)


def take(user, slug: str, clock, right: bool = True):
    """`user` takes the quiz `slug`, answering every question right (or wrong)."""
    quiz, version = get_quiz(slug)
    attempt = start_attempt(user, quiz, version, clock())
    form = {k: v if isinstance(v, list) else [v] for k, v in answer_form(attempt, right).items()}
    return submit_attempt(attempt.id, user, form, clock()).attempt


@pytest.fixture
def trainees(make_user, course, clock):
    """Three trainees of the fixture course, each with a graded attempt at the safety quiz."""
    people = []
    for n, right in enumerate((True, False, True)):
        person = make_user(name=f"Trainee {n}")
        enroll(person, course.id)
        take(person, "safety-quiz", clock, right)
        clock.advance(minutes=1)
        people.append(person)
    return people


def main_of(client, path: str, status: int = 200) -> str:
    """The `<main>` of a page (breadcrumbs and content)."""
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    page = response.get_data(as_text=True)
    return page[page.index("<main"):page.index("</main>")]


def interface_english(page: str, course_text: str) -> list[str]:
    """English sentences of a page that do not come from the course's own files (a lesson's
    whole text in the editor's text box included)."""
    flat = " ".join(course_text.split())

    def from_course(piece: str) -> bool:
        if " ".join(piece.split()) in flat:
            return True
        parts = (part.strip() for part in re.split(r"\n| · |: | — |; | → |, ", piece))
        return all(part in course_text for part in parts if part)

    return [piece for piece in english_sentences(page) if not from_course(piece)]


STUDIO_PAGES = [
    "/author/",
    "/author/courses/basics",
    "/author/courses/basics/outline",
    "/author/courses/basics/settings",
    "/author/courses/basics/images",
    "/author/courses/basics/publish",
    "/author/courses/basics/versions",
    "/author/courses/basics/modules/01-intro",
    "/author/courses/basics/modules/01-intro/lessons/new",
    "/author/courses/basics/quizzes/new",
    "/author/quizzes/intro-quiz",
    "/author/quizzes/intro-quiz/settings",
    "/author/quizzes/intro-quiz/versions",
    "/author/quizzes/intro-quiz/export",
    "/author/quizzes/intro-quiz/import",
    "/author/quizzes/intro-quiz/accommodations",
    "/author/quizzes/intro-quiz/questions/tp-definition/edit",
    "/author/quizzes/intro-quiz/questions/match/edit",
    "/author/quizzes/intro-quiz/questions/spot/edit",
] + [f"/author/quizzes/intro-quiz/questions/new?type={kind}" for kind in (
    "single", "multiple", "true_false", "numeric", "short_text", "matching", "ordering",
    "hotspot")]


BANK_NOTE = re.compile(r"^question '[^']+': ")
"""What a question-bank format cannot hold (tpcourse/banks): notes for authors about a file
format, which stay in English like the problems `content check` reports."""


@pytest.mark.parametrize("path", STUDIO_PAGES)
def test_studio_pages_leave_no_english(client, teacher, course_text, path):
    left = interface_english(main_of(client, path), course_text)
    assert [piece for piece in left if not BANK_NOTE.match(piece)] == []


def test_the_studio_speaks_spanish(client, teacher):
    index = main_of(client, "/author/")
    assert "Estudio de autoría" in index and "Esquema y configuración" in index
    quiz = main_of(client, "/author/quizzes/intro-quiz")
    assert "Nota mínima para aprobar" in quiz and "Añadir una pregunta" in quiz
    settings = main_of(client, "/author/courses/basics/settings")
    assert "Horas de EC y certificado" in settings and "Guardar la configuración" in settings
    assert "Primera versión." in main_of(client, "/author/courses/basics/versions")


def test_a_course_change_is_described_through_the_readers_gettext():
    from tpcourse.content.course_files import diff_courses

    catalogue = {"%(setting)s %(before)s → %(after)s": "%(setting)s: %(before)s → %(after)s",
                 "CE hours": "Horas de EC", "Module added: %(title)s": "Módulo añadido: %(title)s"}
    old = {"ce_hours": 8, "modules": []}
    new = {"ce_hours": 10, "modules": [{"slug": "after", "title": "Cuidados", "lessons": []}]}
    assert diff_courses(old, new, say=lambda m: catalogue.get(m, m)) == [
        "Horas de EC: 8 → 10", "Módulo añadido: Cuidados"]
    assert diff_courses(old, new) == ["CE hours 8 → 10", "Module added: Cuidados"]


def test_the_lesson_editor_and_its_preview_leave_no_english(client, teacher, course_text):
    outline = main_of(client, "/author/courses/basics/outline")
    editor = re.search(r'href="(/author/courses/basics/lessons/[^"]+)"', outline).group(1)
    page = main_of(client, editor)
    assert interface_english(page, course_text) == []
    assert "Objetivos que enseña esta lección" in page


def test_a_form_error_and_a_flash_are_in_spanish(client, teacher, course_text):
    response = client.post("/author/courses/basics/quizzes/new",
                           data={"title": "Nuevo", "review": "after_submit", "grading": "highest"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Introduzca un identificador, p. ej., neck-referral-quiz." in page
    assert interface_english(page[page.index("<main"):page.index("</main>")], course_text) == []
    client.post("/author/courses/basics/quizzes/new",
                data={"slug": "nuevo-quiz", "title": "Nuevo", "pass_mark": "80",
                      "review": "after_submit", "grading": "highest"})
    assert "Borrador del cuestionario creado." in main_of(client, "/author/quizzes/nuevo-quiz")


def test_item_analysis_with_attempts_leaves_no_english(client, teacher, trainees, course_text):
    page = main_of(client, "/author/quizzes/safety-quiz/analysis?attempts=all")
    assert interface_english(page, course_text) == []
    assert "Intentos analizados" in page and "Facilidad por pregunta" in page
    assert "versión 1 (3 intentos calificados)" in page


def test_plurals_one_and_many(client, teacher, trainees, make_user, course, clock):
    history = main_of(client, "/author/quizzes/safety-quiz/versions")
    assert "3 intentos" in history
    enrolled = make_user(name="Solo")
    enroll(enrolled, course.id)
    take(enrolled, "intro-quiz", clock)
    intro = main_of(client, "/author/quizzes/intro-quiz/versions")
    assert "1 intento ·" in intro and "1 intentos" not in intro
    outline = main_of(client, "/author/courses/basics/outline")
    assert re.search(r"\b1 objetivo\b", outline) or re.search(r"\b[2-9] objetivos\b", outline)


def test_grading_and_teaching_pages_leave_no_english(client, teacher, trainees, course_text):
    for path in ("/grading/", "/teach/", "/teach/courses/basics/skills",
                 f"/teach/courses/basics/skills/{trainees[0].id}",
                 "/teach/courses/basics/sessions"):
        assert interface_english(main_of(client, path), course_text) == [], path
    queue = main_of(client, "/grading/")
    assert "Calificación" in queue and "Intentos recientes" in queue
    attempt_link = re.search(r'href="(/grading/attempts/[^"?]+)', queue).group(1)
    attempt = main_of(client, attempt_link)
    assert interface_english(attempt, course_text) == []
    assert "Modificar la calificación" in attempt and "enviado por el estudiante" in attempt


def test_a_refused_override_says_why_in_spanish(client, teacher, trainees, course_text):
    queue = main_of(client, "/grading/")
    attempt_link = re.search(r'href="(/grading/attempts/[^"?]+)', queue).group(1)
    response = client.post(attempt_link + "/override", data={"score": "x", "reason": "no"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Indique si el intento aprueba." in page
    assert interface_english(page[page.index("<main"):page.index("</main>")], course_text) == []


def test_english_readers_still_get_english(client, teacher, db):
    db.session.get(User, teacher.id).locale = "en"
    _db.session.commit()
    assert "Authoring studio" in main_of(client, "/author/")


def test_rubric_and_essay_sentences_from_pure_code_go_through_the_readers_gettext():
    from tpcourse.grading.manual import read_criterion_scores
    from tpcourse.grading.practical import read_levels

    rubric = [{"id": "c1", "text": "Pressure", "levels": ["not yet", "meets"]}]
    def say(message):
        return "[es] " + message

    assert read_levels(rubric, {}, say=say)[1] == {"c1": "[es] Choose a level for “Pressure”."}
    question = {"type": "essay", "points": 2, "rubric": [{"id": "c1", "text": "x", "points": 2}]}
    _scores, errors = read_criterion_scores(question, {"c1": "9"}, {}, say=say)
    assert errors == {"c1": "[es] Enter a score from 0 to 2."}
