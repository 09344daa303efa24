"""Fixtures for grading by hand: a course whose exam has two essays, its instructor, a trainee."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tpcourse.models import Attempt, Course, CourseInstructor

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def casework(db, app):
    """The 'casework' course: one module quiz with a true/false question and two essays."""
    from tpcourse.services.authoring.content_sync import sync_from_folders

    sync_from_folders(FIXTURES / "lessons", FIXTURES / "quizzes")
    return db.session.execute(select(Course).filter_by(slug="casework")).scalar_one()


@pytest.fixture
def instructor_of(make_user, db):
    """Factory: an instructor assigned to the given course."""

    def factory(course, **kwargs):
        user = make_user(role="instructor", **kwargs)
        db.session.add(CourseInstructor(user_id=user.id, course_id=course.id))
        db.session.commit()
        return user

    return factory


@pytest.fixture
def case_trainee(make_user, casework):
    """A trainee enrolled in the casework course."""
    from tpcourse.services.learning.learning import enroll

    user = make_user(name="Noor Haddad", school="northfield")
    enroll(user, casework.id)
    return user


def start(client, db, slug="casework-exam") -> Attempt:
    """Start an attempt as the logged-in user and return it."""
    response = client.post(f"/quizzes/{slug}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(Attempt, response.headers["Location"].rsplit("/", 1)[-1])


def essay_form(attempt, answers: dict[str, str], true_false: bool = True) -> dict[str, str]:
    """The form a trainee posts: the true/false answer and the essays' texts."""
    from tests.helpers import field

    form = {field(attempt, "check-in"): "true" if true_false else "false"}
    for qid, text in answers.items():
        form[field(attempt, qid)] = text
    return form


def refresh(db, attempt) -> Attempt:
    db.session.expire_all()
    return db.session.get(Attempt, attempt.id)
