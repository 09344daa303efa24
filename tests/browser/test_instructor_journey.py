"""An instructor edits an existing question in the studio and previews it in a real browser."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, log_in, make_account
from tpcourse.extensions import db
from tpcourse.models import Course, CourseInstructor, QuizVersion

EDITED = "Which best describes a myofascial trigger point?"
RIGHT = "A hyperirritable spot in a taut band of muscle"


def assign(app, email: str) -> None:
    """Make an instructor of the fixture course 'basics'."""
    user_id = make_account(app, email, "Ina Instructor", "instructor")
    with app.app_context():
        course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
        db.session.add(CourseInstructor(user_id=user_id, course_id=course.id))
        db.session.commit()


def published_prompt(app, slug: str, qid: str) -> str:
    with app.app_context():
        version = db.session.execute(select(QuizVersion).where(
            QuizVersion.quiz.has(slug=slug)).order_by(QuizVersion.version.desc())).scalars().first()
        return next(q["prompt"] for q in version.data["questions"] if q["id"] == qid)


def test_an_instructor_edits_a_question_saves_the_draft_and_previews_it(live, page):
    base, app, _clock = live
    assign(app, "ina@example.com")
    log_in(page, base, "ina@example.com")
    page.click("nav >> text=Studio")
    page.click("a.button:has-text('Open')")
    page.click("a:has-text('Introduction quiz')")
    page.wait_for_url("**/author/quizzes/intro-quiz")
    page.locator("#q-tp-definition").get_by_role("link", name="Edit question 1").click()
    page.wait_for_url("**/questions/tp-definition/edit")
    assert page.input_value("#prompt") == "A trigger point is best described as ..."
    assert_accessible(page)

    page.fill("#prompt", "")  # a question needs a prompt: told so, nothing saved
    page.click("button:has-text('Save in the draft')")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#prompt")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)
    page.fill("#prompt", EDITED)
    option = next(i for i in range(3)
                  if page.input_value(f"#options-{i}-text").startswith("A tender spot"))
    page.fill(f"#options-{option}-text", RIGHT)
    page.click("button:has-text('Save in the draft')")
    page.wait_for_url("**/author/quizzes/intro-quiz#q-tp-definition")
    expect(page.locator(".flashes")).to_contain_text("saved in the draft")
    expect(page.locator("#q-tp-definition")).to_contain_text(EDITED)
    assert published_prompt(app, "intro-quiz", "tp-definition") != EDITED  # trainees: unchanged

    page.get_by_role("link", name="Preview first").click()
    page.wait_for_url("**/author/quizzes/intro-quiz/preview")
    edited = page.locator("fieldset.question", has_text=EDITED)
    expect(edited).to_have_count(1)
    edited.get_by_label(RIGHT).check()
    assert_accessible(page)
    page.click("button:has-text('Submit for grading')")
    expect(page.locator("main")).to_contain_text("nothing was recorded")
    item = page.locator(".review-item", has_text=EDITED)
    expect(item).to_contain_text("1 / 1 point")
    expect(item).to_contain_text(f"Your answer: {RIGHT}")
    assert_accessible(page)
