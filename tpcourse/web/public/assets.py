"""Images used by lessons and body-map questions, served from lessons/assets/."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("assets", __name__)


@bp.route("/assets/<path:name>")
def asset(name: str):
    """Serve one asset file; an SVG may not run scripts even when opened on its own."""
    folder = Path(current_app.config["TPCOURSE_LESSONS_DIR"]) / "assets"
    response = send_from_directory(folder, name, max_age=3600)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
