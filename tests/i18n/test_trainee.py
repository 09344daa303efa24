"""The trainee's pages and certificates in Spanish: nothing of the interface left in English.

The app serves the shipped Spanish catalogue (tpcourse/translations/es).
The fixture course itself is English content (another part of issue 26 translates courses):
text that comes from its files is not the interface's, so the English checker skips it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pypdf
import pytest
from sqlalchemy import select

from tests.certification.steps import complete_basics
from tests.conftest import empty_database, make_app
from tests.i18n.english import english_sentences
from tpcourse.extensions import babel
from tpcourse.extensions import db as _db
from tpcourse.models import Attempt, User
from tpcourse.services.learning.learning import current_version, mark_lesson_read

SITE_URL = "https://learn.northfield.example"


@pytest.fixture
def app(_migrated, tmp_path, clock):
    """The test app (Flask-Babel caches catalogues process-wide: emptied before and after)."""
    app = make_app(_migrated, tmp_path, TPCOURSE_NOW=clock, TPCOURSE_SITE_URL=SITE_URL)
    with app.app_context():
        babel.domain_instance.cache.clear()
        yield app
        empty_database()
        babel.domain_instance.cache.clear()


def interface_english(page: str, course_text: str) -> list[str]:
    """The English sentences of a page that do not come from the course's own files (a
    piece made only of course texts and the site's name, as "Welcome · tpcourse", is content)."""
    def from_course(piece: str) -> bool:
        parts = (part.strip() for part in re.split(r"\n| · |: | — |; | → ", piece))
        return all(part in course_text or part == "tpcourse" for part in parts if part)

    return [piece for piece in english_sentences(page) if not from_course(piece)]


def spanish(user) -> None:
    """Make `user` read the site in Spanish."""
    _db.session.get(User, user.id).locale = "es"
    _db.session.commit()


