"""Error pages in the site's style, and JSON errors under /api/."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..services.errors import ServiceError

_TITLES = {
    400: "That request did not make sense",
    403: "You don't have access to this page",
    404: "We couldn't find that page",
    405: "That action isn't allowed here",
    409: "That has already happened",
    413: "That upload is too large",
    429: "Too many tries",
    500: "Something went wrong on our side",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.endswith(".json")


def error_response(status: int, message: str, code: str | None = None):
    """Return a JSON error for API paths, else the styled error page."""
    if _wants_json():
        body = {"error": {"code": code or _TITLES.get(status, "error").lower().replace(" ", "_"),
                          "message": message}}
        return jsonify(body), status
    return render_template("error.html", status=status, title=_TITLES.get(status, "Error"),
                           message=message), status


def register_error_handlers(app: Flask) -> None:
    """Route HTTP errors, CSRF failures and service errors to error_response."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, "Your form expired or was sent from elsewhere. "
                                   "Go back, reload the page and try again.", "csrf_failed")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return error_response(exc.code or 500, exc.description or "", exc.name.lower()
                              .replace(" ", "_"))

    @app.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        return error_response(exc.status, exc.message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        return error_response(500, "The error has been logged. Please try again in a moment.",
                              "internal_error")
