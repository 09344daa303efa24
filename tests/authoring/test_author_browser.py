"""The studio in a real browser: click a region onto the body map, preview, publish, lessons.

Accessibility (axe-core) is checked on each page, and the phone layout must not scroll sideways.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, assert_accessible, live, page  # noqa: F401
from tests.conftest import PASSWORD
from tpcourse.extensions import db
from tpcourse.models import Attempt, Course, CourseInstructor, QuizVersion


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only, closed before other browser tests start their own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _instructor(app):
    from tpcourse.services.accounts.accounts import create_user

    with app.app_context():
        user = create_user("ina@example.com", "Ina Instructor", PASSWORD, "instructor", None)
        course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
        db.session.add(CourseInstructor(user_id=user.id, course_id=course.id))
        db.session.commit()
    return "ina@example.com"


def _login(tab, base, email):
    tab.goto(base + "/login")
    tab.fill("#email", email)
    tab.fill("#password", PASSWORD)
    tab.click("button:has-text('Log in')")


def _count(app, query):
    with app.app_context():
        return db.session.execute(query).scalar_one()


def test_an_instructor_authors_a_body_map_question_previews_and_publishes(live, page):  # noqa: F811
    base, app, _clock = live
    _login(page, base, _instructor(app))
    quiz = base + "/author/quizzes/intro-quiz"
    page.goto(quiz + "/questions/new?type=hotspot")
    page.click("button:has-text('Save in the draft')")  # empty: errors beside the fields
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(page)
    page.fill("#qid", "dot-again")
    page.fill("#prompt", "Click the red dot again.")
    page.select_option("#image", "map.svg")
    canvas = page.locator("svg.region-canvas")
    box = canvas.bounding_box()
    canvas.click(position={"x": box["width"] * 50 / 200, "y": box["height"] * 50 / 100})
    assert abs(float(page.input_value("#regions-0-cx")) - 50) < 2
    assert abs(float(page.input_value("#regions-0-cy")) - 50) < 2
    page.fill("#regions-0-r", "12")
    assert page.locator("svg.region-canvas circle.region").count() == 1
    page.click("button:has-text('Save in the draft')")
    page.wait_for_url("**/author/quizzes/intro-quiz#q-dot-again")
    expect(page.locator(".flashes")).to_contain_text("saved in the draft")
    assert_accessible(page)

    page.goto(quiz + "/preview")
    new = page.locator("fieldset.question", has_text="Click the red dot again.")
    assert new.locator("input.hotspot-image").count() == 1
    assert_accessible(page)
    page.click("button:has-text('Submit for grading')")
    expect(page.locator("main")).to_contain_text("nothing was recorded")
    assert_accessible(page)
    assert _count(app, select(func.count()).select_from(Attempt)) == 0

    page.goto(quiz)
    page.click("button:has-text('Publish as a new version')")
    page.wait_for_url("**/versions")
    expect(page.locator(".flashes")).to_contain_text("Published as version 2")
    expect(page.locator("main")).to_contain_text("dot-again")
    assert _count(app, select(func.count()).select_from(QuizVersion).where(
        QuizVersion.version == 2)) == 1

    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("", "/questions/dot-again/edit", "/analysis", "/settings"):
        page.goto(quiz + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways at 375 px ({width} px wide)"
        assert_accessible(page)


def test_the_lesson_editor_previews_as_you_type(live, page):  # noqa: F811
    base, app, _clock = live
    _login(page, base, _instructor(app))
    page.goto(base + "/author/courses/basics/lessons/01-intro/02-holding")
    assert_accessible(page)
    page.fill("#body", "## Slow in\n\nHold **steady** pressure.<script>alert(1)</script>")
    # A locator wait (no string evaluation: the CSP forbids eval, as it should).
    page.locator(".preview-body strong", has_text="steady").wait_for()
    assert "<script" not in page.inner_html(".preview-body")
    page.click("button:has-text('Save the draft')")
    expect(page.locator(".flashes")).to_contain_text("Draft saved")
    assert page.input_value("#body").startswith("## Slow in")
