"""Fixtures for the authoring studio: an instructor of the fixture course, logged in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tpcourse.models import Course, CourseInstructor


@pytest.fixture
def course(content, db):
    """The fixture course 'basics', loaded."""
    return db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()


@pytest.fixture
def instructor(make_user, course, db):
    """An instructor assigned to the fixture course."""
    user = make_user(role="instructor")
    db.session.add(CourseInstructor(user_id=user.id, course_id=course.id))
    db.session.commit()
    return user


@pytest.fixture
def author(instructor, login_as):
    """The instructor, logged in on the test client."""
    return login_as(instructor)


def post_form(data: dict) -> dict:
    """Drop None values (fields a browser would not send)."""
    return {k: v for k, v in data.items() if v is not None}
