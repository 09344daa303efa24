"""What the studio's views share: error summaries, downloads, form choices."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField

from ...services.authoring.quizzes import Workspace, body_maps
from .forms import choice_list

ROW_NAMES = {"options": _l("Option %(number)s, %(field)s: %(message)s"),
             "pairs": _l("Pair %(number)s, %(field)s: %(message)s"),
             "regions": _l("Region %(number)s, %(field)s: %(message)s")}
"""How an error in a row of a question's options, pairs or regions is named."""


def error_list(form: Any, general: dict[str, list[str]] | None = None,
               anchors: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Return (field id, 'Label: message') for every error, nested rows included."""
    found: list[tuple[str, str]] = []
    for key, messages in (general or {}).items():
        found += [((anchors or {}).get(key, key), m) for m in messages]

    def walk(fields, row: tuple[str, int] | None = None) -> None:
        for field in fields:
            if isinstance(field, FieldList):
                for index, entry in enumerate(field.entries, start=1):
                    walk(entry.form if isinstance(entry, FormField) else [entry],
                         (field.short_name, index))
            elif isinstance(field, FormField):
                walk(field.form, row)
            else:
                label = str(field.label.text) if field.label else field.name
                found.extend((field.id, _row_error(row, label, m)) for m in field.errors or ())

    walk(form)
    return found


def _row_error(row: tuple[str, int] | None, label: str, message: str) -> str:
    """'Label: message', or 'Option 2, text: message' for a field of a question's row."""
    if row is None:
        return _("%(field)s: %(message)s", field=label, message=message)
    name, number = row
    if name in ROW_NAMES:
        return str(ROW_NAMES[name]) % {"number": number, "field": label.lower(),
                                       "message": message}
    return f"{name} {number}, {label.lower()}: {message}"


def download(text: str | bytes, filename: str, mimetype: str) -> Response:
    """Send text as a file to save (never rendered in the browser)."""
    response = Response(text, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def objective_choices(ws: Workspace, current: str | None = None) -> list:
    """Offer the course's objectives (and a value from a draft that is not among them)."""
    known = ws.objectives or {}
    choices = [("", _("— none —"))] + [(code, f"{code}: {text}")
                                       for code, text in sorted(known.items())]
    if current and current not in known:
        choices.append((current, _("%(code)s (not declared by the course)", code=current)))
    return choice_list(choices)


def image_choices(current: str | None = None) -> list:
    """Offer the body-map SVGs in lessons/assets/."""
    names = [name for name, _box in body_maps()]
    choices = [("", _("— choose an image —"))] + [(n, n) for n in names]
    if current and current not in names:
        choices.append((current, _("%(name)s (not found)", name=current)))
    return choice_list(choices)
