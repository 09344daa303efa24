"""In Chromium: a trainee writes case answers, the instructor grades them from the queue with
the keyboard only (anonymously), and the trainee reads the final grade and feedback."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, browser, live, log_in, make_account  # noqa: F401  (fixtures)
from tests.browser.exam_steps import submit_via_summary
from tests.grading.conftest import FIXTURES
from tpcourse.extensions import db
from tpcourse.models import Course, CourseInstructor


def casework(app) -> None:
    """Load the casework course, a trainee enrolled in it and its instructor."""
    from tpcourse.models import User
    from tpcourse.services.authoring.content_sync import sync_from_folders
    from tpcourse.services.learning.learning import enroll

    trainee_id = make_account(app, "noor@example.com", "Noor Haddad")
    instructor_id = make_account(app, "ina@example.com", "Ina Instructor", "instructor")
    with app.app_context():
        sync_from_folders(FIXTURES / "lessons", FIXTURES / "quizzes")
        course = db.session.execute(select(Course).filter_by(slug="casework")).scalar_one()
        enroll(db.session.get(User, trainee_id), course.id)
        db.session.add(CourseInstructor(user_id=instructor_id, course_id=course.id))
        db.session.commit()


def test_essays_are_graded_from_the_queue_with_the_keyboard(live, browser):  # noqa: F811
    base, app, _clock = live
    casework(app)
    trainee = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(trainee, base, "noor@example.com")
    trainee.goto(base + "/quizzes/casework-exam")
    trainee.click("button:has-text('Start')")
    trainee.wait_for_url("**/attempts/*")
    essays = trainee.locator("textarea.essay")
    expect(essays.first).to_have_value("What I do:\n\nWhy:")  # the response template
    assert "Stops and refers" not in trainee.content()
    trainee.check("input[value='true']")
    essays.nth(0).fill("Stop, do not massage, refer to a doctor today: it may be a clot.")
    essays.nth(1).fill("The upper trapezius.")
    submit_via_summary(trainee)
    expect(trainee.locator("#result-heading")).to_have_text("Submitted, awaiting grading")

    grader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(grader, base, "ina@example.com")
    grader.click("nav >> text=Grading")
    grader.check("input[name=anonymous]")
    grader.click("button:has-text('Show')")
    expect(grader.locator("table.grading-queue tbody tr")).to_have_count(2)
    assert "Noor Haddad" not in grader.content()
    assert_accessible(grader)
    grader.click("#grade-first")
    expect(grader.locator(".essay-answer")).to_contain_text("it may be a clot")
    expect(grader.locator(".rubric")).to_contain_text("Stops and refers")
    expect(grader.locator("#score-action")).to_be_focused()  # ready to type
    assert_accessible(grader)
    grader.keyboard.type("3")
    grader.keyboard.press("Tab")
    grader.keyboard.type("Referred at once.")
    grader.keyboard.press("Tab")
    grader.keyboard.type("1")
    grader.keyboard.press("Enter")  # Enter in a score saves and opens the next essay
    grader.wait_for_url("**/essays/neck-case*")
    expect(grader.locator(".flashes")).to_contain_text("Essay graded")
    expect(grader.locator(".model-answer")).to_contain_text("commonly refers pain")
    assert "Noor Haddad" not in grader.content()  # still anonymous
    grader.keyboard.type("9")  # more than the criterion is worth
    grader.keyboard.press("Enter")
    expect(grader.locator(".error-summary")).to_contain_text("Enter a score from 0 to 2.")
    expect(grader.locator("#score-overall")).to_have_value("9")
    grader.fill("#score-overall", "2")
    grader.press("#score-overall", "Enter")
    expect(grader.locator("#queue-empty")).to_be_visible()

    trainee.reload()
    expect(trainee.locator("#result-heading")).to_contain_text("Passed")
    expect(trainee.locator(".criterion-feedback").first).to_contain_text("Referred at once.")
    assert "Stops and refers" not in trainee.content()
