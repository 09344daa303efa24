"""Write screenshots of tpcourse's key pages, at desktop and phone widths, to docs/screenshots/.

    python scripts/screenshots.py [--out docs/screenshots]

It builds a throwaway demo (the `demo` command's setup plus trainees at several stages, made
through the services) in a temporary folder with its own SQLite database — your instance/ is
never touched — serves it with werkzeug on a free port and photographs it with Debian's
Chromium through Playwright. Nothing is downloaded. Not part of the test run.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.helpers.answer_form, which answers a drawn attempt

COURSE = "trigger-point-foundations"
QUIZZES = ("locating-trigger-points", "applying-pressure", "avoiding-injured-areas",
           "aftercare-and-scope", "trigger-point-final")
PASSWORD = "screenshots only"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
TRAINEES = (  # email, name, lessons read, quizzes passed
    ("priya@example.org", "Priya Patel", 8, 1),
    ("marcus@example.org", "Marcus Webb", 3, 0),
    ("lena@example.org", "Lena Fischer", 13, 2),
    ("omar@example.org", "Omar Haddad", 0, 0),
    ("jamal@example.org", "Jamal Reyes", 999, 4),  # every lesson, all but the final exam
)


def make_app(instance: Path):
    """Create the app over a SQLite file in `instance`, with the settings it would read."""
    # Set before create_app: otherwise it would make a secret key in the project's instance/.
    os.environ.update(SECRET_KEY=secrets.token_hex(32), TPCOURSE_SECURE_COOKIES="false",
                      DATABASE_URL=f"sqlite:///{instance / 'demo.sqlite3'}")
    from tpcourse import create_app

    app = create_app({"TPCOURSE_LESSONS_DIR": str(ROOT / "lessons"),
                      "TPCOURSE_QUIZZES_DIR": str(ROOT / "quizzes"),
                      "RATELIMIT_STORAGE_URI": "memory://", "TPCOURSE_SIGNING_KEY": None})
    app.instance_path = str(instance)
    return app


def pass_quiz(user, slug: str, now: datetime) -> None:
    """Start an attempt and submit the key answer to every drawn question."""
    from tests.helpers import answer_form
    from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt

    attempt = start_attempt(user, *get_quiz(slug), now)
    form = {k: v if isinstance(v, list) else [v] for k, v in answer_form(attempt).items()}
    submit_attempt(attempt.id, user, form, now + timedelta(minutes=12))


def seed(now: datetime) -> dict[str, str]:
    """Add a cohort, trainees at several stages and a certificate; return the demo logins."""
    from sqlalchemy import select

    from tpcourse.extensions import db
    from tpcourse.models import Course, Lesson, Module, School
    from tpcourse.services.accounts.accounts import create_user, find_user_by_email
    from tpcourse.services.certification.evaluation import submit_evaluation
    from tpcourse.services.certification.skills import sign_off
    from tpcourse.services.learning.learning import current_version, mark_lesson_read
    from tpcourse.services.platform.demo import DEMO_ACCOUNTS, DEMO_SCHOOL
    from tpcourse.services.schools import cohorts

    version = current_version(COURSE)
    lessons = [f"{m}/{lesson}" for m, lesson in db.session.execute(
        select(Module.slug, Lesson.slug).join(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_version_id == version.id).order_by(Module.position, Lesson.position))]
    course = db.session.execute(select(Course).filter_by(slug=COURSE)).scalar_one()
    school = db.session.execute(select(School).filter_by(slug=DEMO_SCHOOL)).scalar_one()
    cohort = cohorts.create_cohort(school, "Spring 2026 evenings", course.id, None, now)
    tess, instructor = (find_user_by_email(DEMO_ACCOUNTS[i][1]) for i in (0, 1))
    people = [(tess, len(lessons), len(QUIZZES))] + [
        (create_user(email, name, PASSWORD, "trainee", None), read, passed)
        for email, name, read, passed in TRAINEES]
    for user, read, passed in people:
        cohorts.join_cohort(user, cohort.invite_code, now)
        for key in lessons[:read]:
            mark_lesson_read(user, course.id, key, now)
        for slug in QUIZZES[:passed]:
            pass_quiz(user, slug, now)
    jamal = find_user_by_email(TRAINEES[4][0])  # signed off and evaluated: the final completes
    for trainee in (tess, jamal):
        for skill in version.practical_skills:
            sign_off(instructor, COURSE, trainee.id, skill["key"], now.date(),
                     "Confident and careful.", now)
        submit_evaluation(trainee, COURSE, {"objectives-met": "5", "useful-in-practice": "5",
                                            "practical-fair": "4", "change-in-practice":
                                            "Check in about pressure every few breaths.",
                                            "improve": ""}, now)
    return {"trainee": tess.email, "instructor": instructor.email,
            "school_admin": DEMO_ACCOUNTS[2][1], "priya": TRAINEES[0][0],
            "marcus": TRAINEES[1][0], "jamal": jamal.email}


class Camera:
    """Logged-in browser tabs and a folder of PNGs."""

    def __init__(self, browser, base: str, out: Path, passwords: dict[str, str], app) -> None:
        self.browser, self.base, self.out, self.passwords = browser, base, out, passwords
        self.app = app  # to read an attempt's draw, so the key answers can be clicked
        self.written: list[Path] = []

    @contextmanager
    def tab(self, email: str | None, viewport: dict, scale: float = 1) -> Iterator:
        """Open a fresh context (logged in as `email` if given) and yield its page."""
        context = self.browser.new_context(viewport=viewport, device_scale_factor=scale)
        page = context.new_page()
        if email:
            page.goto(self.base + "/login")
            page.fill("#email", email)
            page.fill("#password", self.passwords.get(email, PASSWORD))
            page.click("button:has-text('Log in')")
            page.wait_for_url(lambda url: "/login" not in url)
        try:
            yield page
        finally:
            context.close()

    def shoot(self, page, name: str, path: str | None = None, full_page: bool = False) -> None:
        """Open `path` (if given) and save the page as `name`.png."""
        if path is not None:
            page.goto(self.base + path)
        page.mouse.move(0, 0)  # no hover styles on whatever sits under the pointer
        target = self.out / f"{name}.png"
        page.screenshot(path=str(target), full_page=full_page, animations="disabled",
                        caret="hide")
        self.written.append(target)


def mark_body_map(page) -> None:
    """Scroll to the first body-map question and click a point on it."""
    question = page.locator("fieldset.question", has=page.locator(".hotspot")).first
    image = question.locator(".hotspot-stage[role='application'] .hotspot-image")  # quiz.js ran
    image.wait_for()
    question.evaluate("el => el.scrollIntoView({block: 'start'})")
    box = image.bounding_box()
    image.click(position={"x": box["width"] * 0.42, "y": box["height"] * 0.3})


def answer_attempt(camera: Camera, page) -> None:
    """Answer every question of the attempt open in `page` with its key, as a trainee would."""
    from tests.browser.fill import answer_in_browser
    from tpcourse.extensions import db
    from tpcourse.models import Attempt

    with camera.app.app_context():
        attempt = db.session.get(Attempt, page.url.split("?")[0].rsplit("/", 1)[-1])
        db.session.expunge_all()
    answer_in_browser(page, attempt)


def photograph(camera: Camera, logins: dict[str, str]) -> None:
    """Take every screenshot."""
    course = f"/courses/{COURSE}"
    lesson = f"{course}/01-locating-trigger-points/03-flat-and-pincer-palpation"
    with camera.tab(logins["priya"], DESKTOP) as page:
        camera.shoot(page, "desktop-catalogue", "/")
        camera.shoot(page, "desktop-course", course, full_page=True)
        camera.shoot(page, "desktop-lesson", lesson)
        page.goto(camera.base + f"/quizzes/{QUIZZES[0]}/attempts")
        page.click("a:has-text('Result')")
        camera.shoot(page, "desktop-result")
    with camera.tab(logins["marcus"], DESKTOP) as page:
        camera.shoot(page, "desktop-quiz-rules", f"/quizzes/{QUIZZES[-1]}")
        page.goto(camera.base + f"/quizzes/{QUIZZES[0]}")
        page.click("button:has-text('Start attempt'), button:has-text('Resume')")
        page.locator("#q2-box .flag-toggle input").check()  # flagged in the navigator too
        mark_body_map(page)
        camera.shoot(page, "desktop-quiz-body-map")
    with camera.tab(logins["jamal"], DESKTOP) as page:
        page.goto(camera.base + f"/quizzes/{QUIZZES[-1]}")
        page.click("button:has-text('Start attempt'), button:has-text('Resume')")
        answer_attempt(camera, page)
        page.click("button:has-text('Review and submit')")
        page.wait_for_url("**/summary")
        camera.shoot(page, "desktop-summary", full_page=True)
        page.click("form.finish-form button:has-text('Submit all and finish')")
        camera.shoot(page, "desktop-summary-confirm")
        page.click("dialog .confirm-submit")
        page.wait_for_url("**/result")
        camera.shoot(page, "desktop-result-course-complete")
    with camera.tab(logins["trainee"], DESKTOP) as page:
        camera.shoot(page, "desktop-records", "/records")
        code = page.locator("table.data code").first.inner_text()
    with camera.tab(None, DESKTOP) as page:
        camera.shoot(page, "desktop-verify", f"/verify/{code}")
    with camera.tab(logins["school_admin"], DESKTOP) as page:
        page.request.get(camera.base + "/school/demo-school/export?format=csv").body()
        camera.shoot(page, "desktop-school-dashboard", "/school/demo-school/", full_page=True)
    with camera.tab(logins["instructor"], DESKTOP) as page:
        page.goto(camera.base + f"/author/quizzes/{QUIZZES[0]}")
        page.locator(".question-row", has_text="hotspot").first.locator("a",
                                                                        has_text="Edit").click()
        camera.shoot(page, "desktop-studio-body-map-editor")
    with camera.tab(logins["priya"], PHONE, scale=2) as page:
        camera.shoot(page, "phone-course", course)
        camera.shoot(page, "phone-lesson", lesson)
    with camera.tab(logins["marcus"], PHONE, scale=2) as page:
        page.goto(camera.base + f"/quizzes/{QUIZZES[0]}")
        page.click("button:has-text('Start attempt'), button:has-text('Resume')")
        mark_body_map(page)
        camera.shoot(page, "phone-quiz-body-map")
        page.click("button:has-text('Review and submit')")
        page.wait_for_url("**/summary")
        camera.shoot(page, "phone-summary")
    with camera.tab(logins["trainee"], PHONE, scale=2) as page:
        camera.shoot(page, "phone-records", "/records")


def main() -> None:
    """Build the demo, serve it and write the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import serve  # the browser tests' live server
    from tpcourse.services.platform.demo import prepare_demo

    with tempfile.TemporaryDirectory(prefix="tpcourse-screenshots-") as folder:
        app = make_app(Path(folder))
        with app.app_context():
            accounts = prepare_demo(ROOT / "lessons", ROOT / "quizzes")
            logins = seed(datetime.now(UTC) - timedelta(days=3))
        passwords = {email: password for _role, email, password in accounts}
        with serve(app) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                args=["--no-sandbox", "--disable-gpu", "--font-render-hinting=none"])
            camera = Camera(browser, base, args.out, passwords, app)
            photograph(camera, logins)
            browser.close()
    for path in camera.written:
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
              f"  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
