"""Fixtures of the integration tests: tpcourse served over HTTP beside real peers."""

from __future__ import annotations

import pytest

from tests.conftest import CONTENT, make_app
from tests.conftest import empty_database as _empty
from tests.integrations.peers import free_port, served


@pytest.fixture
def tool(_migrated, tmp_path, clock):
    """tpcourse served on a free port, its content loaded; yields (app, base URL)."""
    port = free_port()
    app = make_app(_migrated, tmp_path, TPCOURSE_NOW=clock, SERVER_NAME=f"127.0.0.1:{port}",
                   SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False,
                   WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tpcourse.services.authoring.content_sync import sync_from_folders

        sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
        with served(app, port) as base:
            yield app, base
        _empty()


@pytest.fixture
def count_statements(db):
    """Return a context manager counting the SQL statements sent inside it."""
    from tests.perf.pages import StatementCounter

    return lambda: StatementCounter(db.engine)
