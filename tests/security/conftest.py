"""Fixtures for the security and reliability tests: headers on, a real SMTP server, snapshots."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.mail_server import smtp_server
from tpcourse.extensions import db as _db


def pytest_configure(config):
    """Register the marker of the long-running tests (they still run in the normal suite)."""
    config.addinivalue_line("markers", "slow: a long-running test (still part of every run)")


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) on a free local port, with the app pointed at it."""
    with smtp_server(app, "tpcourse <no-reply@tpcourse.test>",
                     TPCOURSE_SITE_URL="https://tpcourse.test") as inbox:
        yield inbox


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
