"""Write the screenshots of docs/integrations.md: tpcourse's side of an LMS and a school login.

    python scripts/integration_screenshots.py [--out docs/screenshots]

Builds a throwaway site (temporary folder, its own SQLite database, the shipped course), starts
the test LMS (tests/integrations/lti_platform, the `lti1p3platform` package) beside it, and walks
through the set-up with Debian's Chromium through Playwright: the school admin's page, a
registration, the school login, the login page, the deep-linking picker and a quiz inside the
LMS's frame, and an LMS link's page after a score went back. Nothing is downloaded; not part of
the test run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "screenshots only"
QUIZ = "quiz/locating-trigger-points"


def make_app(instance: Path):
    """The app over a SQLite file in `instance`, plain HTTP on localhost."""
    os.environ.update(SECRET_KEY=secrets.token_hex(32), TPCOURSE_SECURE_COOKIES="false",
                      DATABASE_URL=f"sqlite:///{instance / 'site.sqlite3'}")
    from tpcourse import create_app

    app = create_app({"TPCOURSE_LESSONS_DIR": str(ROOT / "lessons"),
                      "TPCOURSE_QUIZZES_DIR": str(ROOT / "quizzes"),
                      "RATELIMIT_STORAGE_URI": "memory://", "TPCOURSE_SIGNING_KEY": None})
    app.instance_path = str(instance)
    return app


def seed(platform: str, now: datetime) -> dict[str, int]:
    """The school, its admin, its LMS registration and school login."""
    from flask_migrate import upgrade

    from tpcourse.integrations.lti.registrations import PlatformForm, save_platform
    from tpcourse.integrations.sso.providers import ProviderForm, save_provider
    from tpcourse.services.accounts.accounts import create_user, ensure_school
    from tpcourse.services.authoring.content_sync import sync_from_folders

    upgrade()
    sync_from_folders(ROOT / "lessons", ROOT / "quizzes")
    school = ensure_school("northside", "Northside Massage School")
    create_user("admin@northside.example", "Nora Admin", PASSWORD, "school_admin", "northside")
    lms = save_platform(school, None, PlatformForm(
        "Northside Moodle", platform, "tpcourse-client", ["deployment-1"], f"{platform}/auth",
        f"{platform}/token", f"{platform}/jwks"), "user:screenshots", now)
    login = save_provider(school, None, ProviderForm(
        "Northside ID", "https://id.northside.example", "tpcourse",
        "env:NORTHSIDE_OIDC_SECRET", "https://id.northside.example/oauth2/authorize",
        "https://id.northside.example/oauth2/token", "https://id.northside.example/oauth2/keys",
        create_accounts=True), {"SECRET_KEY": "unused"}, "user:screenshots", now)
    return {"platform": lms.id, "provider": login.id}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    import requests
    from playwright.sync_api import sync_playwright

    from tests.helpers import answer_form
    from tests.integrations import lti_steps as lms
    from tests.integrations.peers import free_port, lti_platform, served, wait_for
    from tpcourse.extensions import db
    from tpcourse.models import Attempt
    from tpcourse.models.integrations import LtiScoreSent

    written = []
    with tempfile.TemporaryDirectory(prefix="tpcourse-integrations-") as folder:
        app, port = make_app(Path(folder)), free_port()
        with app.app_context(), served(app, port) as base, lti_platform(base) as platform, \
                sync_playwright() as playwright:
            ids = seed(platform, datetime.now(UTC))
            lms.add_users(platform, {
                "teacher-1": {"name": "Tess Teacher", "roles": lms.INSTRUCTOR},
                "learner-1": {"name": "Lee Learner", "roles": lms.LEARNER},
                "learner-2": {"name": "Lou Learner", "roles": lms.LEARNER}})
            chromium = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                args=["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"])

            def shot(page, name: str, full: bool = True) -> None:
                path = args.out / f"integrations-{name}.png"
                page.screenshot(path=str(path), full_page=full)
                written.append(path)

            admin = chromium.new_page(viewport={"width": 1280, "height": 900})
            admin.goto(f"{base}/login")
            admin.fill("#email", "admin@northside.example")
            admin.fill("#password", PASSWORD)
            admin.click("button[type=submit]")
            admin.goto(f"{base}/school/northside/integrations/lti/{ids['platform']}")
            shot(admin, "register-lms")
            admin.goto(f"{base}/school/northside/integrations/sso/{ids['provider']}")
            shot(admin, "school-login")
            visitor = chromium.new_page(viewport={"width": 1280, "height": 800})
            visitor.goto(f"{base}/login")
            shot(visitor, "login-page")

            def framed(spec: dict) -> str:
                url = requests.post(f"{platform}/control/start", timeout=10,
                                    json={**spec, "html": True, "document_target": "iframe"})
                return f"{platform}/lms?src={quote(url.json()['url'], safe='')}"

            teacher = chromium.new_page(viewport={"width": 1280, "height": 900})
            teacher.goto(framed({"user": "teacher-1", "kind": "deeplink"}))
            picker = teacher.frame_locator("#tool")
            picker.get_by_role("heading", name="Place tpcourse content in your LMS").wait_for()
            shot(teacher, "deep-link-picker", full=False)
            picker.locator(f"input[value='{QUIZ}']").check()
            picker.get_by_role("button", name="Add to my LMS course").click()
            wait_for(lambda: lms.platform_state(platform)["deep_link_items"])
            link = lms.link_id(platform, QUIZ)

            learner = chromium.new_page(viewport={"width": 1280, "height": 900})
            learner.goto(framed({"user": "learner-1", "link": link}))
            learner.frame_locator("#tool").get_by_role("button", name="Start").first.wait_for()
            shot(learner, "quiz-in-lms-frame", full=False)

            person = requests.Session()  # the learner takes the quiz: the score goes back
            response, _ = lms.start(platform, person, user="learner-1", link=link)
            overview = lms.follow(base, person, response)
            token = overview.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            started = person.post(f"{base}/quizzes/{QUIZ.split('/')[1]}/start",
                                  data={"csrf_token": token}, allow_redirects=False)
            attempt_id = started.headers["Location"].rsplit("/", 1)[1]
            page = person.get(f"{base}/attempts/{attempt_id}")
            token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
            db.session.remove()
            form = answer_form(db.session.get(Attempt, attempt_id))
            person.post(f"{base}/attempts/{attempt_id}", data={**form, "csrf_token": token})

            def score_row():
                db.session.remove()
                return db.session.query(LtiScoreSent).first()
            wait_for(score_row)
            teacher.goto(framed({"user": "teacher-1", "link": link}))  # lands on the link page
            teacher.frame_locator("#tool").get_by_role("button", name="Sync the roster").wait_for()
            teacher.frame_locator("#tool").get_by_role("button", name="Sync the roster").click()
            teacher.frame_locator("#tool").get_by_text("Roster synced").wait_for()
            shot(teacher, "lms-link", full=False)
            admin.goto(f"{base}/school/northside/integrations")
            shot(admin, "school-page")
            chromium.close()
    for path in written:
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
