"""Fixtures for the security and reliability tests: headers on, a real SMTP server, snapshots."""

from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import select

from tpcourse.extensions import db as _db


def pytest_configure(config):
    """Register the marker of the long-running tests (they still run in the normal suite)."""
    config.addinivalue_line("markers", "slow: a long-running test (still part of every run)")


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
        """Return the messages once `count` have arrived (bounded wait, no sleep)."""
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
                      MAIL_USERNAME=None, MAIL_FROM="tpcourse <no-reply@tpcourse.test>",
                      TPCOURSE_SITE_URL="https://tpcourse.test")
    yield inbox
    controller.stop()


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, for comparing the database before and after a request."""
    _db.session.expire_all()
    tables = {}
    for table in _db.metadata.sorted_tables:
        rows = _db.session.execute(select(table)).all()
        tables[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    _db.session.rollback()
    return tables


@pytest.fixture
def fresh_database(tmp_path):
    """Factory: a new, migrated, empty database URL (a SQLite file, or a PostgreSQL schema
    when TPCOURSE_TEST_DATABASE_URL is set), dropped after the test."""
    import os
    import uuid

    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from tests.conftest import PG_URL, make_app

    schemas = []

    def make(name: str = "fresh", migrate: bool = True) -> str:
        if PG_URL:
            schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:8]}_{name}"
            engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
            with engine.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            engine.dispose()
            schemas.append(schema)
            joiner = "&" if "?" in PG_URL else "?"
            url = f"{PG_URL}{joiner}options=-csearch_path%3D{schema}"
        else:
            url = f"sqlite:///{tmp_path / f'{name}-{uuid.uuid4().hex[:6]}.sqlite3'}"
        if migrate:
            app = make_app(url, tmp_path)
            with app.app_context():
                upgrade(revision="heads")
                _db.engine.dispose()
        return url

    yield make
    if schemas:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
