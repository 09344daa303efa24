"""One world for the route access matrix: a user per role, and an object for every path part.

Two schools: north (school A) and south (school B), each with a school admin and a cohort on
the course `basics`. `trainee` (north) joined north's cohort, completed `basics` (certificate),
has an open attempt on `intro-quiz` and is enrolled in `certified`; `other_trainee` (south)
joined south's cohort only. `instructor` teaches `basics` and `certified`; `other_instructor`
teaches `other-course` only. North has an API token, a finished export and an accommodation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import Table, select
from werkzeug.test import TestResponse

from tests.conftest import CONTENT, PASSWORD, Clock
from tests.schools.conftest import complete_course
from tpcourse.extensions import db
from tpcourse.integrations.webhooks import endpoints as webhook_endpoints
from tpcourse.models import (
    Accommodation,
    Course,
    CourseInstructor,
    School,
    SkillSignoff,
    User,
    WebhookDelivery,
)
from tpcourse.services.accounts.accounts import create_user, ensure_school
from tpcourse.services.accounts.invitations import create_invited, make_invitation_token
from tpcourse.services.accounts.password_reset import make_reset_token
from tpcourse.services.accounts.registration import make_registration_token
from tpcourse.services.authoring import lessons, quizzes
from tpcourse.services.authoring.content_sync import sync_from_folders
from tpcourse.services.certification.completion import records_of
from tpcourse.services.exams.attempts import attempts_of, get_quiz, start_attempt
from tpcourse.services.learning.learning import enroll
from tpcourse.services.notifications.notices import unsubscribe_token
from tpcourse.services.records import signing_keys
from tpcourse.services.schools import cohorts, export_jobs, exports, tokens

ROLES = ("anonymous", "other_trainee", "trainee", "other_instructor", "instructor",
         "other_school_admin", "school_admin", "admin")
CERTIFIED = Path(__file__).parents[1] / "certification" / "fixtures"
CASEWORK = Path(__file__).parents[1] / "grading" / "fixtures"  # a quiz with essays (issue 25)
# A refused request changes nothing; after any other POST the world is put back as it was.
REFUSED = {400, 401, 403, 404, 405, 409}
OTHER_COURSE = {
    "other-course/course.yaml": "slug: other-course\ntitle: Another Course\nsummary: Taught by "
                                "someone else.\nce_hours: 0\nmodules: [01-only]\n",
    "other-course/01-only/module.yaml": "title: Only\nobjectives:\n  OTH-1: Something else.\n",
    "other-course/01-only/01-page.md": "---\ntitle: Page\nminutes: 1\nobjectives: [OTH-1]\n---\n"
                                      "Text.\n",
}


@dataclass
class World:
    """The app, each role's session cookie, the path values, and a snapshot to roll back to."""

    app: Flask
    values: dict[str, str] = field(default_factory=dict)
    schools: dict[str, str] = field(default_factory=dict)  # role -> own school's slug
    cookies: dict[str, str] = field(default_factory=dict)
    snapshot: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)

    def url(self, path: str, role: str, school: str | None = None) -> str:
        """Fill a path template: `{school}` is the role's own school, the rest are fixed."""
        return path.format(**self.values, school=school or self.schools.get(role, "north"))

    def request(self, role: str, method: str, url: str) -> TestResponse:
        """Send one request as the role (a fresh client with the role's session cookie)."""
        client = self.app.test_client()
        if role != "anonymous":
            client.set_cookie(self.app.config["SESSION_COOKIE_NAME"], self.cookies[role],
                              domain=self.app.config["SERVER_NAME"])
        response = client.open(url, method=method, data={} if method == "POST" else None)
        response.get_data()  # run streamed bodies to the end
        response.close()
        if method == "POST" and not _refused(response):
            self.roll_back()
        return response

    def take_snapshot(self) -> None:
        """Remember every row of every table."""
        with self.app.app_context(), db.engine.connect() as conn:
            self.snapshot = {table: [dict(row._mapping) for row in conn.execute(table.select())]
                             for table in db.metadata.sorted_tables}

    def roll_back(self) -> None:
        """Put every table back as the snapshot has it."""
        with self.app.app_context():
            db.session.remove()
            with db.engine.begin() as conn:
                for table in reversed(db.metadata.sorted_tables):
                    conn.execute(table.delete())
                for table, rows in self.snapshot.items():
                    if rows:
                        conn.execute(table.insert(), rows)


