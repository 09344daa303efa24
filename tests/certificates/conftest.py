"""Fixtures for certificates: a course needing sign-offs and an evaluation, a school, SMTP."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

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
    from tpcourse.services.content_sync import sync_from_folders

    sync_from_folders(FIXTURES / "lessons", FIXTURES / "quizzes")
    return db.session.execute(select(Course).filter_by(slug="certified")).scalar_one()


@pytest.fixture
def basics(content, db):
    """The fixture course 'basics' (no skills or evaluation required)."""
    return db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()


@pytest.fixture
def school(db):
    """A school that is a CE provider, with every detail a certificate prints."""
    from tpcourse.services.accounts import ensure_school

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


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Messages received by the test SMTP server."""

    def __init__(self) -> None:
        self.messages: list = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        from email import message_from_bytes
        from email.policy import default

        with self._arrived:
            self.messages.append(message_from_bytes(envelope.content, policy=default))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10) -> list:
        """Return the messages once `count` have arrived (a bounded wait, no sleep)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return list(self.messages)


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) on a free local port, with the app pointed at it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_USERNAME=None, MAIL_FROM="Northfield <no-reply@northfield.example>")
    yield inbox
    controller.stop()
