"""A school admin's journey in a real browser: cohort, invite, a trainee joins, CSV export."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, log_in, make_account
from tpcourse.extensions import db
from tpcourse.models import Cohort, Enrollment
from tpcourse.services.accounts.accounts import ensure_school


def test_an_admin_creates_a_cohort_a_trainee_joins_by_link_and_the_csv_lists_them(
        live, browser, page):
    base, app, _clock = live
    with app.app_context():
        ensure_school("lakeside", "Lakeside Massage School")
    make_account(app, "head@lakeside.example", "Hana Head", "school_admin", "lakeside")
    trainee_id = make_account(app, "tomas@example.com", "Tomás Ortega")

    log_in(page, base, "head@lakeside.example")
    page.click("nav >> text=School")
    page.wait_for_url("**/school/lakeside/")
    expect(page.locator("main")).to_contain_text("No cohorts yet")
    assert_accessible(page)

    page.click("a.button:has-text('New cohort')")
    page.click("button:has-text('Create cohort')")  # no name: the error is beside the field
    expect(page.locator(".error-summary a[href='#name']")).to_be_visible()
    page.fill("#name", "Evening group")
    page.select_option("#course", label="Basics of Pressure Work")
    page.click("button:has-text('Create cohort')")
    page.wait_for_url("**/school/lakeside/cohorts/*")
    expect(page.locator(".flashes")).to_contain_text("Evening group' created")
    assert_accessible(page)
    link = page.input_value("#invite-link")
    code = page.inner_text("code.invite-code")
    assert link == f"{base}/school/join/{code}"

    trainee = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    trainee.goto(link)  # not logged in yet: the invitation offers to log in or register
    expect(trainee.locator("h1")).to_have_text("Join Evening group")
    assert_accessible(trainee)
    trainee.click("main a.button:has-text('Log in')")
    trainee.wait_for_url(lambda url: "/login?next=" in url)
    trainee.fill("#email", "tomas@example.com")
    trainee.fill("#password", "correct horse battery")
    trainee.click("button:has-text('Log in')")  # and lands in the cohort at once
    trainee.wait_for_url(base + "/courses/basics")
    expect(trainee.locator(".flashes")).to_contain_text("You joined Evening group")
    trainee.context.close()
    with app.app_context():
        enrolment = db.session.execute(select(Enrollment).filter_by(user_id=trainee_id)
                                       ).scalar_one()
        cohort = db.session.execute(select(Cohort).filter_by(name="Evening group")).scalar_one()
        assert enrolment.cohort_id == cohort.id

    page.reload()
    expect(page.locator(".roster tbody tr", has_text="Tomás Ortega")).to_be_visible()
    page.click(".breadcrumbs >> text=Lakeside Massage School")
    page.wait_for_url("**/school/lakeside/")
    expect(page.locator(".roster tbody tr", has_text="tomas@example.com")).to_be_visible()
    expect(page.locator(".card", has_text="Evening group")).to_contain_text("1 trainee")
    assert_accessible(page)

    page.select_option("#export-format", "csv")
    with page.expect_download() as info:
        page.click("#export-heading ~ form button:has-text('Download')")
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    assert [(r["name"], r["email"], r["cohort"], r["course"], r["completed_at"]) for r in rows] \
        == [("Tomás Ortega", "tomas@example.com", "Evening group", "Basics of Pressure Work", "")]

    page.reload()  # the finished download is listed with its signature
    expect(page.locator("table.data code", has_text=download.suggested_filename)).to_be_visible()
    assert_accessible(page)
