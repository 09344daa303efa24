"""A school admin enrols a class from a spreadsheet in a real browser: 200 rows, five of them
bad, previewed, confirmed; an invited trainee sets a password and starts; the same file again
changes nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    assert_accessible,
    live,
    log_in,
    make_account,
    page,
)
from tests.conftest import CONTENT
from tests.helpers import link_in, outbox


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only, closed before other browser tests start their own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def _school(app) -> None:
    from sqlalchemy import select

    from tpcourse.extensions import db
    from tpcourse.models import Course
    from tpcourse.models.types import utcnow
    from tpcourse.services.accounts.accounts import ensure_school
    from tpcourse.services.authoring.content_sync import sync_from_folders
    from tpcourse.services.schools.cohorts import create_cohort

    with app.app_context():
        sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
        north = ensure_school("north", "North Massage School")
        basics = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
        create_cohort(north, "Spring 2026", basics.id, None, utcnow())
    make_account(app, "office@north.example.org", "Olga Office", "school_admin", "north")


def _class_list() -> bytes:
    lines = ["Name;Email;Cohort"]
    lines += [f"Trainee {n:03};trainee{n}@class.example.org;Spring 2026" for n in range(195)]
    lines += ["No Email;;Spring 2026", ";nameless@class.example.org;",
              "Bad Address;not-an-email;", "Twin;trainee0@class.example.org;",
              "Lost;lost@class.example.org;No such cohort"]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()  # as Excel saves "CSV UTF-8"


def _upload(tab, base: str, data: bytes) -> None:
    tab.goto(base + "/school/north/people/import")
    tab.set_input_files("input[type=file]", files=[{
        "name": "class.csv", "mimeType": "text/csv", "buffer": data}])
    tab.click("button:has-text('Check the file')")


def test_a_class_is_enrolled_from_a_spreadsheet(live, browser, page):  # noqa: F811
    base, app, _clock = live
    _school(app)
    log_in(page, base, "office@north.example.org")
    _upload(page, base, _class_list())
    expect(page.locator("main")).to_contain_text("195")
    expect(page.locator("main")).to_contain_text("the same email as row 2")
    assert_accessible(page)
    page.click("button:has-text('Confirm and send the invitations')")
    expect(page.locator("main")).to_contain_text("195 accounts created and invited")
    expect(page.locator("main")).to_contain_text("5 rows with problems")

    invitation = next(m for m in outbox(app) if m.to == "trainee7@class.example.org")
    link = link_in(invitation.body, "/welcome/")
    trainee = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    trainee.goto(base + link)
    expect(trainee.locator("main")).to_contain_text("Trainee 007")
    trainee.fill("#password", "a trainee's own password")
    trainee.fill("#confirm", "a trainee's own password")
    trainee.click("button:has-text('Set my password')")
    trainee.wait_for_url(lambda url: "/welcome/" not in url)
    trainee.goto(base + "/courses/basics")
    expect(trainee.locator("main")).to_contain_text("Basics of Pressure Work")
    trainee.context.close()

    _upload(page, base, _class_list())
    expect(page.locator("main")).to_contain_text("Nothing to change")
    assert page.locator("button:has-text('Confirm and send the invitations')").count() == 0
    assert sum(1 for m in outbox(app) if "account is ready" in m.subject) == 195
