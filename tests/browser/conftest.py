"""A live server on 127.0.0.1 and headless Debian Chromium driven by Playwright."""

from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import CONTENT, Clock, empty_database, make_app

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


@pytest.fixture
def live(_migrated, tmp_path):
    """Serve a fresh app over the test database on a free port; yields (base_url, app, clock)."""
    clock = Clock()
    app = make_app(_migrated, tmp_path, TPCOURSE_NOW=clock, WTF_CSRF_ENABLED=True,
                   SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False,
                   SERVER_NAME=None)
    with app.app_context():
        from tpcourse.services.content_sync import sync_from_folders

        sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app, clock
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            empty_database()


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
