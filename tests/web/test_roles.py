"""Every route, for every role: the expected status. A new route must be added here."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tpcourse.models import Course, CourseInstructor

ROLES = ("anonymous", "outsider", "trainee", "instructor", "school_admin", "admin")
LESSON = "/courses/basics/01-intro/01-welcome"

# endpoint: (method, path, {role: status})  — 302 for anonymous means "sent to log in".
MATRIX = {
    "learn.catalogue": ("GET", "/", dict.fromkeys(ROLES, 200)),
    "learn.course": ("GET", "/courses/basics", dict.fromkeys(ROLES, 200)),
    "learn.enrol": ("POST", "/courses/basics/enrol", dict.fromkeys(ROLES, 302)),
    "learn.lesson": ("GET", LESSON, {"anonymous": 302, "outsider": 302, "trainee": 200,
                                     "instructor": 200, "school_admin": 302, "admin": 200}),
    "learn.mark_read": ("POST", LESSON + "/read", {"anonymous": 302, "outsider": 403,
                                                   "trainee": 302, "instructor": 302,
                                                   "school_admin": 403, "admin": 302}),
    "quiz.overview": ("GET", "/quizzes/intro-quiz", {"anonymous": 302, "outsider": 404,
                                                     "trainee": 200, "instructor": 200,
                                                     "school_admin": 404, "admin": 200}),
    "quiz.history": ("GET", "/quizzes/intro-quiz/attempts", {"anonymous": 302, "outsider": 404,
                                                             "trainee": 200, "instructor": 200,
                                                             "school_admin": 404, "admin": 200}),
    "quiz.start": ("POST", "/quizzes/intro-quiz/start", {"anonymous": 302, "outsider": 404,
                                                         "trainee": 302, "instructor": 302,
                                                         "school_admin": 404, "admin": 302}),
    # Someone else's attempt: 404 for everyone, admins included (attempts are personal).
    "quiz.attempt": ("GET", "/attempts/{attempt}", {**dict.fromkeys(ROLES, 404),
                                                    "anonymous": 302}),
    "quiz.result": ("GET", "/attempts/{attempt}/result", {**dict.fromkeys(ROLES, 404),
                                                          "anonymous": 302}),
    "records.mine": ("GET", "/records", {**dict.fromkeys(ROLES, 200), "anonymous": 302}),
    "verify.lookup": ("GET", "/verify", dict.fromkeys(ROLES, 200)),
    "verify.certificate": ("GET", "/verify/TP-AAAA-BBBB-CCCC-DDDD-EEEE",
                           dict.fromkeys(ROLES, 404)),
    "assets.asset": ("GET", "/assets/map.svg", dict.fromkeys(ROLES, 200)),
    "auth.login": ("GET", "/login", dict.fromkeys(ROLES, 200)),
    "auth.register": ("GET", "/register", dict.fromkeys(ROLES, 200)),
    "auth.logout": ("POST", "/logout", dict.fromkeys(ROLES, 302)),
    "auth.forgot_password": ("GET", "/password/forgot", dict.fromkeys(ROLES, 200)),
    "auth.reset_password": ("GET", "/password/reset/not-a-token", dict.fromkeys(ROLES, 400)),
    "health.healthz": ("GET", "/healthz", dict.fromkeys(ROLES, 200)),
}


CORE_BLUEPRINTS = {"learn", "quiz", "auth", "verify", "assets", "health", "records"}


def test_every_core_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.split(".")[0] in CORE_BLUEPRINTS}
    assert endpoints == set(MATRIX), "add new routes to MATRIX with the status for each role"


@pytest.fixture
def people(make_user, content, db):
    from tpcourse.services.learning import enroll

    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    people = {role: make_user(role=role) for role in ("instructor", "school_admin", "admin")}
    people["outsider"] = make_user()
    people["trainee"] = make_user()
    enroll(people["trainee"], course.id)
    db.session.add(CourseInstructor(user_id=people["instructor"].id, course_id=course.id))
    owner = make_user()
    enroll(owner, course.id)
    db.session.commit()
    return people, owner


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, db, people, login_as, role):
    from tpcourse.models import Quiz
    from tpcourse.services.attempts import get_quiz, start_attempt

    users, owner = people
    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(owner, quiz, version)
    assert db.session.get(Quiz, quiz.id)
    if role != "anonymous":
        login_as(users[role])
    last = ("learn.enrol", "auth.logout")  # they change who the user is: run them at the end
    order = [e for e in MATRIX if e not in last] + list(last)
    failures = []
    for endpoint in order:
        method, path, expected = MATRIX[endpoint]
        url = path.format(attempt=attempt.id)
        status = client.open(url, method=method).status_code
        if status != expected[role]:
            failures.append(f"{method} {url}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)
