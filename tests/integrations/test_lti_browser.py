"""In Chromium: an LMS course page shows tpcourse in its iframe after a real launch, and the
trainee starts a quiz there (a CSRF-protected form inside the frame)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests

from tests.browser.conftest import browser  # noqa: F401  (the module's Chromium)
from tests.integrations import lti_steps as lms
from tests.integrations.peers import lti_platform


@pytest.fixture
def lms_world(tool, clock):
    app, base = tool
    with lti_platform(base) as platform:
        lms.register(platform, clock)
        lms.add_users(platform, {"teacher-1": {"name": "Tess Teacher", "roles": lms.INSTRUCTOR},
                                 "learner-1": {"name": "Lee Learner", "roles": lms.LEARNER}})
        lms.place(base, platform, ["quiz/intro-quiz"])
        yield base, platform


def _framed_launch(platform: str, user: str, link: str, target: str = "iframe") -> str:
    spec = {"user": user, "link": link, "html": True, "document_target": target}
    url = requests.post(f"{platform}/control/start", json=spec, timeout=10).json()["url"]
    return f"{platform}/lms?src={quote(url, safe='')}"


def test_a_launch_opens_tpcourse_inside_the_lms_frame_and_its_forms_work(lms_world, browser):  # noqa: F811
    base, platform = lms_world
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "frame-ancestors" in message.text else None)
    page.goto(_framed_launch(platform, "learner-1", lms.link_id(platform, "quiz/intro-quiz")))
    frame = page.frame_locator("#tool")
    frame.get_by_role("heading", name="Introduction quiz").wait_for(timeout=15000)
    assert "Lee Learner" in frame.locator("header").inner_text()
    frame.get_by_role("button", name="Start").first.click()
    frame.locator("form.quiz, form[method=post] fieldset").first.wait_for(timeout=15000)
    assert "/attempts/" in page.frames[1].url
    assert refused == []
    page.close()


def test_a_launch_meant_for_a_new_window_cannot_be_framed(lms_world, browser):  # noqa: F811
    base, platform = lms_world
    page = browser.new_page()
    with page.expect_console_message(lambda message: "frame-ancestors" in message.text,
                                     timeout=15000) as refusal:
        page.goto(_framed_launch(platform, "learner-1",
                                 lms.link_id(platform, "quiz/intro-quiz"), target="window"))
    assert "frame-ancestors 'none'" in refusal.value.text
    page.close()
