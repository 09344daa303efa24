"""A renewal in a real browser: an expired certificate, "Renew your certificate", the final exam
again, a second certificate; the first one still verifies and says it was superseded."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import assert_accessible, log_in, make_account
from tests.browser.exam_steps import submit_via_summary
from tests.browser.fill import answer_in_browser
from tests.certification.renewal_steps import sync_basics_with
from tests.certification.steps import complete_basics
from tpcourse.extensions import db
from tpcourse.models import Attempt, CompletionRecord, User


def test_a_trainee_renews_an_expired_certificate_by_the_final_exam(live, browser, page,
                                                                   tmp_path):
    base, app, clock = live
    make_account(app, "rita@example.com", "Rita Renewer")
    with app.app_context():
        holder = db.session.execute(select(User).filter_by(email="rita@example.com")).scalar_one()
        first = complete_basics(holder, clock.now)
        old_code, expires = first.certificate_code, first.expires_at
        sync_basics_with(tmp_path, "renewal: final")
    clock.now = expires + timedelta(days=3)

    log_in(page, base, "rita@example.com")
    page.goto(base + "/records")
    card = page.locator("#renew-basics")
    expect(card).to_contain_text("expired on")
    assert_accessible(page)
    card.locator("a:has-text('Renew your certificate')").click()
    page.wait_for_url("**/courses/basics/renew")
    expect(page.locator("dl.facts")).to_contain_text("Pass the final exam again")
    page.click("a:has-text('Open the quiz basics-final')")
    page.wait_for_url("**/quizzes/basics-final")
    page.click("button:has-text('Start attempt')")
    page.wait_for_url("**/attempts/*")
    attempt_id = page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.quiz_version.data["questions"]  # loaded before the session closes
        db.session.expunge_all()
    answer_in_browser(page, attempt)
    submit_via_summary(page)
    with app.app_context():
        records = db.session.execute(select(CompletionRecord).order_by(CompletionRecord.cycle)
                                     ).scalars().all()
        assert [r.cycle for r in records] == [1, 2] and records[1].renews_id == records[0].id
        new_code = records[1].certificate_code

    page.goto(base + "/records")
    expect(page.locator(f"tr#record-{old_code}")).to_contain_text("superseded")
    expect(page.locator(f"tr#record-{new_code} .badge").first).to_have_text("valid")
    expect(page.locator("#renewals")).to_have_count(0)
    assert_accessible(page)

    visitor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{base}/verify/{old_code}")
    expect(visitor.locator("h1")).to_have_text("Expired certificate")
    expect(visitor.locator(".callout.info")).to_contain_text("a newer certificate exists")
    expect(visitor.locator("body")).not_to_contain_text(new_code)  # the holder did not allow it
    visitor.goto(f"{base}/verify/{new_code}")
    expect(visitor.locator("h1")).to_have_text("Valid certificate")
    expect(visitor.locator("dl.facts")).to_contain_text("Certification cycle")
    assert_accessible(visitor)
    visitor.context.close()
