"""Public signing keys (JWKS) for verifying exports and credentials, and schools' issuer
profiles (the issuer ids of their Open Badges credentials)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify

from ...services.errors import NotFound
from ...services.records import signing_keys
from ...services.schools import issuers

bp = Blueprint("keys", __name__)


@bp.route("/.well-known/tpcourse-keys.json")
def key_set():
    """Serve the JWK set whose keys sign exports, badges and audit checkpoints."""
    response = jsonify(signing_keys.key_set(current_app))
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers fetch it from anywhere
    return response


@bp.route("/issuers/<slug>")
def issuer(slug: str):
    """Serve a school's Open Badges issuer Profile: the id its credentials name as issuer."""
    try:
        profile = issuers.issuer_document(slug, current_app.config["TPCOURSE_SITE_URL"])
    except NotFound:
        abort(404)
    response = jsonify(profile)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/issuers/<slug>/logo.png")
def issuer_logo(slug: str):
    """Serve a school's logo: the image of its issuer profile (public, like the profile)."""
    try:
        logo = issuers.logo_of(slug)
    except NotFound:
        abort(404)
    response = Response(logo, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
