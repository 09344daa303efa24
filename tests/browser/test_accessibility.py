"""Every key page, for every role: axe-core, the skip link, 320 px width and 200 % zoom.

One server and one world (built through the services) serve the whole module; each page is a
test of its own, opened in a fresh browser context logged in as its role.

Zoom: WCAG 1.4.4 asks for text resizable to 200 % and 1.4.10 for reflow at 320 CSS px.
- Page zoom to 200 % of a 1280 px window lays the page out exactly as a 640 px viewport does
  (device_scale_factor 2 only sharpens the pixels), so that is what the 640 px check is.
- Text-only zoom is the browser's own text-size setting doubled (16 px -> 32 px), set through
  the DevTools protocol (Page.setFontSizes): like a user's setting it also moves rem/em media
  queries, which a root `font-size: 200%` would not. Playwright's add_style_tag is no use
  here: it injects a <style> element, which the Content-Security-Policy (style-src 'self')
  blocks, as it should.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import (
    assert_accessible,
    log_in,
    scroll_width,
    serve,
    served_app,
)
from tests.certification.conftest import FIXTURES as CERTIFIED
from tests.conftest import PASSWORD, Clock, empty_database
from tests.helpers import answer_form
from tpcourse.extensions import db
from tpcourse.models import CompletionRecord, Course, CourseInstructor

LESSONS = ("01-intro/01-welcome", "01-intro/02-holding", "02-safety/01-red-flags")
TEXT_AT_200 = {"standard": 32, "fixed": 26}  # Chromium's defaults are 16 and 13 px


@dataclass
class Site:
    """The served app, the ids its pages need, and each role's logged-in cookies."""

    base: str
    ids: dict
    states: dict


def _submit(user, slug, now, correct=True):
    from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt

    quiz, version = get_quiz(slug)
    attempt = start_attempt(user, quiz, version, now)
    form = {k: v if isinstance(v, list) else [v] for k, v in answer_form(attempt, correct).items()}
    return submit_attempt(attempt.id, user, form, now + timedelta(minutes=1)).attempt.id


def build_world(clock) -> dict:
    """Schools, a cohort, trainees at several stages, an instructor's draft; return the ids."""
    from tpcourse.services.accounts.accounts import create_user, ensure_school
    from tpcourse.services.authoring import quizzes
    from tpcourse.services.authoring.content_sync import sync_from_folders
    from tpcourse.services.certification.skills import sign_off
    from tpcourse.services.exams.attempts import get_quiz, start_attempt
    from tpcourse.services.learning.learning import enroll, mark_lesson_read
    from tpcourse.services.schools import cohorts, tokens

    sync_from_folders(CERTIFIED / "lessons", CERTIFIED / "quizzes")
    courses = {c.slug: c for c in db.session.execute(select(Course)).scalars()}
    north = ensure_school("north", "North Massage School", provider_name="North CE Institute",
                          provider_number="CE-N-0001")
    people = {role: create_user(f"{role}@example.com", name, PASSWORD, kind, school)
              for role, name, kind, school in (
                  ("trainee", "Tess Trainee", "trainee", None),
                  ("newcomer", "Tom Newcomer", "trainee", None),
                  ("instructor", "Ina Instructor", "instructor", None),
                  ("school_admin", "Sam Schooladmin", "school_admin", "north"),
                  ("admin", "Ada Admin", "admin", None))}
    tess, tom, ina = people["trainee"], people["newcomer"], people["instructor"]
    for course in courses.values():
        db.session.add(CourseInstructor(user_id=ina.id, course_id=course.id))
    db.session.commit()
    spring = cohorts.create_cohort(north, "Spring 2026", courses["basics"].id, None, clock.now)
    cohorts.join_cohort(tess, spring.invite_code, clock.now)
    for key in LESSONS:
        mark_lesson_read(tess, courses["basics"].id, key, clock.now)
    failed = _submit(tess, "intro-quiz", clock.now, correct=False)
    clock.advance(minutes=31)
    passed = _submit(tess, "intro-quiz", clock.now)
    _submit(tess, "safety-quiz", clock.now)
    _submit(tess, "basics-final", clock.now)
    enroll(tess, courses["certified"].id)
    sign_off(ina, "certified", tess.id, "pressure-scale", clock.now.date(), "Good.", clock.now)
    enroll(tom, courses["basics"].id)
    open_attempt = start_attempt(tom, *get_quiz("intro-quiz"), clock.now).id
    timed_attempt = start_attempt(tom, *get_quiz("safety-quiz"), clock.now).id
    tokens.create_token(north, "Student records system", None, clock.now)
    latent = next(q for q in quizzes.workspace(ina, "intro-quiz").questions
                  if q["id"] == "latent")
    quizzes.save_question(ina, "intro-quiz", "latent", {
        **latent, "prompt": "A latent trigger point hurts only when pressed."}, clock.now)
    code = db.session.execute(select(CompletionRecord.certificate_code)).scalar_one()
    return {"failed": failed, "passed": passed, "open": open_attempt, "timed": timed_attempt,
            "code": code, "invite": spring.invite_code, "cohort": spring.id, "school": north.id,
            "tess": tess.id, "tom": tom.id}


