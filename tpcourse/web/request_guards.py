"""Refuse malformed requests before any view reads them, so no view has to.

* Integer path parts (`<int:...>`) match only 1–10 ASCII digits within the database's integer
  range; anything else is "not found", as for an id that does not exist.
* A NUL character (`\\x00`) cannot be stored by PostgreSQL: a request carrying one anywhere (path,
  query, form field names and values, file names, JSON strings) is answered 400 with a sentence.
* A web form sent a JSON body it cannot read (`true`, `[1]`, `{"email": 5}`, or a chunked body
  with no length) is answered 400; the API (/api/) reads its own bodies.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, ValidationError

from ..inputs import MAX_DIGITS, MAX_ID

NUL_MESSAGE = ("Your request contains a character that cannot be stored (a NUL, \\x00). "
               "Remove it and try again.")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` for ids: ASCII digits only, at most the largest integer column value."""

    regex = rf"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValidationError()  # the route does not match: 404
        return number


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _refuse_nul() -> None:
    """Answer 400 for a NUL anywhere in the request."""
    if "\x00" in request.path or "\x00" in request.query_string.decode("latin-1"):
        abort(400, NUL_MESSAGE)
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        abort(400, NUL_MESSAGE)
    if request.method not in BODY_METHODS:
        return
    if request.is_json:
        if _has_nul(request.get_json(silent=True)):
            abort(400, NUL_MESSAGE)
        return
    if any("\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)):
        abort(400, NUL_MESSAGE)
    if any("\x00" in key or "\x00" in (upload.filename or "")
           for key, upload in request.files.items(multi=True)):
        abort(400, NUL_MESSAGE)


def _refuse_json_a_form_cannot_read() -> None:
    """Answer 400, not 500, when a web form is sent JSON it cannot read.

    Flask-WTF takes a JSON body as the form's data, and fails on anything but an object of
    strings. A chunked body has no Content-Length, so the body itself is what is checked.
    """
    if request.path.startswith("/api/") or request.method not in BODY_METHODS \
            or not request.is_json:
        return
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not all(
            isinstance(value, str) or (isinstance(value, list)
                                       and all(isinstance(item, str) for item in value))
            for value in body.values()):
        abort(400, "This page takes a web form: send the form's fields as text.")


def register_request_guards(app: Flask) -> None:
    """Bound integer path parts and refuse NULs and unreadable JSON before every view."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_refuse_nul)
    app.before_request(_refuse_json_a_form_cannot_read)
