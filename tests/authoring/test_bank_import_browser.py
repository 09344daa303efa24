"""The bank import in a real browser: upload, preview each question as trainees see it,
untick one, add the rest — with axe checks on every page and no sideways scroll on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, assert_accessible, live, page  # noqa: F401
from tests.conftest import PASSWORD
from tpcourse.extensions import db
from tpcourse.models import Course, CourseInstructor, QuizDraft

BANKS = Path(__file__).resolve().parents[1] / "banks" / "fixtures"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "bench" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _instructor(app) -> str:
    from tpcourse.services.accounts.accounts import create_user

    with app.app_context():
        user = create_user("ivy@example.com", "Ivy Instructor", PASSWORD, "instructor", None)
        course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
        db.session.add(CourseInstructor(user_id=user.id, course_id=course.id))
        db.session.commit()
    return "ivy@example.com"


def test_an_instructor_previews_a_bank_and_adds_the_ticked_questions(live, page, tmp_path):  # noqa: F811
    base, app, _clock = live
    page.goto(base + "/login")
    page.fill("#email", _instructor(app))
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Log in')")
    page.goto(base + "/author/quizzes/intro-quiz/import")
    assert_accessible(page)
    bank = tmp_path / "faithful.gift"
    bank.write_bytes((BANKS / "faithful.gift").read_bytes())
    page.set_input_files("#bank", str(bank))
    page.select_option("#scoring", "source")
    page.click("button:has-text('Upload and preview')")
    expect(page.locator("h1")).to_contain_text("Preview: faithful.gift")
    assert page.locator("input[name=take]").count() == 11
    classify = page.locator("section.import-item").nth(1)
    expect(classify).to_contain_text("Classify each structure.")
    expect(classify.locator("select").first).to_be_disabled()  # drawn, not answerable
    assert "Chat" in classify.locator("select").first.inner_text()  # a distractor among them
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.uncheck("input[name=take][value='0']")
    page.click("button:has-text('Add the ticked questions to the draft')")
    expect(page.locator("h1")).to_contain_text("10 questions added to the draft")
    assert_accessible(page)
    with app.app_context():
        draft = db.session.execute(select(QuizDraft).filter_by(slug="intro-quiz")).scalar_one()
        ids = [q["id"] for q in draft.data["questions"]]
    assert "referral-temple" not in ids and "classify-the-tissue" in ids
