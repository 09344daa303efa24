"""A new trainee's whole journey in a real browser, with accessibility checks on each page."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible
from tests.browser.exam_steps import submit_via_summary
from tests.browser.fill import answer_in_browser, register_in_browser
from tests.helpers import link_in, outbox
from tpcourse.extensions import db
from tpcourse.models import Attempt, CompletionRecord

LESSONS = ["01-intro/01-welcome", "01-intro/02-holding", "02-safety/01-red-flags"]


def current_attempt(app, page):
    with app.app_context():
        attempt = db.session.get(Attempt, page.url.rstrip("/").rsplit("/", 1)[-1])
        db.session.expunge_all()
        return attempt


def take_quiz(page, base, app, slug, correct=True, keyboard=False):
    page.goto(f"{base}/quizzes/{slug}")
    page.click("button:has-text('Start attempt'), button:has-text('Resume')")
    attempt = current_attempt(app, page)
    answer_in_browser(page, attempt, correct, keyboard_hotspot=keyboard)
    submit_via_summary(page)
    return attempt


def test_register_learn_fail_wait_pass_complete_verify(live, page):
    base, app, clock = live
    page.goto(base + "/register")
    assert_accessible(page)
    page.fill("#name", "Maria Lopez")
    page.fill("#email", "not an email")
    page.click("button:has-text('Email me the link')")
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.input_value("#name") == "Maria Lopez"  # what was typed survives
    page.fill("#email", "maria@example.com")
    page.click("button:has-text('Email me the link')")
    expect(page.locator("h1:has-text('Check your email')")).to_be_visible()
    assert_accessible(page)
    page.goto(base + link_in(outbox(app)[0].body, "/register/finish/"))
    assert_accessible(page)
    page.fill("#password", "short")
    page.fill("#confirm", "short")
    page.click("button:has-text('Create my account')")
    expect(page.locator(".error-summary")).to_be_visible()
    page.fill("#password", "a long enough password")
    page.fill("#confirm", "a long enough password")
    page.click("button:has-text('Create my account')")
    page.wait_for_url(base + "/")
    assert_accessible(page)

    page.click("button:has-text('Enrol')")
    page.goto(base + "/courses/basics")
    assert_accessible(page)
    for path in LESSONS:
        page.goto(f"{base}/courses/basics/{path}")
        page.click("button:has-text('Mark as read')")
    page.goto(f"{base}/courses/basics/{LESSONS[0]}")
    assert_accessible(page)
    page.goto(base + "/courses/basics")
    expect(page.locator("text=2 of 2 lessons read")).to_be_visible()

    take_quiz(page, base, app, "intro-quiz", correct=False)
    expect(page.locator("text=Not passed")).to_be_visible()
    assert_accessible(page)
    page.goto(base + "/quizzes/intro-quiz")
    expect(page.locator("text=You can try again from")).to_be_visible()
    assert page.locator("button:has-text('Start attempt')").count() == 0
    assert_accessible(page)

    clock.advance(minutes=31)
    take_quiz(page, base, app, "intro-quiz", correct=True, keyboard=True)  # body map by keys
    expect(page.locator("text=Passed").first).to_be_visible()
    take_quiz(page, base, app, "safety-quiz")
    take_quiz(page, base, app, "basics-final")

    page.goto(base + "/records")
    assert_accessible(page)
    with app.app_context():
        code = db.session.execute(select(CompletionRecord.certificate_code)).scalar_one()
    expect(page.locator(f"text={code}")).to_be_visible()

    page.click("button:has-text('Log out')")
    page.goto(base + "/verify")
    assert_accessible(page)
    page.fill("#code", code.lower())
    page.click("button:has-text('Verify')")
    expect(page.locator("h1:has-text('Valid certificate')")).to_be_visible()
    expect(page.locator("text=Maria Lopez")).to_be_visible()
    assert_accessible(page)


def test_attempt_page_is_accessible_and_usable_on_a_phone(live, browser, page):
    base, app, clock = live
    phone = browser.new_context(viewport={"width": 320, "height": 700}).new_page()
    register_in_browser(phone, base, app, "Sam", "sam@example.com", "a long enough password")
    phone.click("button:has-text('Enrol')")
    phone.goto(base + "/quizzes/intro-quiz")
    phone.click("button:has-text('Start attempt')")
    assert_accessible(phone)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"page scrolls sideways at 320 px ({width} px wide)"
    attempt = current_attempt(app, phone)
    answer_in_browser(phone, attempt, correct=True)
    submit_via_summary(phone)
    expect(phone.locator("text=Passed").first).to_be_visible()
    phone.context.close()
