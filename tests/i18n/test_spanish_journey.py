"""A Spanish-speaking trainee's whole way through the shipped course in a real browser: sign-up,
every lesson, the four module quizzes and the final exam, the practical sign-offs, the course
evaluation, the certificate and its verification, all in Spanish.

The browser asks for Spanish (`Accept-Language: es-ES`); each page is checked for English left
(tests/i18n/english.py) and for a Spanish sentence of its own. Screenshots of the main steps are
written to the folder in `TPCOURSE_SCREENSHOTS` when it is set (docs/screenshots/es-*.png were
made that way), else to the test's temporary folder.
"""

from __future__ import annotations

import os
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, browser, serve, served_app  # noqa: F401
from tests.browser.fill import answer_in_browser
from tests.conftest import empty_database
from tests.helpers import link_in, outbox
from tests.i18n.english import english_sentences
from tpcourse.extensions import db
from tpcourse.models import Attempt, CompletionRecord, Course, CourseInstructor, User

ROOT = Path(__file__).resolve().parents[2]
SLUG = "trigger-point-foundations"
NAME = "Lucía Fernández"
EMAIL = "lucia@example.org"
PASSWORD = "una contraseña bastante larga"
NAMES = (NAME, "tpcourse", "Inés Instructora")


@pytest.fixture
def live(_migrated, tmp_path):
    """The app with the shipped course and its Spanish edition, served on a free port."""
    from tests.conftest import Clock
    from tpcourse.services.authoring.content_sync import sync_from_folders

    clock = Clock()
    app = served_app(_migrated, tmp_path, clock)
    with app.app_context():
        sync_from_folders(ROOT / "lessons", ROOT / "quizzes")
    try:
        with serve(app) as base:
            yield base, app, clock
    finally:
        with app.app_context():
            empty_database()


@pytest.fixture
def spanish_page(browser, tmp_path):  # noqa: F811 - the browser fixture imported above
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-ES",
                                  extra_http_headers={"Accept-Language": "es-ES,es;q=0.9"})
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def shots() -> Path | None:
    folder = os.environ.get("TPCOURSE_SCREENSHOTS")
    return Path(folder) if folder else None


def in_spanish(page, name: str, tmp_path: Path, saying: str) -> None:
    """The page is in Spanish, says `saying`, has no English left; keep a screenshot."""
    html = page.content()
    assert '<html lang="es"' in html
    expect(page.locator("main")).to_contain_text(saying)
    left = english_sentences(html, allow=NAMES)
    assert not left, f"{name}: English left: {left[:6]}"
    folder = shots() or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"es-{name}.png"), full_page=False)


def take_quiz(page, base: str, app, slug: str) -> None:
    """Start the quiz, answer it right the way a trainee does, review and submit."""
    page.goto(f"{base}/quizzes/{slug}")
    page.click(f"main form[action$='/quizzes/{slug}/start'] button[type=submit]")
    page.wait_for_url("**/attempts/*")
    with app.app_context():
        attempt = db.session.get(Attempt, page.url.rstrip("/").rsplit("/", 1)[-1])
        db.session.expunge_all()
    answer_in_browser(page, attempt, correct=True)
    page.click("button[name='action'][value='review']")
    page.wait_for_url("**/summary")
    page.click("form.finish-form button[name='action'][value='finish']")
    page.locator("dialog.confirm-dialog button.confirm-submit").click()
    page.wait_for_url("**/result")


def test_a_spanish_speaking_trainee_from_sign_up_to_certificate(live, spanish_page, tmp_path):
    base, app, clock = live
    page = spanish_page

    page.goto(base + "/register")
    in_spanish(page, "registro", tmp_path, "correo")
    page.fill("#name", NAME)
    page.fill("#email", EMAIL)
    page.click("main form button[type=submit]")
    in_spanish(page, "revise-su-correo", tmp_path, "correo")
    message = next(m for m in outbox(app) if m.to == EMAIL)
    assert "Hola" in message.body  # the sign-up link is written in the asking page's language
    page.goto(base + link_in(message.body, "/register/finish/"))
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(base + "/")
    in_spanish(page, "catalogo", tmp_path, "Fundamentos de la terapia de puntos gatillo")

    page.goto(f"{base}/courses/{SLUG}")
    page.click(f"form[action$='/courses/{SLUG}/enrol'] button")
    in_spanish(page, "curso", tmp_path, "Se ha inscrito en Fundamentos de la terapia de puntos gatillo")
    assert_accessible(page)

    with app.app_context():
        from tpcourse.services.learning.learning import current_version

        course = db.session.execute(select(Course).filter_by(slug=SLUG)).scalar_one()
        version = current_version(SLUG, with_lessons=True)
        modules = [(m.slug, m.quiz_slug, [lesson.slug for lesson in m.lessons])
                   for m in version.modules]
        final = version.final_exam_slug
        skills = [skill["key"] for skill in version.practical_skills]
    for number, (module, quiz, lessons) in enumerate(modules):
        for lesson in lessons:
            page.goto(f"{base}/courses/{SLUG}/{module}/{lesson}")
            if number == 0 and lesson == lessons[0]:
                in_spanish(page, "leccion", tmp_path, "punto gatillo")
                assert_accessible(page)
            page.click(f"form[action$='/{module}/{lesson}/read'] button")
        take_quiz(page, base, app, quiz)
        if number == 0:
            in_spanish(page, "resultado-modulo", tmp_path, "Aprobado")
    take_quiz(page, base, app, final)
    in_spanish(page, "resultado-examen-final", tmp_path, "Aprobado")

    with app.app_context():  # an instructor signs the practical skills off after assessing them
        from tpcourse.services.accounts.accounts import create_user
        from tpcourse.services.certification.skills import sign_off

        instructor = create_user("ines@example.org", "Inés Instructora", "otra contraseña larga",
                                 "instructor")
        db.session.add(CourseInstructor(user_id=instructor.id, course_id=course.id))
        db.session.commit()
        trainee = db.session.execute(select(User).filter_by(email=EMAIL)).scalar_one()
        assert trainee.locale == "es"  # signed up in Spanish: kept for emails and certificates
        for key in skills:
            sign_off(instructor, SLUG, trainee.id, key, clock.now.date(), "", clock.now)

    page.goto(f"{base}/courses/{SLUG}/evaluation")
    in_spanish(page, "evaluacion", tmp_path, "El curso cumplió los objetivos")
    for group in page.locator("fieldset.rating, div.rating").all():
        group.locator("input[type=radio]").last.check()
    for area in page.locator("main textarea").all():
        area.fill("Practicaré la palpación en pinza con más calma.")
    page.click("main form button[type=submit]")

    page.goto(base + "/records")
    in_spanish(page, "mis-registros", tmp_path, "Fundamentos de la terapia de puntos gatillo")
    with app.app_context():
        code = db.session.execute(select(CompletionRecord.certificate_code)).scalar_one()
    expect(page.locator(f"text={code}")).to_be_visible()
    with page.expect_download() as info:
        page.locator(f"main a[href$='/certificates/{code}.pdf']").click()
    text = " ".join(pypdf.PdfReader(BytesIO(info.value.path().read_bytes()))
                    .pages[0].extract_text().split())
    assert NAME in text and code in text
    assert "Fundamentos de la terapia de puntos gatillo" in text  # the course in her language
    assert "Completed on" not in text  # the certificate's labels are Spanish

    page.goto(f"{base}/verify/{code}")
    in_spanish(page, "verificacion", tmp_path, NAME)
    assert_accessible(page)
