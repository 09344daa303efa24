"""The exam experience in Chromium, at 1280 px and on a 375 px phone, with axe on every new page.

A blank submit stops at the summary page; flags, the navigator and pages of a paged quiz; a
must-pass failure explained; the completion moment; a module's last lesson leading into its
quiz; the sticky bars of a phone; the body-map hint for the device in hand; the summary page
without JavaScript.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, make_account, scroll_width
from tests.browser.exam_steps import submit_via_summary
from tests.browser.fill import answer_in_browser
from tests.conftest import PASSWORD
from tests.helpers import answer_form
from tests.security.content_tree import copy_content, sync
from tpcourse.extensions import db
from tpcourse.models import Attempt, CompletionRecord, Course

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 667}
SIZES = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280px", "375px"])


def trainee_tab(browser, live, viewport, email="tess@example.com", **options):
    """A fresh browser context for a new trainee enrolled in the fixture course, logged in."""
    base, app, _clock = live
    user_id = make_account(app, email, "Tess Trainee")
    with app.app_context():
        from tpcourse.services.learning.learning import enroll

        enroll(db.session.get(__import__("tpcourse.models", fromlist=["User"]).User, user_id),
               db.session.execute(select(Course.id).filter_by(slug="basics")).scalar_one())
    context = browser.new_context(viewport=viewport, **options)
    tab = context.new_page()
    tab.set_default_timeout(30000)
    tab.goto(base + "/login")
    tab.fill("#email", email)
    tab.fill("#password", PASSWORD)
    tab.click("button:has-text('Log in')")
    tab.wait_for_url(lambda url: "/login" not in url)
    return tab, user_id


def attempt_of(app, tab) -> Attempt:
    attempt_id = tab.url.split("?")[0].split("#")[0].rstrip("/").rsplit("/", 1)[-1]
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge_all()
        return attempt


def stored(app, attempt_id) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge_all()
        return attempt


def start(tab, base, slug):
    tab.goto(f"{base}/quizzes/{slug}")
    tab.click("button:has-text('Start attempt'), button:has-text('Resume')")
    tab.wait_for_url("**/attempts/*")


def fits(tab, viewport):
    width = scroll_width(tab)
    assert width <= viewport["width"], f"{tab.url} scrolls sideways ({width} px)"


@SIZES
def test_a_blank_submit_is_stopped_at_the_summary_page(live, browser, viewport):
    base, app, _clock = live
    tab, _ = trainee_tab(browser, live, viewport)
    start(tab, base, "intro-quiz")
    attempt = attempt_of(app, tab)
    expect(tab.locator(".navigator-count")).to_contain_text("Answered 0 of 8")
    tab.click("button:has-text('Review and submit')")
    tab.wait_for_url("**/summary")
    expect(tab.locator("h1")).to_have_text("Summary of your attempt")
    expect(tab.locator(".callout.warning")).to_contain_text("8 of 8 questions are not answered")
    expect(tab.locator("#attempt-cost")).to_contain_text(
        "This uses attempt 1 of 3; if you do not pass, the next attempt opens 30 minutes after")
    assert_accessible(tab)
    fits(tab, viewport)
    tab.click("form.finish-form button:has-text('Submit all and finish')")
    dialog = tab.locator("dialog.confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("8 questions are not answered")
    expect(dialog.locator(".confirm-cancel")).to_be_focused()  # the safe choice
    assert_accessible(tab)
    tab.keyboard.press("Enter")  # Cancel
    expect(dialog).to_be_hidden()
    assert stored(app, attempt.id).status == "in_progress"  # nothing graded, no cooldown
    tab.click("text=Go to question 1, the first one not answered")
    tab.wait_for_url("**#q1-box")
    expect(tab.locator("#q1-box")).to_be_in_viewport()


@SIZES
def test_flag_navigate_page_through_a_paged_quiz_and_submit(live, browser, viewport, tmp_path):
    base, app, _clock = live
    with app.app_context():
        root = copy_content(tmp_path)
        path = root / "quizzes" / "intro-quiz.yaml"
        path.write_text(path.read_text().replace("pass_mark: 80\n",
                                                 "pass_mark: 80\nquestions_per_page: 3\n"))
        sync(root)
    tab, _ = trainee_tab(browser, live, viewport)
    start(tab, base, "intro-quiz")
    attempt = attempt_of(app, tab)
    expect(tab.locator("fieldset.question")).to_have_count(3)
    assert_accessible(tab)
    fits(tab, viewport)
    answer_in_browser(tab, attempt, numbers={1, 2, 3})
    expect(tab.locator(".navigator-count")).to_contain_text("Answered 3 of 8")  # live, by JS
    flag = tab.locator("#q2-box .flag-toggle input")
    with tab.expect_response(lambda r: r.request.method == "POST"
                             and r.request.headers.get("x-autosave") == "1") as saved:
        flag.check()  # saved at once
    assert saved.value.status == 204, (saved.value.status, saved.value.request.post_data)
    item = tab.locator('.navigator a[href="#q2-box"]')
    expect(item).to_have_class(re.compile(r"\banswered\b.*\bflagged\b"))
    expect(item).to_have_accessible_name("Question 2: answered, flagged")
    assert stored(app, attempt.id).flags == [attempt.question_ids[1]]
    # The navigator's button for question 5 saves this page and opens page 2 at question 5.
    tab.click('.navigator button[value="goto:5"]')
    tab.wait_for_url("**?page=2#q5-box")
    expect(tab.locator("fieldset.question")).to_have_count(3)
    assert sum(r is not None for r in stored(app, attempt.id).responses.values()) == 3
    answer_in_browser(tab, attempt, numbers={4, 5, 6})
    tab.click("button:has-text('Next page')")
    tab.wait_for_url("**?page=3*")
    answer_in_browser(tab, attempt, numbers={7, 8})
    tab.click("button:has-text('Review and submit')")
    tab.wait_for_url("**/summary")
    expect(tab.locator(".callout.success")).to_have_text("All 8 questions are answered.")
    expect(tab.locator("main")).to_contain_text("You flagged 1 question for review: question 2.")
    assert_accessible(tab)
    fits(tab, viewport)
    tab.click("main p >> text=question 2")  # back to the flagged question, on page 1
    tab.wait_for_url("**?page=1#q2-box")
    tab.locator("#q2-box .flag-toggle input").uncheck()
    submit_via_summary(tab)
    expect(tab.locator("#result-heading")).to_contain_text("Passed")
    graded = stored(app, attempt.id)
    assert graded.passed and graded.flags == []


@SIZES
def test_a_must_pass_failure_is_explained(live, browser, viewport):
    base, app, _clock = live
    tab, _ = trainee_tab(browser, live, viewport)
    tab.goto(f"{base}/quizzes/safety-quiz")
    rule = tab.locator("li.must-pass")
    expect(rule).to_contain_text("1 safety question must be answered correctly to pass")
    expect(tab.locator(".rules")).to_contain_text("Time limit: 10 minutes")
    assert_accessible(tab)
    fits(tab, viewport)
    start(tab, base, "safety-quiz")
    attempt = attempt_of(app, tab)
    answer_in_browser(tab, attempt)
    dvt = attempt.question_ids.index("dvt") + 1
    tab.check(f'input[name="q{dvt}"][value="true"]')  # wrong, on the must-pass question
    submit_via_summary(tab)
    explained = tab.locator(".must-pass-failed")
    expect(explained).to_contain_text("1 safety question that must be answered correctly was "
                                      "missed")
    expect(explained).to_contain_text("shown once you pass this quiz")  # review: after_pass
    assert_accessible(tab)
    fits(tab, viewport)


@SIZES
def test_the_attempt_that_completes_the_course_is_celebrated(live, browser, viewport):
    base, app, clock = live
    tab, user_id = trainee_tab(browser, live, viewport)
    with app.app_context():
        from tpcourse.models import User
        from tpcourse.services import cache
        from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
        from tpcourse.services.learning.learning import mark_lesson_read

        user = db.session.get(User, user_id)
        course_id = db.session.execute(select(Course.id).filter_by(slug="basics")).scalar_one()
        for key in cache.course_outline(course_id).lesson_keys:
            mark_lesson_read(user, course_id, key, clock())
        for slug in ("intro-quiz", "safety-quiz"):
            attempt = start_attempt(user, *get_quiz(slug), clock())
            form = {k: v if isinstance(v, list) else [v]
                    for k, v in answer_form(attempt).items()}
            submit_attempt(attempt.id, user, form, clock())
        clock.advance(minutes=5)
    start(tab, base, "basics-final")
    answer_in_browser(tab, attempt_of(app, tab))
    submit_via_summary(tab)
    moment = tab.locator(".completion-moment")
    expect(moment.locator("h2")).to_have_text("Course complete — your certificate is ready")
    with app.app_context():
        code = db.session.execute(select(CompletionRecord.certificate_code)).scalar_one()
    expect(moment).to_contain_text(code)
    expect(moment).to_contain_text("CE hours")
    assert_accessible(tab)
    fits(tab, viewport)
    moment.locator("a:has-text('See it in My records')").click()
    tab.wait_for_url(f"**/records#record-{code}")
    row = tab.locator(f"tr#record-{code}")
    expect(row).to_contain_text("New")
    assert row.evaluate("el => getComputedStyle(el.cells[0]).backgroundColor") == \
        "rgb(230, 244, 234)"  # highlighted (--ok-bg)
    assert_accessible(tab)


@SIZES
def test_the_last_lesson_of_a_module_leads_into_its_quiz(live, browser, viewport):
    base, _app, _clock = live
    tab, _ = trainee_tab(browser, live, viewport)
    tab.goto(f"{base}/courses/basics")
    box = tab.locator(".completion-box")
    expect(box).to_contain_text("Read 3 more lessons, starting with Welcome")
    expect(box.locator("a", has_text="Introduction")).to_have_attribute("href",
                                                                         "/quizzes/intro-quiz")
    assert_accessible(tab)
    tab.goto(f"{base}/courses/basics/01-intro/01-welcome")
    tab.click("button:has-text('Mark as read and continue')")
    tab.wait_for_url("**/01-intro/02-holding")
    assert_accessible(tab)
    fits(tab, viewport)
    tab.click("button:has-text('Mark as read and go to the module quiz')")
    tab.wait_for_url("**/quizzes/intro-quiz")
    expect(tab.locator("h2#rules-title")).to_have_text("The rules of this quiz")
    assert_accessible(tab)
    fits(tab, viewport)


COVERED = """() => {
    const el = document.activeElement;
    if (!el.closest('fieldset.question')) return null;
    const r = el.getBoundingClientRect();
    const over = [...document.querySelectorAll('.timer, .quiz-actions, .navigator')]
        .filter(bar => ['sticky', 'fixed'].includes(getComputedStyle(bar).position))
        .map(bar => bar.getBoundingClientRect())
        .filter(b => b.left < r.right && r.left < b.right && b.top < r.bottom && r.top < b.bottom);
    return {name: el.name, top: r.top, bottom: r.bottom, covered: over.length,
            inView: r.top >= 0 && r.bottom <= window.innerHeight};
}"""


@SIZES
def test_the_sticky_bars_are_small_and_never_cover_the_question(live, browser, viewport):
    base, _app, _clock = live
    tab, _ = trainee_tab(browser, live, viewport)
    start(tab, base, "safety-quiz")  # timed
    tab.evaluate("window.scrollTo(0, 0)")
    sticky = tab.evaluate("""() => [...document.querySelectorAll('main *')].filter(el =>
        ['sticky', 'fixed'].includes(getComputedStyle(el).position)
        && el.getBoundingClientRect().height > 0).map(el => el.className)""")
    if viewport is PHONE:
        assert sticky == ["quiz-actions"], sticky  # the timer scrolls away on a phone ...
        expect(tab.locator(".bar-clock")).to_have_text("10 min left")  # ... its clock stays
        height = tab.locator(".quiz-actions").bounding_box()["height"]
        assert height <= 0.1 * PHONE["height"], f"the bar takes {height} px of 667"
    else:
        assert sticky == ["timer", "navigator", "quiz-actions"], sticky
    # Tab through every control of every question: none ends up under a bar.
    tab.locator("#q1-box input").first.focus()
    seen = 0
    for _ in range(30):
        focused = tab.evaluate(COVERED)
        if focused is not None:
            seen += 1
            assert focused["inView"] and not focused["covered"], focused
        tab.keyboard.press("Tab")
    assert seen >= 6  # true/false and single choice: every question's controls were visited
    fits(tab, viewport)


@pytest.mark.parametrize(("options", "expected", "absent"), [
    ({"viewport": DESKTOP}, "Click the drawing to mark your answer. With a keyboard", "Tap"),
    ({"viewport": PHONE, "has_touch": True, "is_mobile": True},
     "Tap the drawing where you would press", "keyboard"),
    ({"viewport": DESKTOP, "java_script_enabled": False},
     "the page saves your answers and comes back with your mark", "JavaScript"),
], ids=["mouse", "touch", "no script"])
def test_the_body_map_hint_speaks_to_the_device(live, browser, options, expected, absent):
    base, _app, _clock = live
    tab, _ = trainee_tab(browser, live, options.pop("viewport"), **options)
    start(tab, base, "intro-quiz")
    hint = tab.locator(".hotspot .hint").first
    expect(hint).to_contain_text(expected)
    assert absent not in hint.inner_text()
    assert "Without JavaScript" not in tab.content()


def test_the_summary_page_works_without_javascript(live, browser):
    base, app, _clock = live
    tab, _ = trainee_tab(browser, live, PHONE, java_script_enabled=False)
    start(tab, base, "intro-quiz")
    attempt = attempt_of(app, tab)
    answer_in_browser(tab, attempt, numbers={n for n in range(1, 9)
                                             if attempt.question_ids[n - 1] != "spot"})
    tab.locator("#q1-box .flag-toggle input").check()
    tab.click("button:has-text('Review and submit')")
    tab.wait_for_url("**/summary")
    expect(tab.locator(".callout.warning")).to_contain_text("1 of 8 questions is not answered")
    expect(tab.locator("main")).to_contain_text("You flagged 1 question for review")
    # (axe needs script in the page, so it checks this same page in the journeys above)
    tab.click("form.finish-form button:has-text('Submit all and finish')")  # no dialog: the
    tab.wait_for_url("**/result")                                        # page confirmed it
    assert stored(app, attempt.id).status == "submitted"
