"""Steps of an LMS session, as a browser makes them against the platform peer and tpcourse."""

from __future__ import annotations

from urllib.parse import urljoin

import requests

from tests.integrations.peers import browser, csrf_of, forms_of
from tpcourse.integrations.lti.registrations import PlatformForm, save_platform
from tpcourse.services.accounts.accounts import ensure_school

LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LEARNER = [LIS + "Learner"]
INSTRUCTOR = [LIS + "Instructor"]


def register(platform: str, clock, school: str = "north"):
    """Register the platform peer for a school, as its admin would on the set-up page."""
    owner = ensure_school(school, school.title())
    return save_platform(owner, None, PlatformForm(
        "Test LMS", platform, "tpcourse-client", ["deployment-1"], f"{platform}/auth",
        f"{platform}/token", f"{platform}/jwks"), "user:test", clock())


def add_users(platform: str, users: dict) -> None:
    """Put people in the LMS course: {sub: {"name": ..., "roles": [...]}}."""
    requests.post(f"{platform}/control/users", json=users, timeout=10).raise_for_status()


def start(platform: str, browser: requests.Session, **spec) -> tuple[requests.Response, dict]:
    """Launch as the platform would: login initiation, the platform's auth answer; returns the
    tool's answer to the launch POST and the fields posted."""
    url = requests.post(f"{platform}/control/start", json=spec, timeout=10).json()["url"]
    to_platform = browser.get(url, allow_redirects=False, timeout=10)
    assert to_platform.status_code == 302, to_platform.text
    answer = browser.get(to_platform.headers["Location"], allow_redirects=False, timeout=10)
    assert answer.status_code == 200, answer.text
    fields = answer.json()
    posted = {"id_token": fields["id_token"], "state": fields["state"]}
    return browser.post(fields["launch_url"], data=posted, allow_redirects=False,
                        timeout=10), posted


def follow(base: str, browser: requests.Session, response: requests.Response):
    """Follow a tool redirect inside tpcourse."""
    return browser.get(urljoin(base, response.headers["Location"]), timeout=10)


def platform_state(platform: str) -> dict:
    """What the LMS holds: line items, scores, links, deep-linked items."""
    return requests.get(f"{platform}/control/state", timeout=10).json()


def place(base, platform, targets: list[str]) -> list[dict]:
    """An LMS instructor deep-links tpcourse content; returns the LMS's new links."""
    teacher = browser()
    response, _ = start(platform, teacher, user="teacher-1", kind="deeplink")
    assert response.status_code == 302 and response.headers["Location"].endswith("/lti/deep-link")
    picker = follow(base, teacher, response)
    assert picker.status_code == 200 and "quiz/intro-quiz" in picker.text
    signed = teacher.post(picker.url, data={"csrf_token": csrf_of(picker.text),
                                            "target": targets}, timeout=10)
    assert signed.status_code == 200, signed.text
    assert f"form-action 'self' {platform}" in signed.headers["Content-Security-Policy"]
    form = next(f for f in forms_of(signed.text) if f["action"].endswith("/deep_link_return"))
    assert form["action"] == f"{platform}/deep_link_return"
    returned = teacher.post(form["action"], data=form["fields"], timeout=10)
    assert returned.status_code == 200, returned.text
    return returned.json()["items"]


def link_id(platform, target: str) -> str:
    return next(rlid for rlid, link in platform_state(platform)["links"].items()
                if link["custom"].get("target") == target)