@pytest.fixture(scope="module")
def site(_migrated, tmp_path_factory, browser):
    """Serve one world for the module and log each role in once."""
    clock = Clock()
    app = served_app(_migrated, tmp_path_factory.mktemp("a11y"), clock)
    try:
        with app.app_context():
            ids = build_world(clock)
        with serve(app) as base:
            states = {"visitor": {"cookies": [], "origins": []}}
            for role in ("trainee", "newcomer", "instructor", "school_admin", "admin"):
                context = browser.new_context()
                log_in(context.new_page(), base, f"{role}@example.com")
                if role == "school_admin":  # one finished download, listed on the dashboard
                    context.request.get(base + "/school/north/export?format=csv").body()
                states[role] = context.storage_state()
                context.close()
            yield Site(base, ids, states)
    finally:
        with app.app_context():
            empty_database()


def _fail_login(tab):
    tab.fill("#email", "trainee@example.com")
    tab.fill("#password", "not the password")
    tab.click("button:has-text('Log in')")
    tab.locator(".error-summary").wait_for()


def _fail_register(tab):
    tab.fill("#email", "not an email")
    tab.click("button:has-text('Email me the link')")
    tab.locator(".error-summary").wait_for()


def _submit_empty(label):
    def act(tab):
        tab.click(f"button:has-text('{label}')")
        tab.locator(".error-summary").wait_for()
    return act


