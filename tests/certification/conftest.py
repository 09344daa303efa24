"""Fixtures for certificates: a course needing sign-offs and an evaluation, a school, SMTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.mail_server import smtp_server
from tpcourse.models import Course, CourseInstructor

FIXTURES = Path(__file__).parent / "fixtures"
SITE_URL = "https://learn.northfield.example"


@pytest.fixture
def app(app):
    """The shared app, with the public address certificates print."""
    app.config["TPCOURSE_SITE_URL"] = SITE_URL
    return app


@pytest.fixture
def certified(content, db):
    """The fixture course 'basics' plus 'certified' (skills all, evaluation required)."""
    from tpcourse.services.authoring.content_sync import sync_from_folders

    sync_from_folders(FIXTURES / "lessons", FIXTURES / "quizzes")
    return db.session.execute(select(Course).filter_by(slug="certified")).scalar_one()


@pytest.fixture
def basics(content, db):
    """The fixture course 'basics' (no skills or evaluation required)."""
    return db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()


@pytest.fixture
def school(db):
    """A school that is a CE provider, with every detail a certificate prints."""
    from tpcourse.services.accounts.accounts import ensure_school

    return ensure_school("northfield", "Northfield", provider_name="Northfield School of Massage",
                         provider_number="451234-12",
                         contact_email="certificates@northfield.example",
                         contact_address="12 Harbour Road, Northfield",
                         signatory_name="Amara Okonkwo")


@pytest.fixture
def instructor_of(make_user, db):
    """Factory: an instructor assigned to the given course."""

    def factory(course):
        user = make_user(role="instructor")
        db.session.add(CourseInstructor(user_id=user.id, course_id=course.id))
        db.session.commit()
        return user

    return factory


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) on a free local port, with the app pointed at it."""
    with smtp_server(app, "Northfield <no-reply@northfield.example>") as inbox:
        yield inbox
