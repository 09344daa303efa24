"""Certificates, skills and evaluation routes, for every role: the expected status."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from tests.certificates.conftest import FIXTURES
from tpcourse.models import CompletionRecord, Course, CourseInstructor, CourseVersion, SkillSignoff

ROLES = ("anonymous", "outsider", "trainee", "instructor", "other_instructor", "school_admin",
         "other_school_admin", "admin")
CODE = "TP-ROLE-TEST-CODE-AAAA"
SKILLS = "/teach/courses/certified/skills"


def only(allowed: dict[str, int], others: int, anonymous: int = 302) -> dict[str, int]:
    """Statuses: `allowed` for the roles named, `others` for every other logged-in role."""
    return {**dict.fromkeys(ROLES, others), "anonymous": anonymous, **allowed}


HOLDER_SCHOOL = {"trainee": 200, "school_admin": 200, "admin": 200}
TEACHERS = {"instructor": 200, "admin": 200}

# endpoint (a second request to the same endpoint adds " <method>"): (method, path, {role: status})
# 'trainee' holds the certificate, is of school A and enrolled in 'certified'; 'outsider' is a
# trainee of school B; 'instructor' teaches 'certified', 'other_instructor' only 'basics';
# 'school_admin' is of school A, 'other_school_admin' of school B.
MATRIX = {
    "certificates.pdf": ("GET", f"/certificates/{CODE}.pdf", only(HOLDER_SCHOOL, 404)),
    "certificates.detail": ("GET", f"/certificates/{CODE}", only(HOLDER_SCHOOL, 404)),
    "certificates.expiring": ("GET", "/certificates/expiring", only(
        {"school_admin": 200, "other_school_admin": 200, "admin": 200}, 403)),
    "skills.index": ("GET", "/teach/", only({**TEACHERS, "other_instructor": 200}, 403)),
    "skills.course": ("GET", SKILLS, only({**TEACHERS, "other_instructor": 404}, 403)),
    "skills.trainee": ("GET", SKILLS + "/{trainee}", only({**TEACHERS, "other_instructor": 404},
                                                          403)),
    "evaluation.form": ("GET", "/courses/certified/evaluation", only({"trainee": 200}, 404)),
    "evaluation.results": ("GET", "/teach/courses/certified/evaluation", only(
        {**TEACHERS, "other_instructor": 404}, 403)),
    "verify.certificate": ("GET", f"/verify/{CODE}", dict.fromkeys(ROLES, 200)),
    "verify.certificate json": ("GET", f"/verify/{CODE}.json", dict.fromkeys(ROLES, 200)),
    # Writes last: each role runs on a fresh database.
    "certificates.revoke": ("POST", f"/certificates/{CODE}/revoke", only(
        {"trainee": 403, "school_admin": 302, "admin": 302}, 404)),
    "skills.sign": ("POST", SKILLS + "/{trainee}/pincer-upper-trap", only(
        {"instructor": 302, "admin": 302, "other_instructor": 404}, 403)),
    "skills.withdraw": ("POST", SKILLS + "/{trainee}/pressure-scale/withdraw", only(
        {"instructor": 302, "admin": 302, "other_instructor": 404}, 403)),
    "evaluation.form POST": ("POST", "/courses/certified/evaluation", only({"trainee": 302}, 404)),
}
FORMS = {
    "certificates.revoke": {"reason": "Role test"},
    "skills.sign": {"pincer-upper-trap-signed_on": "2026-03-01"},
    "evaluation.form POST": {"q0": "5", "q2": "Check in more."},
}
BLUEPRINTS = {"certificates", "skills", "evaluation"}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.split(".")[0] in BLUEPRINTS}
    listed = {key.split()[0] for key in MATRIX if key.split(".")[0] in BLUEPRINTS}
    assert endpoints == listed, "add new routes to MATRIX with the status for each role"


@pytest.fixture
def people(make_user, content, db):
    from tpcourse.services.content_sync import sync_from_folders
    from tpcourse.services.learning import enroll

    sync_from_folders(FIXTURES / "lessons", FIXTURES / "quizzes")
    courses = {c.slug: c for c in db.session.execute(select(Course)).scalars()}
    people = {
        "outsider": make_user(school="southside"),
        "trainee": make_user(school="northfield"),
        "instructor": make_user(role="instructor"),
        "other_instructor": make_user(role="instructor"),
        "school_admin": make_user(role="school_admin", school="northfield"),
        "other_school_admin": make_user(role="school_admin", school="southside"),
        "admin": make_user(role="admin"),
    }
    trainee = people["trainee"]
    enroll(trainee, courses["certified"].id)
    db.session.add_all([
        CourseInstructor(user_id=people["instructor"].id, course_id=courses["certified"].id),
        CourseInstructor(user_id=people["other_instructor"].id, course_id=courses["basics"].id),
        SkillSignoff(user_id=trainee.id, course_id=courses["certified"].id,
                     skill_key="pressure-scale", signed_by_id=people["instructor"].id,
                     signed_at=datetime(2026, 3, 1, tzinfo=UTC))])
    basics = db.session.execute(select(CourseVersion).filter_by(
        course_id=courses["basics"].id)).scalar_one()
    db.session.add(CompletionRecord(
        user_id=trainee.id, course_id=basics.course_id, course_version_id=basics.id,
        completed_at=datetime(2026, 2, 1, tzinfo=UTC), ce_hours=2.5, certificate_code=CODE,
        expires_at=datetime(2026, 3, 20, tzinfo=UTC)))
    db.session.commit()
    return people


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, people, login_as, role):
    if role != "anonymous":
        login_as(people[role])
    failures = []
    for key, (method, path, expected) in MATRIX.items():
        url = path.format(trainee=people["trainee"].id)
        status = client.open(url, method=method, data=FORMS.get(key)).status_code
        if status != expected[role]:
            failures.append(f"{method} {url}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)