# (role, page name, path, status, action run before the checks)
PAGES = [
    ("visitor", "catalogue", "/", 200, None),
    ("visitor", "course", "/courses/basics", 200, None),
    ("visitor", "lesson", "/courses/basics/01-intro/01-welcome", 200, None),
    ("visitor", "login with errors", "/login", 200, _fail_login),
    ("visitor", "register with errors", "/register", 200, _fail_register),
    ("visitor", "forgot password", "/password/forgot", 200, None),
    ("visitor", "verify", "/verify", 200, None),
    ("visitor", "verify result", "/verify/{code}", 200, None),
    ("visitor", "unknown certificate", "/verify/TP-AAAA-BBBB-CCCC-DDDD-EEEE", 404, None),
    ("visitor", "404 page", "/no/such/page", 404, None),
    ("trainee", "catalogue", "/", 200, None),
    ("trainee", "course", "/courses/basics", 200, None),
    ("trainee", "lesson", "/courses/basics/02-safety/01-red-flags", 200, None),
    ("trainee", "quiz overview", "/quizzes/intro-quiz", 200, None),
    ("trainee", "failed result", "/attempts/{failed}/result", 200, None),
    ("trainee", "passed result", "/attempts/{passed}/result", 200, None),
    ("trainee", "history", "/quizzes/intro-quiz/attempts", 200, None),
    ("trainee", "my records", "/records", 200, None),
    ("trainee", "certificate", "/certificates/{code}", 200, None),
    ("trainee", "course with skills", "/courses/certified", 200, None),
    ("trainee", "evaluation with errors", "/courses/certified/evaluation", 200,
     _submit_empty("Send")),
    ("trainee", "join by code", "/school/join", 200, None),
    ("trainee", "join by link", "/school/join/{invite}", 200, None),
    ("trainee", "403 page", "/admin/", 403, None),
    ("newcomer", "attempt, every question type", "/attempts/{open}", 200, None),
    ("newcomer", "timed attempt", "/attempts/{timed}", 200, None),
    ("newcomer", "summary before submitting", "/attempts/{open}/summary", 200, None),
    ("newcomer", "summary of a timed attempt", "/attempts/{timed}/summary", 200, None),
    ("newcomer", "rules with a safety question", "/quizzes/safety-quiz", 200, None),
    ("newcomer", "profile", "/profile", 200, None),
    ("newcomer", "my records, empty", "/records", 200, None),
    ("instructor", "studio", "/author/", 200, None),
    ("instructor", "studio course", "/author/courses/basics", 200, None),
    ("instructor", "studio quiz with a draft", "/author/quizzes/intro-quiz", 200, None),
    ("instructor", "question editor", "/author/quizzes/intro-quiz/questions/signs/edit", 200,
     None),
    ("instructor", "body-map editor", "/author/quizzes/intro-quiz/questions/spot/edit", 200,
     None),
    ("instructor", "new question with errors",
     "/author/quizzes/intro-quiz/questions/new?type=matching", 200,
     _submit_empty("Save in the draft")),
    ("instructor", "preview", "/author/quizzes/intro-quiz/preview", 200, None),
    ("instructor", "settings", "/author/quizzes/intro-quiz/settings", 200, None),
    ("instructor", "versions and changes", "/author/quizzes/intro-quiz/versions", 200, None),
    ("instructor", "item analysis", "/author/quizzes/intro-quiz/analysis", 200, None),
    ("instructor", "import", "/author/quizzes/intro-quiz/import", 200, None),
    ("instructor", "export", "/author/quizzes/intro-quiz/export", 200, None),
    ("instructor", "accommodations", "/author/quizzes/intro-quiz/accommodations", 200, None),
    ("instructor", "new quiz", "/author/courses/basics/quizzes/new", 200, None),
    ("instructor", "lesson editor", "/author/courses/basics/lessons/01-intro/02-holding", 200,
     None),
    ("instructor", "teaching", "/teach/", 200, None),
    ("instructor", "skills roster", "/teach/courses/certified/skills", 200, None),
    ("instructor", "skills of a trainee", "/teach/courses/certified/skills/{tess}", 200, None),
    ("instructor", "evaluation results", "/teach/courses/certified/evaluation", 200, None),
    ("school_admin", "school dashboard", "/school/north/", 200, None),
    ("school_admin", "dashboard filter errors", "/school/north/?since=2026-03-02&until=2026-03-01",
     422, None),
    ("school_admin", "cohort", "/school/north/cohorts/{cohort}", 200, None),
    ("school_admin", "new cohort with errors", "/school/north/cohorts/new", 200,
     _submit_empty("Create cohort")),
    ("school_admin", "API tokens", "/school/north/tokens", 200, None),
    ("school_admin", "expiring certificates", "/certificates/expiring", 200, None),
    ("school_admin", "certificate with revoke form", "/certificates/{code}", 200, None),
    ("admin", "admin", "/admin/", 200, None),
    ("admin", "schools", "/admin/schools", 200, None),
    ("admin", "new school", "/admin/schools/new", 200, None),
    ("admin", "edit school", "/admin/schools/{school}/edit", 200, None),
    ("admin", "users", "/admin/users", 200, None),
    ("admin", "user", "/admin/users/{tess}", 200, None),
    ("admin", "all schools", "/school/", 200, None),
]


@pytest.mark.parametrize(("role", "name", "path", "status", "action"), PAGES,
                         ids=[f"{role}: {name}" for role, name, *_ in PAGES])
def test_key_page_is_accessible_by_keyboard_and_reflows(site, browser, role, name, path,
                                                        status, action):
    context = browser.new_context(storage_state=site.states[role],
                                  viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30000)
    try:
        response = tab.goto(site.base + path.format(**site.ids))
        assert response.status == status, f"{path}: HTTP {response.status}"
        if action:
            action(tab)
        assert_accessible(tab)

        tab.keyboard.press("Tab")  # the first stop is a visible skip link to the content
        skip = tab.locator(".skip-link")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        tab.keyboard.press("Enter")
        expect(tab.locator("main")).to_be_focused()

        tab.set_viewport_size({"width": 640, "height": 800})  # 1280 px at 200 % page zoom
        assert scroll_width(tab) <= 640, f"{path} scrolls sideways at 200 % zoom"
        tab.set_viewport_size({"width": 320, "height": 700})  # the narrowest phone
        assert scroll_width(tab) <= 320, f"{path} scrolls sideways at 320 px"
        assert_accessible(tab)  # scrolling boxes, hidden labels: some problems show only here
        tab.set_viewport_size({"width": 1280, "height": 900})
        context.new_cdp_session(tab).send("Page.setFontSizes", {"fontSizes": TEXT_AT_200})
        assert tab.locator("body").evaluate("el => getComputedStyle(el).fontSize") == "32px"
        assert scroll_width(tab) <= 1280, f"{path} scrolls sideways with text at 200 %"
    finally:
        context.close()


