"""Public signing keys (JWKS) for verifying exports and credentials."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ...services.records import signing_keys

bp = Blueprint("keys", __name__)


@bp.route("/.well-known/tpcourse-keys.json")
def key_set():
    """Serve the JWK set whose keys sign exports, badges and audit checkpoints."""
    response = jsonify(signing_keys.key_set(current_app))
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"  # verifiers fetch it from anywhere
    return response
