"""Writing to someone in their language: every email (and in-app notice) is built for one
recipient, under `in_language_of(recipient)`, whoever's request or job builds it.

The recipient's language is their account's `locale` when the site offers it, else the language
the request that asked for the email was served in (a sign-up link to an address without an
account), else the site default: the first of `TPCOURSE_LOCALES`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import current_app
from flask_babel import force_locale, get_locale

from ..platform.languages import site_locales


def offered_locales() -> tuple[str, ...]:
    """The site's locales (`TPCOURSE_LOCALES`), the default first."""
    return site_locales(current_app.config)


def recipient_locale(recipient: Any = None, fallback: str | None = None) -> str:
    """The locale to write to `recipient` in: their `locale` (an account, or a code) when the
    site offers it, else `fallback` when offered, else the site default."""
    offered = offered_locales()
    chosen = recipient if isinstance(recipient, str) else getattr(recipient, "locale", None)
    for code in (chosen, fallback):
        if code in offered:
            return code
    return offered[0]


def asking_locale() -> str | None:
    """The language this request (or job) is served in, to hand to a job that will write to
    someone without an account: None outside a request's locale."""
    locale = get_locale()
    return str(locale) if locale is not None else None


@contextmanager
def in_language_of(recipient: Any = None, fallback: str | None = None) -> Iterator[str]:
    """Translate (gettext, templates, dates) in the recipient's language inside the block."""
    code = recipient_locale(recipient, fallback)
    with force_locale(code):
        yield code
