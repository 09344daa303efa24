"""Course administration in a real browser: an admin builds and publishes a course, assigns an
instructor who then sees it, and a trainee enrols, reads, passes and completes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    assert_accessible,
    live,
    log_in,
    make_account,
    page,
)
from tests.browser.exam_steps import submit_via_summary
from tests.browser.fill import answer_in_browser
from tpcourse.extensions import db
from tpcourse.models import Attempt, CompletionRecord, Course, CourseVersion


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only, closed before other browser tests start their own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _module(tab, title: str, objectives: str, lesson: tuple[str, str, str]) -> None:
    """From the outline: add a module, give it objectives, add one lesson to it."""
    tab.fill("#new-title", title)
    tab.click("button:has-text('Add the module')")
    expect(tab.locator(".flashes")).to_contain_text("Module added")
    tab.get_by_role("link", name=f"Edit module {title}").click()
    tab.fill("#objectives", objectives)
    tab.click("button:has-text('Save the module')")
    expect(tab.locator(".flashes")).to_contain_text("Module saved")
    tab.get_by_role("link", name=f"Add a lesson to {title}").click()
    name, code, body = lesson
    tab.fill("#title", name)
    tab.fill("#minutes", "5")
    tab.check(f"input[name=objectives][value={code}]")
    tab.fill("#body", body)
    tab.click("button:has-text('Add the lesson')")
    expect(tab.locator(".flashes")).to_contain_text("Lesson added")


def _quiz(tab, base: str, slug: str, title: str, prompt: str) -> None:
    """Make a one-question true/false quiz in the course and publish it."""
    tab.goto(base + "/author/courses/neck-care")
    tab.click("a.button:has-text('New quiz')")
    tab.fill("#slug", slug)
    tab.fill("#title", title)
    tab.click("button:has-text('Create the quiz draft')")
    tab.wait_for_url(f"**/author/quizzes/{slug}")
    tab.goto(f"{base}/author/quizzes/{slug}/questions/new?type=true_false")
    tab.fill("#prompt", prompt)
    tab.check("input[name=answer_bool][value=true]")
    tab.click("button:has-text('Save in the draft')")
    tab.wait_for_url(f"**/author/quizzes/{slug}#q-*")
    tab.click("button:has-text('Publish as a new version')")
    tab.wait_for_url("**/versions")


def _publish(tab, version: int) -> None:
    tab.get_by_role("navigation", name="Course pages").get_by_role(
        "link", name="Publish", exact=True).click()
    expect(tab.locator("h2")).to_contain_text(f"Version {version} will change")
    assert_accessible(tab)
    tab.click(f"button:has-text('Publish as version {version}')")
    expect(tab.locator(".flashes")).to_contain_text(f"Published as course version {version}")


def test_admin_builds_a_course_an_instructor_sees_it_and_a_trainee_completes_it(live, page):  # noqa: F811
    base, app, _clock = live
    make_account(app, "ada@example.org", "Ada Admin", "admin")
    make_account(app, "ivy@example.org", "Ivy Instructor", "instructor")
    make_account(app, "tom@example.org", "Tom Trainee")
    log_in(page, base, "ada@example.org")
    page.goto(base + "/author/")
    page.click("a.button:has-text('New course')")
    page.fill("#slug", "Neck Care")  # refused, and what was typed stays
    page.fill("#title", "Neck Care Basics")
    page.click("button:has-text('Create the course')")
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.input_value("#title") == "Neck Care Basics"
    assert_accessible(page)
    page.fill("#slug", "neck-care")
    page.click("button:has-text('Create the course')")
    page.wait_for_url("**/author/courses/neck-care/outline")
    expect(page.locator("main")).to_contain_text("Never published")

    _module(page, "Finding neck trigger points", "NCK-1: Locate the upper trapezius point.",
            ("Where the neck hurts", "NCK-1", "The **upper trapezius** refers to the temple."))
    _module(page, "Pressing safely", "SAF-1: Say when not to press.",
            ("When not to press", "SAF-1", "Never press over a **bruise**."))
    assert_accessible(page)
    _publish(page, 1)

    _quiz(page, base, "neck-quiz", "Neck quiz", "The upper trapezius refers to the temple.")
    _quiz(page, base, "neck-final", "Neck final exam", "Bruises are pressed firmly.")
    page.goto(base + "/author/courses/neck-care/outline")
    page.get_by_role("link", name="Edit module Finding neck trigger points").click()
    page.select_option("#quiz", "neck-quiz")
    page.click("button:has-text('Save the module')")
    page.get_by_role("navigation", name="Course pages").get_by_role(
        "link", name="Settings", exact=True).click()
    page.select_option("#final_exam", "neck-final")
    page.select_option("#completion_final_exam", "passed")
    page.fill("#ce_hours", "lots")  # refused beside the field, the rest kept
    page.click("button:has-text('Save the settings')")
    expect(page.locator("#ce_hours-error")).to_be_visible()
    assert page.input_value("#ce_hours") == "lots"
    assert_accessible(page)
    page.fill("#ce_hours", "0")
    page.click("button:has-text('Save the settings')")
    expect(page.locator(".flashes")).to_contain_text("Settings saved")
    page.get_by_role("navigation", name="Course pages").get_by_role(
        "link", name="Publish", exact=True).click()
    expect(page.locator(".changes")).to_contain_text("Final exam none → neck-final")
    expect(page.locator(".changes")).to_contain_text(
        "Finding neck trigger points: module quiz none → neck-quiz")
    page.click("button:has-text('Publish as version 2')")
    expect(page.locator(".flashes")).to_contain_text("Published as course version 2")

    page.get_by_role("navigation", name="Course pages").get_by_role(
        "link", name="Instructors", exact=True).click()
    page.fill("#email", "ivy@example.org")
    page.click("button:has-text('Assign')")
    expect(page.locator(".flashes")).to_contain_text("Ivy Instructor now teaches")
    assert_accessible(page)

    log_in(page, base, "ivy@example.org")
    page.goto(base + "/author/")
    expect(page.locator("main")).to_contain_text("Neck Care Basics")

    log_in(page, base, "tom@example.org")
    page.goto(base + "/courses/neck-care")
    page.click("button:has-text('Enrol in this course')")
    for path in ("finding-neck-trigger-points/01-where-the-neck-hurts",
                 "pressing-safely/01-when-not-to-press"):
        page.goto(f"{base}/courses/neck-care/{path}")
        page.click("button:has-text('Mark as read')")
    for slug in ("neck-quiz", "neck-final"):
        page.goto(f"{base}/quizzes/{slug}")
        page.click("button:has-text('Start attempt')")
        with app.app_context():
            attempt = db.session.get(Attempt, page.url.rstrip("/").rsplit("/", 1)[-1])
            db.session.expunge_all()
        answer_in_browser(page, attempt, correct=True)
        submit_via_summary(page)
        expect(page.locator("text=Passed").first).to_be_visible()
    with app.app_context():
        course = db.session.execute(select(Course).filter_by(slug="neck-care")).scalar_one()
        record = db.session.execute(select(CompletionRecord)).scalar_one()
        version = db.session.get(CourseVersion, record.course_version_id)
        assert (version.course_id, version.version) == (course.id, 2)
