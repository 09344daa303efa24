"""Error pages in the site's style, and JSON errors under /api/."""

from __future__ import annotations

import sqlite3

import psycopg
from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, DisconnectionError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager
from ..services.errors import ServiceError

# The error pages' titles, in the reader's language; _CODES names the JSON errors.
_TITLES = {
    400: _l("That request did not make sense"),
    403: _l("You don't have access to this page"),
    404: _l("We couldn't find that page"),
    405: _l("That action isn't allowed here"),
    409: _l("That has already happened"),
    413: _l("That upload is too large"),
    429: _l("Too many tries"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is unavailable for a moment"),
}
_CODES = {
    400: "that_request_did_not_make_sense", 403: "you_don't_have_access_to_this_page",
    404: "we_couldn't_find_that_page", 405: "that_action_isn't_allowed_here",
    409: "that_has_already_happened", 413: "that_upload_is_too_large", 429: "too_many_tries",
    500: "something_went_wrong_on_our_side", 503: "the_service_is_unavailable_for_a_moment",
}
DATABASE_DOWN = _l("We can't reach the database right now. Your work so far is saved; "
                   "please try again in a minute.")
LOGGED = _l("The error has been logged. Please try again in a moment.")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def error_response(status: int, message: str, code: str | None = None):
    """Return a JSON error for API paths, else the styled error page."""
    if _wants_json():
        body = {"error": {"code": code or _CODES.get(status, "error"), "message": str(message)}}
        return jsonify(body), status
    return render_template("error.html", status=status, title=_title(status),
                           message=message, keep_path=False), status


def _title(status: int) -> str:
    """The error page's heading, in the reader's language."""
    title = _TITLES.get(status)
    return str(title) if title is not None else _("Error")


def _after_database_error(unreachable: bool = False) -> None:
    """Make the error page safe to render: a failed transaction is rolled back, and when the
    database cannot be reached, the page's navigation does not ask it who is signed in."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()
    if unreachable and "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()


_SQLITE_UNREACHABLE = ("unable to open database", "database is locked", "disk i/o error")


def _unreachable(exc: Exception) -> bool:
    """Whether the database could not be reached, dropped the connection or is too busy
    (answered 503: try again), rather than refusing a statement (a bug: 500)."""
    if isinstance(exc, DisconnectionError) or (isinstance(exc, DBAPIError)
                                               and exc.connection_invalidated):
        return True
    original = getattr(exc, "orig", None)
    if isinstance(original, sqlite3.OperationalError):
        return str(original).lower().startswith(_SQLITE_UNREACHABLE)
    return type(original).__module__.startswith("psycopg") and isinstance(
        original, (psycopg.OperationalError, psycopg.InterfaceError))


def _plain(status: int, message: str):
    """The last resort when even the error page fails: a page with no template."""
    return (f"<!doctype html><title>{_title(status)}</title>"
            f"<h1>{_title(status)}</h1><p>{message}</p>", status,
            {"Content-Type": "text/html; charset=utf-8"})


def register_error_handlers(app: Flask) -> None:
    """Route HTTP errors, CSRF failures and service errors to error_response."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, _("Your form expired or was sent from elsewhere. "
                                     "Go back, reload the page and try again."), "csrf_failed")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        description = exc.description or ""
        if description == type(exc).description and not _wants_json():
            description = ""  # Werkzeug's stock English sentence: the page's title says it
        return error_response(exc.code or 500, description, exc.name.lower().replace(" ", "_"))

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        return error_response(exc.status, exc.message)

    @app.errorhandler(SQLAlchemyError)
    def database_error(exc: SQLAlchemyError):
        unreachable = _unreachable(exc)
        _after_database_error(unreachable)
        if unreachable:
            app.logger.error("Database unreachable on %s: %s", request.path, exc)
            status, message, code = 503, DATABASE_DOWN, "database_unavailable"
        else:
            app.logger.exception("Database error on %s", request.path)
            status, code = 500, "internal_error"
            message = LOGGED
        try:
            return error_response(status, message, code)
        except Exception:  # noqa: BLE001 (the page itself needs what failed)
            return _plain(status, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        _after_database_error()
        message = LOGGED
        try:
            return error_response(500, message, "internal_error")
        except Exception:  # noqa: BLE001
            return _plain(500, message)
