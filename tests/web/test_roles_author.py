"""Every authoring-studio and item-analysis route, for every role: the expected status.

Only the course's instructors and admins author, preview, publish, import, export or see the
analysis; others get 404 (the course's existence is not confirmed). School admins reach the
accommodations of quizzes their own trainees take, nothing else.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.helpers import answer_form
from tpcourse.models import Accommodation, Course, CourseInstructor, Quiz

ROLES = ("anonymous", "outsider", "trainee", "instructor", "other_instructor", "school_admin",
         "other_school_admin", "admin")
QUIZ = "/author/quizzes/intro-quiz"
LESSON = "/author/courses/basics/lessons/01-intro/01-welcome"


def allowed(status: int, *, anonymous: int = 302, refused: int = 404, **extra) -> dict:
    """Statuses for a route only the course's authors (instructor, admin) may use."""
    table = dict.fromkeys(ROLES, refused)
    table.update(anonymous=anonymous, instructor=status, admin=status, **extra)
    return table


# endpoint: (method, path, {role: status}, form data) — 302 for anonymous is "log in first".
MATRIX = {
    "author.index": ("GET", "/author/", {**dict.fromkeys(ROLES, 200), "anonymous": 302,
                                         "outsider": 403, "trainee": 403}, None),
    "author.course": ("GET", "/author/courses/basics", allowed(200), None),
    "author.new_quiz": ("GET", "/author/courses/basics/quizzes/new", allowed(200), None),
    "author.quiz": ("GET", QUIZ, allowed(200), None),
    "author.settings": ("GET", QUIZ + "/settings", allowed(200), None),
    "author.new_question": ("GET", QUIZ + "/questions/new?type=hotspot", allowed(200), None),
    "author.edit_question": ("GET", QUIZ + "/questions/spot/edit", allowed(200), None),
    "author.preview": ("GET", QUIZ + "/preview", allowed(200), None),
    "author.history": ("GET", QUIZ + "/versions", allowed(200), None),
    "author.export_quiz": ("GET", QUIZ + "/export.yaml", allowed(200), None),
    "author.import_bank": ("GET", QUIZ + "/import", allowed(200), None),
    "author.export_page": ("GET", QUIZ + "/export", allowed(200), None),
    "author.export_bank": ("GET", QUIZ + "/export/gift", allowed(200), None),
    "author.edit_lesson": ("GET", LESSON, allowed(200), None),
    "author.export_lesson": ("GET", LESSON + "/export.md", allowed(200), None),
    "author.lesson_preview": ("POST", "/author/courses/basics/preview", allowed(200),
                              {"body": "**hi**"}),
    "author.accommodations_page": ("GET", QUIZ + "/accommodations",
                                   allowed(200, school_admin=200), None),
    "analysis.report": ("GET", QUIZ + "/analysis", allowed(200), None),
    "analysis.csv": ("GET", QUIZ + "/analysis.csv", allowed(200), None),
    "analysis.heatmap": ("GET", QUIZ + "/analysis/heatmap.svg?question=spot", allowed(200),
                         None),
    # These change things: they run last, in this order.
    "author.move_question": ("POST", QUIZ + "/questions/move", allowed(302),
                             {"question_id": "tp-definition", "direction": "down"}),
    "author.delete_question": ("POST", QUIZ + "/questions/delete", allowed(302),
                               {"question_id": "order"}),
    "author.publish": ("POST", QUIZ + "/publish", allowed(302), {}),
    "author.discard": ("POST", QUIZ + "/discard", allowed(302), {}),
    "author.discard_lesson": ("POST", LESSON + "/discard", allowed(302), {}),
    "author.revoke_accommodation": ("POST", QUIZ + "/accommodations/{accommodation}/revoke",
                                    allowed(302, school_admin=302), {}),
}
STUDIO_BLUEPRINTS = {"author", "analysis"}


def test_every_studio_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.split(".")[0] in STUDIO_BLUEPRINTS}
    assert endpoints == set(MATRIX), "add new routes to MATRIX with the status for each role"


@pytest.fixture
def people(make_user, content, db, clock):
    """One user per role; the trainee and their school admin belong to the school 'north'."""
    from tpcourse.services.attempts import get_quiz, start_attempt, submit_attempt
    from tpcourse.services.learning import enroll

    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    people = {
        "instructor": make_user(role="instructor"),
        "other_instructor": make_user(role="instructor"),
        "school_admin": make_user(role="school_admin", school="north"),
        "other_school_admin": make_user(role="school_admin", school="south"),
        "admin": make_user(role="admin"),
        "outsider": make_user(),
        "trainee": make_user(school="north"),
    }
    enroll(people["trainee"], course.id)
    db.session.add(CourseInstructor(user_id=people["instructor"].id, course_id=course.id))
    other = Course(slug="other-course", current_version=0)
    db.session.add(other)
    db.session.flush()
    db.session.add(CourseInstructor(user_id=people["other_instructor"].id, course_id=other.id))
    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(people["trainee"], quiz, version, clock())
    submit_attempt(attempt.id, people["trainee"], {k: v if isinstance(v, list) else [v] for k, v
                                                   in answer_form(attempt).items()}, clock())
    grant = Accommodation(user_id=people["trainee"].id, quiz_id=quiz.id, extra_attempts=1)
    db.session.add(grant)
    db.session.commit()
    return people, grant.id


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, db, people, login_as, role):
    users, grant_id = people
    if role != "anonymous":
        login_as(users[role])
    failures = []
    for method, path, expected, form in MATRIX.values():
        url = path.format(accommodation=grant_id)
        response = client.open(url, method=method, data=form or {})
        if response.status_code != expected[role]:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected[role]}")
    assert not failures, "\n".join(failures)
    assert db.session.execute(select(Quiz).filter_by(slug="intro-quiz")).scalar_one()
