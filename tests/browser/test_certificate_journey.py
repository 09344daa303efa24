"""A certificate in a real browser: the holder downloads the PDF, a visitor verifies its code."""

from __future__ import annotations

from io import BytesIO

import pypdf
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, log_in, make_account
from tests.certification.conftest import FIXTURES
from tests.certification.steps import evaluate, pass_quiz, read_every_lesson, sign_skills
from tpcourse.extensions import db
from tpcourse.models import CompletionRecord, Course, CourseInstructor, User

HOLDER = "Zoë Łukasiewicz"


def certify(app, now) -> str:
    """Earn the 'certified' course the real way (lessons, quiz, sign-offs, evaluation)."""
    from tpcourse.services.authoring.content_sync import sync_from_folders
    from tpcourse.services.learning.learning import enroll

    make_account(app, "zoe@example.com", HOLDER)
    make_account(app, "ines@example.com", "Inès Instructor", "instructor")
    with app.app_context():
        sync_from_folders(FIXTURES / "lessons", FIXTURES / "quizzes")
        course = db.session.execute(select(Course).filter_by(slug="certified")).scalar_one()
        holder = db.session.execute(select(User).filter_by(email="zoe@example.com")).scalar_one()
        instructor = db.session.execute(select(User).filter_by(email="ines@example.com")
                                        ).scalar_one()
        db.session.add(CourseInstructor(user_id=instructor.id, course_id=course.id))
        db.session.commit()
        enroll(holder, course.id)
        read_every_lesson(holder, "certified", now)
        pass_quiz(holder, "certified-check", now)
        evaluate(holder, now)
        sign_skills(instructor, holder, now)  # the last requirement: the record is issued
        return db.session.execute(select(CompletionRecord.certificate_code).filter_by(
            user_id=holder.id, course_id=course.id)).scalar_one()


def test_the_holder_downloads_the_pdf_and_a_visitor_verifies_the_code(live, browser, page):
    base, app, clock = live
    code = certify(app, clock.now)

    log_in(page, base, "zoe@example.com")
    page.click("nav >> text=My records")
    page.wait_for_url(base + "/records")
    row = page.locator("table.data tbody tr", has_text="Pressure Release with Practical Assessment")
    expect(row.locator("code")).to_have_text(code)
    expect(row.locator(".badge")).to_have_text("valid")
    assert_accessible(page)
    with page.expect_download() as info:
        row.locator("a", has_text="PDF (A4)").click()
    download = info.value
    assert download.suggested_filename == f"certificate-{code}-a4.pdf"
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = " ".join(pypdf.PdfReader(BytesIO(pdf)).pages[0].extract_text().split())
    assert HOLDER in text and code in text

    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(base + "/")
    visitor.click("nav >> text=Verify a certificate")
    visitor.fill("#code", f"  {code.lower()} ")  # as typed from paper: any case, stray spaces
    visitor.click("button:has-text('Verify')")
    visitor.wait_for_url(f"**/verify/{code}")
    expect(visitor.locator("h1")).to_have_text("Valid certificate")
    facts = visitor.locator("dl.facts")
    expect(facts.locator("div", has_text="Holder").locator("dd")).to_have_text(HOLDER)
    expect(facts.locator("div", has_text="Code").locator("dd")).to_have_text(code)
    assert_accessible(visitor)
    visitor.context.close()