def _refused(response: TestResponse) -> bool:
    """Whether the response refused the request (an error, or "log in first")."""
    return response.status_code in REFUSED or (
        response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login")


def write_other_course(folder: Path) -> Path:
    """Write a one-lesson course for the instructor of another course; return its lessons dir."""
    for name, text in OTHER_COURSE.items():
        (folder / "lessons" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "lessons" / name).write_text(text)
    (folder / "quizzes").mkdir()
    return folder


def build_world(app: Flask, folder: Path, clock: Clock) -> World:
    """Create the users and objects (through the services), log every role in, snapshot."""
    world = World(app)
    with app.app_context(), pytest.MonkeyPatch.context() as patch:
        patch.setattr("tpcourse.services.accounts.accounts.generate_password_hash", _fast_hash)
        sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
        sync_from_folders(CERTIFIED / "lessons", CERTIFIED / "quizzes")
        sync_from_folders(CASEWORK / "lessons", CASEWORK / "quizzes")
        other = write_other_course(folder)
        sync_from_folders(other / "lessons", other / "quizzes")
        users, courses = _people(world, clock)
        _objects(world, users, courses, clock)
        emails = {role: user.email for role, user in users.items()}
        db.session.remove()
    for role, email in emails.items():
        world.cookies[role] = _log_in(app, email)
    world.take_snapshot()
    return world


def _fast_hash(password: str) -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password, "pbkdf2:sha256:1")


def _people(world: World, clock: Clock) -> tuple[dict[str, User], dict[str, int]]:
    """A user per role, in their schools, cohorts and courses; return them and the course ids."""
    north = ensure_school("north", "North Massage School", provider_name="North CE Institute",
                          provider_number="CE-N-0001")
    south = ensure_school("south", "South Bodywork College")
    courses = {c.slug: c.id for c in db.session.execute(select(Course)).scalars()}
    spring = cohorts.create_cohort(north, "Spring 2026", courses["basics"], None, clock.now)
    autumn = cohorts.create_cohort(south, "Autumn 2026", courses["basics"], None, clock.now)
    staff = {"other_instructor": ("instructor", None), "instructor": ("instructor", None),
             "other_school_admin": ("school_admin", "south"),
             "school_admin": ("school_admin", "north"), "admin": ("admin", None),
             "trainee": ("trainee", None), "other_trainee": ("trainee", None)}
    users = {role: create_user(f"{role.replace('_', '-')}@example.com",
                               role.replace("_", " ").title(), PASSWORD, kind, school)
             for role, (kind, school) in staff.items()}
    cohorts.join_cohort(users["trainee"], spring.invite_code, clock.now)
    cohorts.join_cohort(users["other_trainee"], autumn.invite_code, clock.now)
    enroll(users["trainee"], courses["certified"])
    enroll(users["trainee"], courses["casework"])
    db.session.add_all([
        CourseInstructor(user_id=users["instructor"].id, course_id=courses["basics"]),
        CourseInstructor(user_id=users["instructor"].id, course_id=courses["certified"]),
        CourseInstructor(user_id=users["instructor"].id, course_id=courses["casework"]),
        CourseInstructor(user_id=users["other_instructor"].id,
                         course_id=courses["other-course"])])
    db.session.commit()
    world.schools = {"other_trainee": "south", "trainee": "north",
                     "other_school_admin": "south", "school_admin": "north"}
    world.values = {"cohort": str(spring.id), "invite": spring.invite_code,
                    "trainee": str(users["trainee"].id), "north_id": str(north.id)}
    return users, courses


def _objects(world: World, users: dict[str, User], courses: dict[str, int],
             clock: Clock) -> None:
    """The trainee's certificate, attempts and sign-off; north's token, export, accommodation."""
    trainee, values = users["trainee"], world.values
    complete_course(trainee, courses["basics"], clock)
    record = records_of(trainee)[0]
    clock.advance(hours=1)
    quiz, version = get_quiz("intro-quiz")
    submitted = next(a for a in attempts_of(trainee, quiz) if a.status != "in_progress")
    attempt = start_attempt(trainee, quiz, version, clock.now)
    north = db.session.execute(select(School).filter_by(slug="north")).scalar_one()
    export = exports.CompletionExport(north, "csv", exports.RosterFilter(), None, "web",
                                      clock.now, signing_keys.signing_key(world.app),
                                      "https://t")
    b"".join(export.chunks())
    token = tokens.create_token(north, "registrar", None, clock.now).token
    grant = Accommodation(user_id=trainee.id, quiz_id=quiz.id, extra_attempts=1)
    db.session.add(grant)
    db.session.add(SkillSignoff(user_id=trainee.id, course_id=courses["certified"],
                                skill_key="pressure-scale", signed_by_id=users["instructor"].id,
                                signed_at=clock.now))
    db.session.commit()
    _drafts(users["instructor"], clock)
    values["essay_attempt"] = _essay_attempt(trainee, clock)
    values["evidence"] = _evidence(trainee, clock)
    values["session"] = _session(users["instructor"], trainee, clock)
    upload, image = _bank_upload(users["instructor"], clock)
    invited = create_invited("invited@example.com", "Invited Person", "trainee", north, None,
                             clock.now)
    values.update(_integrations(world, north, courses, clock))
    hook, _secret = webhook_endpoints.create_endpoint(
        north, "http://127.0.0.1:9/hook", ["completion.issued"], "", None, clock.now)
    webhook_endpoints.send_test(hook, clock.now)  # nothing listens: one failed try is logged
    delivery = db.session.execute(select(WebhookDelivery)).scalars().first()
    big_export = export_jobs.start(north, "csv", exports.RosterFilter(), None, 1, clock.now)
    values.update(webhook=str(hook.id), delivery=str(delivery.id), export_job=big_export.id,
                  unsubscribe_token=unsubscribe_token(trainee.id, "certificate_expiring"))
    values.update(code=record.certificate_code, attempt=attempt.id, result=submitted.id,
                  export=export.export_id, token=str(token.id), accommodation=str(grant.id),
                  reset_token=make_reset_token(trainee, clock.now), upload=upload,
                  upload_image=image,
                  registration_token=make_registration_token("newcomer@example.com",
                                                             "Newcomer", "/", clock.now),
                  invitation_token=make_invitation_token(invited, clock.now))


