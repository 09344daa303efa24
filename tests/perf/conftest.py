"""Fixtures for statement-count tests: a counter on the app's engine, sized worlds."""

from __future__ import annotations

import pytest
from flask import g

from .pages import StatementCounter
from .world import build_world, empty_database


@pytest.fixture
def count_statements(db):
    """Return a context manager counting the SQL statements sent inside it."""
    return lambda: StatementCounter(db.engine)


@pytest.fixture
def world(make_user, login_as, clock, db):
    """Factory: world(trainees, questions, own_attempts=1) -> World, with its viewer logged in.

    Calling it again empties the database first, so one test can compare two sizes.
    """
    built = []

    def factory(trainees: int, questions: int, own_attempts: int = 1):
        if built:
            empty_database()
            g.pop("_login_user", None)  # the previous world's viewer is gone
        result = build_world(make_user, trainees, questions, own_attempts, clock.now)
        clock.advance(hours=2)
        login_as(result.viewer)
        built.append(result)
        return result

    return factory