def test_the_body_maps_keyboard_region_is_its_box_not_the_image(site, browser):
    """Arrow keys reach the body map inside a labelled application region: the drawing's box,
    since an image input may not take that role (axe's aria-allowed-role, minor, found before)."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(storage_state=site.states["newcomer"],
                                  viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30000)
    try:
        tab.goto(site.base + "/attempts/{open}".format(**site.ids))
        stage = tab.locator('.hotspot-stage[role="application"]').first
        expect(stage).to_have_attribute("aria-label", re.compile(r"^Body map for question \d+$"))
        expect(stage).to_have_attribute("aria-roledescription", "body map")
        assert tab.locator('.hotspot-image[role]').count() == 0
        found = {v["id"] for v in Axe().run(tab).response["violations"]}
        assert not found & {"aria-allowed-role", "aria-allowed-attr", "aria-prohibited-attr"}, found
    finally:
        context.close()


ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "lessons").glob("*/*/*.md"))  # every lesson of every shipped course,
# and every translation of one (`01-x.es.md`: the same lesson read with the browser asking for es)
PHONE_WIDTHS = (320, 375)


@pytest.fixture(scope="module")
def shipped(_migrated, tmp_path_factory, browser):
    """The shipped courses (lessons/, quizzes/) served, with a trainee enrolled in each."""
    from tpcourse.services.accounts.accounts import create_user
    from tpcourse.services.authoring.content_sync import sync_from_folders
    from tpcourse.services.learning.learning import enroll

    clock = Clock()
    app = served_app(_migrated, tmp_path_factory.mktemp("shipped"), clock)
    try:
        with app.app_context():
            sync_from_folders(ROOT / "lessons", ROOT / "quizzes")
            reader = create_user("reader@example.com", "Rita Reader", PASSWORD, "trainee", None)
            for slug in {path.parents[1].name for path in SHIPPED}:
                enroll(reader, db.session.execute(
                    select(Course.id).filter_by(slug=slug)).scalar_one())
        with serve(app) as base:
            context = browser.new_context()
            log_in(context.new_page(), base, "reader@example.com")
            state = context.storage_state()
            context.close()
            yield base, state
    finally:
        with app.app_context():
            empty_database()


@pytest.mark.parametrize("lesson", SHIPPED, ids=[
    f"{path.parents[1].name}/{path.parent.name}/{path.stem}" for path in SHIPPED])
def test_every_shipped_lesson_fits_a_phone(shipped, browser, lesson):
    """No shipped lesson, in any of its languages, scrolls sideways at 320 or 375 px: wide
    tables scroll in their own labelled, focusable box (axe's scrollable-region-focusable holds
    at 320 px)."""
    base, state = shipped
    slug, _, locale = lesson.stem.partition(".")
    context = browser.new_context(storage_state=state, viewport={"width": 320, "height": 700},
                                  extra_http_headers={"Accept-Language": locale or "en"})
    tab = context.new_page()
    tab.set_default_timeout(30000)
    try:
        path = f"/courses/{lesson.parents[1].name}/{lesson.parent.name}/{slug}"
        assert tab.goto(base + path).status == 200, path
        expect(tab.locator("article.lesson h1")).to_be_visible()
        assert tab.locator("html").get_attribute("lang") == (locale or "en")
        if locale:  # the translation is shown, not the source with a notice
            assert tab.locator(".translation-notice").count() == 0, path
        for width in PHONE_WIDTHS:
            tab.set_viewport_size({"width": width, "height": 700})
            assert scroll_width(tab) <= width, f"{path} scrolls sideways at {width} px"
            for box in tab.locator(".table-scroll").all():  # a table wider than the screen
                assert box.evaluate("el => el.scrollWidth <= el.clientWidth || "
                                    "el.tabIndex === 0")
        assert_accessible(tab)
    finally:
        context.close()