def _integrations(world: World, north: School, courses: dict[str, int],
                  clock: Clock) -> dict[str, str]:
    """North's LMS registration, school login and an LMS link on `basics` (issue 23)."""
    from tpcourse.integrations.lti.registrations import PlatformForm, save_platform
    from tpcourse.integrations.sso.providers import ProviderForm, save_provider
    from tpcourse.models.integrations import LtiLink

    platform = save_platform(north, None, PlatformForm(
        "North Moodle", "https://moodle.north.example", "client-1", ["1"],
        "https://moodle.north.example/mod/lti/auth.php",
        "https://moodle.north.example/mod/lti/token.php",
        "https://moodle.north.example/mod/lti/certs.php"), "user:test", clock.now)
    provider = save_provider(north, None, ProviderForm(
        "North ID", "https://id.north.example", "tpcourse", "secret",
        "https://id.north.example/auth", "https://id.north.example/token",
        "https://id.north.example/jwks"), world.app.config, "user:test", clock.now)
    link = LtiLink(platform_id=platform.id, deployment_id="1", resource_link_id="rl-1",
                   target="course/basics", course_id=courses["basics"], created_at=clock.now,
                   updated_at=clock.now)
    db.session.add(link)
    db.session.commit()
    return {"lti_platform": str(platform.id), "sso_provider": str(provider.id),
            "lti_link": str(link.id)}


def _essay_attempt(trainee: User, clock: Clock) -> str:
    """The trainee's submitted attempt at `casework-exam`, its two essays awaiting grading."""
    from tpcourse.services.exams.attempts import field_name, submit_attempt

    quiz, version = get_quiz("casework-exam")
    attempt = start_attempt(trainee, quiz, version, clock.now)
    form = {field_name(attempt.question_ids.index(qid) + 1): [text] for qid, text in (
        ("check-in", "true"), ("calf-case", "Refer the client."), ("neck-case", "Trapezius."))}
    submit_attempt(attempt.id, trainee, form, clock.now)
    return attempt.id


def _evidence(trainee: User, clock: Clock) -> str:
    """A photo the trainee uploaded for a practical skill of `casework` (issue 25)."""
    from tests.grading.test_practical_rubrics import PNG
    from tpcourse.services.certification.evidence import add_evidence

    return add_evidence(trainee, "casework", trainee.id, "pressure-release", PNG, "", clock.now).id


def _session(instructor: User, trainee: User, clock: Clock) -> str:
    """A live session of `casework` in a week, the trainee holding one of its places."""
    from datetime import timedelta

    from tpcourse.services.sessions.schedule import schedule_session
    from tpcourse.services.sessions.signups import sign_up

    session = schedule_session(instructor, "casework", clock.now + timedelta(days=7), 120,
                               "Clinic", 4, [], clock.now)
    sign_up(trainee, session.id, clock.now)
    return str(session.id)


def _drafts(author: User, clock: Clock) -> None:
    """Unpublished drafts of `intro-quiz` (a question moved) and of the lesson `01-welcome`."""
    first = quizzes.workspace(author, "intro-quiz").questions[0]["id"]
    quizzes.move_question(author, "intro-quiz", first, 1, clock.now)
    lesson = lessons.lesson_workspace(author, "basics", "01-intro", "01-welcome")
    edit = lesson.edit
    edit.body += "\n\nA draft paragraph.\n"
    lessons.save_lesson_draft(lesson, author, edit, clock.now)


BANK_WITH_IMAGE = b"""<quiz><question type="truefalse"><name><text>Map</text></name>
<questiontext format="html"><text><![CDATA[<p>Is this the trapezius?</p>
<img src="@@PLUGINFILE@@/map.png">]]></text>
<file name="map.png" path="/" encoding="base64">iVBORw0KGgo=</file></questiontext>
<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
</question></quiz>"""


def _bank_upload(author: User, clock: Clock) -> tuple[str, str]:
    """A Moodle XML bank with an image, uploaded by the instructor and not yet confirmed."""
    from tpcourse.services.authoring import bank_preview

    token, result = bank_preview.stage_upload(author, "intro-quiz", BANK_WITH_IMAGE, "bank.xml",
                                              "moodle-xml", "source", False, clock.now)
    return token, next(iter(result.files))


def _log_in(app: Flask, email: str) -> str:
    """Log in over HTTP and return the session cookie's value."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"],
                             domain=app.config["SERVER_NAME"]).value
