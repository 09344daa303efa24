"""Images used by lessons and body-map questions, served from lessons/assets/."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from flask import Blueprint, Response, abort, current_app, request, send_from_directory
from werkzeug.security import safe_join

from ...content.drawings import clean_drawing

bp = Blueprint("assets", __name__)

IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")
"""Only images are served: files beside them (a drawing's .zones.yaml) stay private."""
CSP = "default-src 'none'; style-src 'unsafe-inline'"


@bp.route("/assets/<path:name>")
def asset(name: str):
    """Serve one image; an SVG is served without comments, titles, ids or labels (no hints for
    a body-map question) and may not run scripts even when opened on its own."""
    folder = Path(current_app.config["TPCOURSE_LESSONS_DIR"]) / "assets"
    if not name.lower().endswith(IMAGE_SUFFIXES):
        abort(404)
    if name.lower().endswith(".svg"):
        path = safe_join(str(folder), name)
        if path is None or not Path(path).is_file():
            abort(404)
        stat = Path(path).stat()
        drawing = _cleaned(path, stat.st_mtime_ns, stat.st_size)
        if drawing is None:  # not well-formed: `content check` names the file
            abort(404)
        response = Response(drawing, mimetype="image/svg+xml")
        response.cache_control.public, response.cache_control.max_age = True, 3600
        response.add_etag()
        response.make_conditional(request)
    else:
        response = send_from_directory(folder, name, max_age=3600)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@lru_cache(maxsize=64)
def _cleaned(path: str, mtime_ns: int, size: int) -> bytes | None:
    """Clean a drawing once per version of the file (the key changes when the file does)."""
    try:
        return clean_drawing(Path(path).read_text(encoding="utf-8"))
    except (ParseError, ValueError, UnicodeDecodeError, DefusedXmlException):
        return None
