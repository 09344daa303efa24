"""The least a Flask + SQLAlchemy app must do for the same quiz work, to measure tpcourse against.

Run it like tpcourse: `BENCH_DATABASE_URL=... BENCH_KEY_FILE=... gunicorn bench.baseline_app:app`.
It uses the `users` table tpcourse created (same accounts, same password hashes) and a table of
its own for attempts. Per request it only: verifies the signed session cookie, loads one row,
compares the posted answers with a key held in memory, writes one row and commits. No CSRF, no
rate limits, no templates, no audit log, no completion rules — the stack's floor, not an app.
"""

from __future__ import annotations

import json
import os
import random
import secrets
from datetime import UTC, datetime

from flask import Flask, abort, redirect, request, session
from sqlalchemy import JSON, Column, DateTime, Float, Integer, MetaData, String, Table, create_engine
from sqlalchemy import event as sa_event
from werkzeug.security import check_password_hash

from tpcourse.config import database_url, engine_options

metadata = MetaData()
users = Table("users", metadata, Column("id", Integer, primary_key=True), Column("email", String),
              Column("password_hash", String), Column("active", Integer))
attempts = Table(
    "baseline_attempts", metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", Integer, index=True),
    Column("question_ids", JSON),
    Column("status", String(20)),
    Column("responses", JSON),
    Column("score", Float),
    Column("started_at", DateTime(timezone=True)),
    Column("submitted_at", DateTime(timezone=True)),
)


def make_engine(url: str):
    """An engine with tpcourse's own settings: its pool options (`engine_options`: a pre-ping
    and a sized pool on PostgreSQL, nothing on SQLite), and WAL + pragmas on SQLite."""
    url = database_url(url)
    engine = create_engine(url, **engine_options(url))
    if engine.dialect.name == "sqlite":
        @sa_event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            for pragma in ("foreign_keys=ON", "busy_timeout=5000", "journal_mode=WAL",
                           "synchronous=NORMAL"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()
    return engine


def create_app() -> Flask:
    """Build the baseline app from BENCH_DATABASE_URL, BENCH_KEY_FILE and SECRET_KEY."""
    app = Flask(__name__)
    app.secret_key = os.environ["SECRET_KEY"]
    engine = make_engine(os.environ["BENCH_DATABASE_URL"])
    with open(os.environ["BENCH_KEY_FILE"]) as handle:
        key: dict[str, list[str]] = json.load(handle)  # form field -> expected values
    fields = sorted(key)  # one form field per question: q1, q2, ... (by position)
    rng = random.SystemRandom()

    def user_id() -> int:
        uid = session.get("uid")
        if uid is None:
            abort(401)
        return uid

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.post("/login")
    def login():
        with engine.connect() as conn:
            row = conn.execute(users.select().where(users.c.email == request.form["email"])).first()
        if row is None or not check_password_hash(row.password_hash, request.form["password"]):
            abort(401)
        session["uid"] = row.id
        return redirect("/")

    @app.post("/start")
    def start():
        uid = user_id()
        drawn = list(fields)
        rng.shuffle(drawn)
        attempt_id = secrets.token_urlsafe(16)
        with engine.begin() as conn:
            conn.execute(attempts.insert().values(
                id=attempt_id, user_id=uid, question_ids=drawn, status="in_progress",
                responses={}, started_at=datetime.now(UTC)))
        return redirect(f"/attempts/{attempt_id}")

    @app.post("/attempts/<attempt_id>")
    def submit(attempt_id: str):
        uid = user_id()
        with engine.begin() as conn:
            row = conn.execute(attempts.select().where(
                attempts.c.id == attempt_id, attempts.c.user_id == uid)).first()
            if row is None or row.status != "in_progress":
                abort(404)
            responses = {field: request.form.getlist(field) for field in row.question_ids}
            score = sum(responses[field] == expected for field, expected in key.items())
            conn.execute(attempts.update().where(attempts.c.id == attempt_id).values(
                status="submitted", responses=responses, score=float(score),
                submitted_at=datetime.now(UTC)))
        return redirect(f"/attempts/{attempt_id}/result")

    app.config["BENCH_ENGINE"] = engine
    return app


def create_tables(url: str) -> None:
    """Create the baseline's own attempts table (the users table is tpcourse's)."""
    engine = make_engine(url)
    attempts.create(engine, checkfirst=True)
    engine.dispose()


app = create_app() if os.environ.get("BENCH_DATABASE_URL") else None
