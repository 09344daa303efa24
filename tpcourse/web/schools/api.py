"""JSON API for school systems, authenticated with bearer tokens (never with cookies)."""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, current_app, g, jsonify, request, stream_with_context, url_for
from flask_limiter.util import get_remote_address

from ...extensions import csrf, limiter
from ...services.records import signing_keys
from ...services.schools import cohorts, exports, tokens
from ..errors import error_response
from ..helpers import now

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, no cookies: nothing a cross-site form could ride on


def _bearer_secret() -> str:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


def _per_token() -> str:
    """Count requests per token (by digest, never the secret), or per IP without one."""
    secret = _bearer_secret()
    if secret:
        return "api-token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]
    return "api-ip:" + get_remote_address()


def _per_ip() -> str:
    return "api-failures:" + get_remote_address()


# Every token gets TPCOURSE_API_LIMIT requests; an address that keeps sending unknown or
# missing tokens (guessing) is refused after TPCOURSE_API_FAILURE_LIMIT of those. Counters
# live in RATELIMIT_STORAGE_URI (Redis in production), shared by every worker.
limiter.limit(lambda: current_app.config["TPCOURSE_API_LIMIT"], key_func=_per_token)(bp)
limiter.limit(lambda: current_app.config["TPCOURSE_API_FAILURE_LIMIT"], key_func=_per_ip,
              deduct_when=lambda response: response.status_code == 401)(bp)


def _unauthorized(code: str, message: str):
    response, status = error_response(401, message, code)
    response.headers["WWW-Authenticate"] = f'Bearer realm="tpcourse", error="{code}"'
    return response, status


@bp.before_request
def authenticate():
    """Ignore any session cookie; accept only `Authorization: Bearer <token>`."""
    # Nothing here reads current_user or the session: a browser's logged-in session cookie
    # authorises nothing, and the session is neither loaded nor sent back.
    secret = _bearer_secret()
    if not secret:
        return _unauthorized("invalid_request", "Send your school's API token as "
                                                "'Authorization: Bearer <token>'.")
    found = tokens.authenticate(secret, now())
    if found is None:
        return _unauthorized("invalid_token", "This token is unknown or was revoked. "
                                              "Ask your school admin for a new one.")
    g.api_token, g.api_school = found
    return None


@bp.route("/completions")
def completions():
    """Stream the school's completion records as json, csv, xapi or badges."""
    args, school = request.args, g.api_school
    where = exports.resolve_filter(
        school, args.get("cohort"), args.get("course"),
        exports.parse_bound(args.get("since")), exports.parse_bound(args.get("until"), end=True))
    export = exports.CompletionExport(
        school, args.get("format", "json"), where, tokens.actor_of_token(g.api_token), "api",
        now(), signing_keys.signing_key(current_app), current_app.config["TPCOURSE_SITE_URL"])
    signature_url = url_for(".signature", export_id=export.export_id)
    return Response(stream_with_context(export.chunks()), content_type=export.media_type,
                    headers=export.download_headers(signature_url))


@bp.route("/exports/<export_id>/signature")
def signature(export_id: str):
    """Return the detached signature document of a finished export of this school."""
    return jsonify(exports.signature_for(g.api_school, export_id))


@bp.route("/cohorts")
def cohort_list():
    """List the school's cohorts (ids for the `cohort` filter)."""
    return jsonify({"cohorts": [
        {"id": s.cohort.id, "name": s.cohort.name, "course": s.course_slug,
         "trainees": s.trainees, "archived": s.cohort.archived_at is not None}
        for s in cohorts.cohorts_of(g.api_school)]})
