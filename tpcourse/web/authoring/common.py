"""What the studio's views share: error summaries, downloads, form choices."""

from __future__ import annotations

from typing import Any

from flask import Response
from wtforms import FieldList, FormField

from ...services.authoring.quizzes import Workspace, body_maps
from .forms import choice_list

ROW_NAMES = {"options": "Option", "pairs": "Pair", "regions": "Region"}


def error_list(form: Any, general: dict[str, list[str]] | None = None,
               anchors: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Return (field id, 'Label: message') for every error, nested rows included."""
    found: list[tuple[str, str]] = []
    for key, messages in (general or {}).items():
        found += [((anchors or {}).get(key, key), m) for m in messages]

    def walk(fields, prefix: str = "") -> None:
        for field in fields:
            if isinstance(field, FieldList):
                row = ROW_NAMES.get(field.short_name, field.short_name)
                for index, entry in enumerate(field.entries, start=1):
                    walk(entry.form if isinstance(entry, FormField) else [entry],
                         f"{row} {index}, ")
            elif isinstance(field, FormField):
                walk(field.form, prefix)
            else:
                label = field.label.text if field.label else field.name
                found.extend((field.id, f"{prefix}{label.lower() if prefix else label}: {m}")
                             for m in field.errors or ())

    walk(form)
    return found


def download(text: str | bytes, filename: str, mimetype: str) -> Response:
    """Send text as a file to save (never rendered in the browser)."""
    response = Response(text, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def objective_choices(ws: Workspace, current: str | None = None) -> list:
    """Offer the course's objectives (and a value from a draft that is not among them)."""
    known = ws.objectives or {}
    choices = [("", "— none —")] + [(code, f"{code}: {text}") for code, text in sorted(known.items())]
    if current and current not in known:
        choices.append((current, f"{current} (not declared by the course)"))
    return choice_list(choices)


def image_choices(current: str | None = None) -> list:
    """Offer the body-map SVGs in lessons/assets/."""
    names = [name for name, _box in body_maps()]
    choices = [("", "— choose an image —")] + [(n, n) for n in names]
    if current and current not in names:
        choices.append((current, f"{current} (not found)"))
    return choice_list(choices)
