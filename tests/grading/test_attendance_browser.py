"""In Chromium on a 375 px phone: an instructor opens a session's register from the course's
sessions, ticks who came and saves, with no sideways scrolling."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import (  # noqa: F401  (fixtures)
    assert_accessible,
    browser,
    live,
    log_in,
    make_account,
    scroll_width,
)
from tests.grading.test_grading_browser import casework
from tpcourse.extensions import db
from tpcourse.models import SessionSignup, User

PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}


def test_attendance_is_taken_on_a_phone(live, browser):  # noqa: F811
    from tpcourse.services.sessions.schedule import schedule_session
    from tpcourse.services.sessions.signups import sign_up

    base, app, clock = live
    casework(app)  # Noor Haddad enrolled, Ina Instructor teaching
    with app.app_context():
        instructor = db.session.execute(select(User).filter_by(email="ina@example.com")).scalar_one()
        noor = db.session.execute(select(User).filter_by(email="noor@example.com")).scalar_one()
        session = schedule_session(instructor, "casework", clock.now + timedelta(hours=2), 150,
                                   "School clinic, room 2", 6, ["pressure-release"], clock.now)
        sign_up(noor, session.id, clock.now)
        session_id = session.id
    phone = browser.new_context(**PHONE).new_page()
    log_in(phone, base, "ina@example.com")
    phone.goto(base + "/teach/courses/casework/sessions")
    phone.get_by_role("link", name="Take attendance").first.click()
    phone.wait_for_url(f"**/teach/sessions/{session_id}/attendance")
    box = phone.get_by_label("Noor Haddad")
    expect(box).to_be_visible()
    size = phone.locator(".attendance-list label").first.bounding_box()
    assert size["height"] >= 44  # a finger-sized target
    assert scroll_width(phone) <= 375
    assert_accessible(phone)
    box.tap()
    phone.get_by_role("button", name="Save attendance").tap()
    expect(phone.locator(".flashes")).to_contain_text("1 attended")
    expect(phone.locator(".attendance-list")).to_contain_text("attended")
    assert scroll_width(phone) <= 375
    with app.app_context():
        assert db.session.execute(select(SessionSignup.attended)).scalar_one() is True
