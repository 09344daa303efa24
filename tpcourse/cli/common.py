"""What the command modules share: the content folders, the clock, and the operator's language."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale, get_translations

from ..i18n_markers import Sentence
from ..models import utcnow
from ..services.platform import languages


def content_folders() -> tuple[Path, Path]:
    """The configured lessons/ and quizzes/ folders."""
    return (Path(current_app.config["TPCOURSE_LESSONS_DIR"]),
            Path(current_app.config["TPCOURSE_QUIZZES_DIR"]))


def content_locales() -> tuple[str, ...]:
    """The site's locales that course content may be translated into (not the source's)."""
    from ..content.translations import parse_locales

    return tuple(parse_locales(languages.site_locales(current_app.config)))


def now() -> datetime:
    """The current time, or the app's test clock (TPCOURSE_NOW) when one is set."""
    clock = current_app.config.get("TPCOURSE_NOW")
    return clock() if clock else utcnow()


def operator_locale() -> str:
    """The language commands print in: the shell's (LC_ALL, LC_MESSAGES, LANG) when the site
    offers it, else the site default."""
    return languages.operator_locale(os.environ, languages.site_locales(current_app.config))


def translated(text: Any) -> Any:
    """A sentence of pure code (`i18n_markers.Sentence`, its values too) in the current
    language; any other text as it is."""
    if not isinstance(text, Sentence):
        return text
    catalogue = get_translations()  # plain look-ups: the Sentence fills in its own values
    return text.render(catalogue.ugettext, catalogue.ungettext,
                       lambda moment: f"{moment:%Y-%m-%d %H:%M} UTC")


def speak_operator_language(command: click.Command) -> None:
    """Run the body of `command`, and of every command under it, in the operator's language,
    so what it prints, asks and refuses with is translated. Idempotent (each app registers the
    same command objects)."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            speak_operator_language(sub)
    if command.callback is not None and not hasattr(command.callback, "operator_language"):
        command.callback = _in_operator_language(command.callback)


def _in_operator_language(callback: Callable) -> Callable:
    """`callback` run under Flask-Babel's `force_locale(operator_locale())`, in the app's
    context (which `flask` pushes before any app command, and a test's CLI runner may not)."""
    @wraps(callback)
    def run(*args, **kwargs):
        with force_locale(operator_locale()):
            return callback(*args, **kwargs)

    run.operator_language = True
    return with_appcontext(run)