def page_of(client, path: str, status: int = 200, **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def pdf_text(pdf: bytes) -> str:
    """The certificate page's text, whitespace collapsed."""
    return " ".join(pypdf.PdfReader(BytesIO(pdf)).pages[0].extract_text().split())


def test_a_visitors_pages_are_in_spanish(client, content, course_text):
    pages = {path: page_of(client, path, **{"Accept-Language": "es"})
             for path in ("/", "/login", "/register", "/password/forgot", "/verify",
                          "/courses/basics")}
    pages["404"] = page_of(client, "/courses/no-such-course", 404, **{"Accept-Language": "es"})

    for path, page in pages.items():
        assert interface_english(page, course_text) == [], path
    assert "Iniciar sesión" in pages["/login"] and "¿Olvidó su contraseña?" in pages["/login"]
    assert "Verificar un certificado" in pages["/verify"]
    assert "Terapia de puntos gatillo, aprendida con seguridad" in pages["/"]
    assert "No encontramos esa página" in pages["404"]


def test_a_trainees_course_lesson_and_quiz_pages_are_in_spanish(
        client, enrolled, login_as, clock, course_text):
    spanish(login_as(enrolled))
    course = page_of(client, "/courses/basics")
    lesson_link = re.search(r'href="(/courses/basics/[^/"]+/[^/"]+)"', course).group(1)
    lesson = page_of(client, lesson_link)
    overview = page_of(client, "/quizzes/intro-quiz")
    client.post("/quizzes/intro-quiz/start")
    attempt = _db.session.execute(select(Attempt)).scalars().one()
    attempt_page = page_of(client, f"/attempts/{attempt.id}")
    summary = page_of(client, f"/attempts/{attempt.id}/summary")

    for page in (course, lesson, overview, attempt_page, summary):
        assert interface_english(page, course_text) == []
    assert "Para completar este curso:" in course and "Mis registros" in course
    assert "Marcar como leída" in lesson
    assert "Las reglas de este cuestionario" in overview
    assert "Guardar y terminar más tarde" in attempt_page
    # The words quiz.js writes on the page
    assert '<span id="quiz-word-autosaved">Respuestas guardadas automáticamente.</span>' in (
        attempt_page)
    assert '<span id="quiz-word-about_minutes_left">Quedan aproximadamente %(n)s minutos.' in (
        attempt_page)
    assert "Enviar todo y terminar" in summary


def test_a_trainees_result_records_and_certificate_pages_are_in_spanish(
        client, enrolled, login_as, clock, course_text):
    spanish(login_as(enrolled))
    record = complete_basics(enrolled, clock.now)
    attempt = _db.session.execute(select(Attempt).order_by(Attempt.submitted_at.desc())
                                  ).scalars().first()
    pages = {
        "result": page_of(client, f"/attempts/{attempt.id}/result"),
        "history": page_of(client, "/quizzes/basics-final/attempts"),
        "records": page_of(client, "/records"),
        "renew": page_of(client, "/courses/basics/renew"),
        "certificate": page_of(client, f"/certificates/{record.certificate_code}"),
        "verify": page_of(client, f"/verify/{record.certificate_code}"),
        "profile": page_of(client, "/profile"),
        "sessions": page_of(client, "/account/sessions"),
    }

    for name, page in pages.items():
        assert interface_english(page, course_text) == [], name
    assert "Aprobado" in pages["result"] and "Certificados" in pages["records"]
    assert "Certificado válido" in pages["verify"]
    assert "Horas de EC obtenidas" in pages["verify"]


def test_a_spanish_holders_certificate_is_printed_in_spanish(
        client, make_user, login_as, clock, content):
    holder = make_user(name="Lucía Fernández")
    spanish(holder)
    record = complete_basics(holder, clock.now)
    login_as(holder)

    text = pdf_text(client.get(f"/certificates/{record.certificate_code}.pdf").data)

    assert "Certificado de aprovechamiento" in text and "Se certifica que" in text
    assert "HORAS DE EC OBTENIDAS" in text and "EMITIDO POR" in text
    assert "Certificate of Achievement" not in text and "This certifies that" not in text
    assert pypdf.PdfReader(BytesIO(client.get(
        f"/certificates/{record.certificate_code}.pdf").data)).metadata.title.startswith(
        "Certificado de aprovechamiento")


def test_the_holders_language_wins_over_the_downloaders(client, make_user, login_as, clock,
                                                        content):
    holder = make_user(name="Pat Doe")  # no language chosen: the site default, English
    record = complete_basics(holder, clock.now)
    login_as(holder)

    text = pdf_text(client.get(f"/certificates/{record.certificate_code}.pdf",
                               headers={"Accept-Language": "es"}).data)

    assert "Certificate of Achievement" in text and "This certifies that" in text
    assert "CE HOURS EARNED" in text and "Certificado" not in text


def test_plurals_follow_the_count_in_spanish(client, enrolled, login_as, clock):
    spanish(login_as(enrolled))
    three_left = page_of(client, "/courses/basics")
    version = current_version("basics")
    for key in ("01-intro/01-welcome", "01-intro/02-holding"):
        mark_lesson_read(enrolled, version.course_id, key, clock.now)

    one_left = page_of(client, "/courses/basics")

    assert "Lea 3 lecciones más, empezando por" in three_left
    assert "Lea 1 lección más, empezando por" in one_left
    assert "2 de 2 lecciones leídas" in one_left and "0 de 1 lección leídas" in one_left


def test_attempts_left_are_counted_in_spanish(client, enrolled, login_as, clock):
    spanish(login_as(enrolled))
    two = page_of(client, "/quizzes/safety-quiz")
    client.post("/quizzes/safety-quiz/start")
    attempt = _db.session.execute(select(Attempt)).scalars().one()
    client.post(f"/attempts/{attempt.id}", data={"action": "submit"})  # nothing answered
    clock.advance(hours=1)  # past the 30-minute cooldown

    one = page_of(client, "/quizzes/safety-quiz")

    assert "Le quedan 2 intentos" in two and "ha usado 0 de 2" in two
    assert "Le queda 1 intento" in one and "ha usado 1 de 2" in one
    assert "Iniciar el intento 2" in one


def test_renewal_reminders_are_written_in_the_holders_language(make_user, clock, content):
    from tpcourse.services.certification.reminders import pending_reminders, reminder_email

    holder = make_user()
    spanish(holder)
    record = complete_basics(holder, clock.now)
    [tomorrow] = pending_reminders(record.expires_at - timedelta(days=1), [7])
    [next_week] = pending_reminders(record.expires_at - timedelta(days=6), [7])

    subject, body = reminder_email(tomorrow)

    assert subject == f"Su certificado de {record.course_version.title} vence en 1 día"
    assert body.startswith(f"Hola, {holder.name}:\n\n") and "Para mantener su certificación al día" in body
    assert reminder_email(next_week)[0].endswith("vence en 6 días")
