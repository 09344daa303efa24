"""tpcourse: train and certify massage therapists in trigger-point therapy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app: settings, extensions, blueprints, CLI. Does no I/O beyond config."""
    app = Flask(__name__, instance_relative_config=True)
    register_config(app, config)
    register_request_guards(app)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_security(app)
    register_cli(app)
    register_template_helpers(app)
    register_i18n(app)
    register_jobs(app)
    return app


def register_config(app: Flask, config: dict[str, Any] | None) -> None:
    """Load settings from the environment, then any overrides (tests, the demo command)."""
    from .config import engine_options, load_settings

    app.config.update(load_settings(Path(app.instance_path)))
    app.config.update(config or {})
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS",
                          engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    from .services.records.audit_sealer import check_mode

    check_mode(app.config)
    proxies = int(app.config.get("TPCOURSE_TRUSTED_PROXIES") or 0)
    if proxies > 0:  # behind a load balancer: the client's address and scheme from its headers
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


SESSION_USER_BLUEPRINTS = frozenset({"quiz"})
"""Blueprints whose views only ask who is signed in (id, role, name): their requests get the
user as a read-only `SessionUser` row (tpcourse.models.user)."""
CONFIRMED_BY_THE_VIEW = frozenset({"quiz.start", "quiz.attempt"})
"""POST endpoints whose service reads the user's row in its own statement (`ClaimedUser`):
starting and submitting an exam, the two busiest requests on certification day."""


def register_extensions(app: Flask) -> None:
    """Bind db, migrations, login, CSRF and the rate limiter to the app."""
    from . import models  # noqa: F401  (models must be imported before migrations see them)
    from .extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    limiter.init_app(app)
    from .database import sqlite  # noqa: F401  (registers the SQLite connection pragmas)
    from .database.row_locks import register_row_locks

    # Locked reads hold on SQLite too and always return fresh rows (exactly-once grading).
    register_row_locks()

    from flask import has_request_context, request
    from flask_login import logout_user
    from sqlalchemy import bindparam, select
    from sqlalchemy.orm import lazyload

    from .models import (
        SESSION_USER_COLUMNS,
        ClaimedUser,
        SessionUser,
        User,
        UserSession,
        identity_parts,
        join_live_session,
    )

    # Built once: `session.get` builds its query on every call, a third of the user load's
    # CPU, and the loader runs on every request (docs/performance.md). Each reads the user
    # with the browser session the cookie names, in the same statement (logging out ends it).
    user_by_id = (join_live_session(select(User, UserSession.id))
                  .where(User.id == bindparam("user_id")).options(lazyload(User.school)))
    user_row_by_id = join_live_session(select(*SESSION_USER_COLUMNS)).where(
        User.id == bindparam("user_id"))

    def session_user(identity: str) -> SessionUser | None:
        """The session's user as a row, if it exists, the session is live and the password
        unchanged."""
        user_id, session_id = identity_parts(identity) or (0, "")
        return SessionUser.checked(db.session.connection().execute(
            user_row_by_id, {"user_id": user_id, "session_id": session_id}).first(), identity)

    @login_manager.user_loader
    def load_user(identity: str):
        """Load the session's user, unless the session ended or the password changed since.

        Starting and submitting an exam get a `ClaimedUser`, which their own statement
        confirms; the other exam pages a `SessionUser` (one row, no ORM object); the rest a
        `User`.
        """
        parts = identity_parts(identity)
        if parts is None:
            return None
        if has_request_context() and request.blueprint in SESSION_USER_BLUEPRINTS:
            if request.method == "POST" and request.endpoint in CONFIRMED_BY_THE_VIEW:
                return ClaimedUser(identity, session_user, logout_user)
            return session_user(identity)
        row = db.session.execute(user_by_id, {"user_id": parts[0], "session_id": parts[1]}).first()
        if row is None or row[1] is None:
            return None
        user = row[0]
        user.session_id = row[1]
        return user if user.session_matches(identity) else None


def register_request_guards(app: Flask) -> None:
    """Refuse malformed input (NULs, ids out of range, unreadable JSON) before any view."""
    from .web.request_guards import register_request_guards as register

    register(app)


def register_security(app: Flask) -> None:
    """Strict Content-Security-Policy and the other security headers on every response."""
    from .web.security_headers import register_security as register

    register(app)


def register_blueprints(app: Flask) -> None:
    """Attach every web blueprint."""
    from .web import authoring as author
    from .web.accounts import auth, notifications, profile
    from .web.admin import jobs as admin_jobs
    from .web.admin import site as admin
    from .web.authoring import analysis
    from .web.certification import certificates, evaluation, evidence, records, skills, verify
    from .web.exams import quiz
    from .web.grading import grading
    from .web.integrations import lti, setup, sso
    from .web.learning import learn
    from .web.public import assets, health, keys
    from .web.schools import api, export_jobs, people, school, webhooks
    from .web.sessions import sessions

    for module in (auth, profile, learn, quiz, records, certificates, evaluation, skills, author,
                   analysis, school, people, admin, api, keys, verify, assets, health, lti, sso,
                   setup, notifications, admin_jobs, webhooks, export_jobs, grading, evidence,
                   sessions):
        app.register_blueprint(module.bp)


def register_errors(app: Flask) -> None:
    """Render errors as pages, or as JSON under /api/."""
    from .web.errors import register_error_handlers

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    """Add the flask CLI commands."""
    from .cli import register_commands

    register_commands(app)


def register_jobs(app: Flask) -> None:
    """Check the job settings and hand enqueued jobs over at commit (services/jobs)."""
    from .services.jobs.inline import MODES
    from .services.jobs.registry import parse_delays

    mode = app.config.get("TPCOURSE_JOBS_INLINE", "thread")
    if mode not in MODES:
        raise ValueError(f"TPCOURSE_JOBS_INLINE is {mode!r}; use one of {', '.join(MODES)}.")
    for name in ("TPCOURSE_JOBS_RETRY_DELAYS", "TPCOURSE_WEBHOOK_RETRY_DELAYS"):
        parse_delays(app.config.get(name), ())


def register_i18n(app: Flask) -> None:
    """Serve every page in the reader's language (Flask-Babel; docs/translations.md)."""
    from .web.i18n import register_i18n as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Expose permission predicates and formatting to templates."""
    from .web.helpers import register_helpers

    register_helpers(app)
