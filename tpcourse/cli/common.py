"""What the command modules share: the content folders and the clock."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import current_app

from ..models import utcnow


def content_folders() -> tuple[Path, Path]:
    """The configured lessons/ and quizzes/ folders."""
    return (Path(current_app.config["TPCOURSE_LESSONS_DIR"]),
            Path(current_app.config["TPCOURSE_QUIZZES_DIR"]))


def content_locales() -> tuple[str, ...]:
    """The site's locales that course content may be translated into (not the source's)."""
    from ..content.translations import parse_locales

    return tuple(parse_locales(current_app.config.get("TPCOURSE_LOCALES", "en,es")))


def now() -> datetime:
    """The current time, or the app's test clock (TPCOURSE_NOW) when one is set."""
    clock = current_app.config.get("TPCOURSE_NOW")
    return clock() if clock else utcnow()
