"""The strict Content-Security-Policy breaks nothing: a trainee's journey in Chromium with the
policy on, without a single violation, and the quiz enhancements still run."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.exam_steps import submit_via_summary
from tests.browser.fill import register_in_browser
from tests.conftest import CONTENT, Clock, empty_database, make_app
from tests.security.inert import PAYLOADS


@pytest.fixture
def secured(_migrated, tmp_path):
    """A live server (create_app sends the security headers), over the test database."""
    clock = Clock()
    app = make_app(_migrated, tmp_path, TPCOURSE_NOW=clock, WTF_CSRF_ENABLED=True,
                   SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False, SERVER_NAME=None)
    with app.app_context():
        from tpcourse.services.authoring.content_sync import sync_from_folders

        sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            empty_database()


@pytest.fixture
def watched_page():
    """A Chromium page that records every console error and page error."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 375, "height": 800})
        page.set_default_timeout(30000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, errors
        browser.close()


def test_journey_under_the_policy_has_no_violation(secured, watched_page):
    from tpcourse.extensions import db
    from tpcourse.models import Attempt

    base, app = secured
    page, errors = watched_page
    # a hostile name rides along on every page
    register_in_browser(page, base, app, PAYLOADS[1], "csp@example.com", "a long enough password")
    page.click("button:has-text('Enrol')")
    page.goto(base + "/courses/basics/01-intro/01-welcome")  # has a <script> in its Markdown
    page.goto(base + "/quizzes/intro-quiz")
    page.click("button:has-text('Start attempt')")
    page.wait_for_url("**/attempts/*")
    with app.app_context():
        attempt = db.session.get(Attempt, page.url.rsplit("/", 1)[-1])
        db.session.expunge_all()
    # quiz.js marks the body map as an application once it runs: it is allowed to run.
    # (A selector wait: Playwright's string predicates are eval'd, which the policy forbids.)
    page.locator(".hotspot-stage[role=application] .hotspot-image").first.wait_for()
    marker = page.locator(".hotspot-marker").first
    assert marker.is_hidden()
    page.locator(".hotspot-image").first.click(position={"x": 20, "y": 20})
    assert marker.is_visible()  # quiz.js ran: scripts from /static are allowed
    assert page.input_value(".hotspot-x") != ""
    assert attempt.status == "in_progress"
    # The other questions left blank: the summary page and its confirmation dialog (quiz.js,
    # allowed by the policy) stand between the trainee and the grade.
    submit_via_summary(page)
    assert page.locator("svg.hotspot-review").first.is_visible()
    for path in ("/records", "/verify", "/password/forgot", "/courses/basics"):
        page.goto(base + path)
    violations = [e for e in errors if "Content Security Policy" in e or "Refused" in e]
    assert not violations, violations
    assert not errors, errors
