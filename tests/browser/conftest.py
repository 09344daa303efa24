"""A live server on 127.0.0.1 and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from tests.conftest import CONTENT, PASSWORD, Clock, empty_database, make_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module (Playwright's sync API allows one running loop at a time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def served_app(database_url: str, instance, clock: Clock):
    """An app as a browser meets it (CSRF on, plain-HTTP cookies), with the fixture course."""
    from tpcourse.services.authoring.content_sync import sync_from_folders

    app = make_app(database_url, instance, TPCOURSE_NOW=clock, WTF_CSRF_ENABLED=True,
                   SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False,
                   SERVER_NAME=None)
    with app.app_context():
        sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
    return app


@pytest.fixture
def live(_migrated, tmp_path):
    """Serve a fresh app over the test database on a free port; yields (base_url, app, clock)."""
    clock = Clock()
    app = served_app(_migrated, tmp_path, clock)
    try:
        with serve(app) as base:
            yield base, app, clock
    finally:
        with app.app_context():
            empty_database()


@contextmanager
def serve(app):
    """Serve `app` with werkzeug on a free port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def assert_accessible(page) -> None:
    """Run axe-core on the page: no serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    details = "\n".join(f"{v['id']} ({v['impact']}): {v['help']} — "
                        f"{[n['target'] for n in v['nodes']][:3]}" for v in bad)
    assert not bad, f"{page.url}\n{details}"


def make_account(app, email: str, name: str, role: str = "trainee", school: str | None = None):
    """Create an account through the service (password PASSWORD); return its id."""
    from tpcourse.services.accounts.accounts import create_user

    with app.app_context():
        return create_user(email, name, PASSWORD, role, school).id


def log_in(tab, base: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the form and wait until the app has redirected away from it."""
    tab.goto(base + "/login")
    tab.fill("#email", email)
    tab.fill("#password", password)
    tab.click("button:has-text('Log in')")
    tab.wait_for_url(lambda url: "/login" not in url)


def scroll_width(tab) -> int:
    """Return how wide the page's content is, in CSS pixels (more than the viewport: it scrolls)."""
    return tab.evaluate("document.documentElement.scrollWidth")
