"""The reader's language: which locale a request is served in (the footer's switcher posts to
`profile.choose_language`).

The locale comes from the signed-in account's setting, else the language the visitor chose
with the switcher (kept in the session), else the browser's `Accept-Language`, else the site
default (the first of `TPCOURSE_LOCALES`). docs/translations.md describes it.
"""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale, refresh
from flask_login import current_user

from ..services.accounts import profile
from ..services.platform import languages

SESSION_KEY = "locale"


def site_locales() -> tuple[str, ...]:
    """The locales the interface offers, the site default first."""
    return languages.site_locales(current_app.config)


def select_locale() -> str:
    """The locale of this request (Flask-Babel's locale selector)."""
    offered = site_locales()
    if not has_request_context():  # a job or the CLI: force_locale chooses, else the default
        return offered[0]
    chosen = getattr(current_user, "locale", None) if current_user else None
    if chosen in offered:
        return chosen
    if session.get(SESSION_KEY) in offered:
        return session[SESSION_KEY]
    return request.accept_languages.best_match(offered) or offered[0]


def select_time_zone() -> str | None:
    """The signed-in user's time zone (Flask-Babel's formatting), else UTC."""
    if not has_request_context():
        return "UTC"
    name = getattr(current_user, "time_zone", None) if current_user else None
    return profile.valid_time_zone(name) or "UTC"


@lru_cache(maxsize=32)
def language_name(code: str) -> str:
    """A language's name in that language, as people look for it: "English", "Español"."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=32)
def text_direction(code: str) -> str:
    """"rtl" for languages written right to left, else "ltr" (the `dir` of `<html>`)."""
    try:
        return "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"
    except (UnknownLocaleError, ValueError):
        return "ltr"


def current_locale() -> str:
    """This request's locale as a plain code ("es"), for services and pure code."""
    return str(get_locale() or site_locales()[0])


def register_i18n(app: Flask) -> None:
    """Bind Flask-Babel with the selectors above and give templates the page's language."""
    from ..extensions import babel

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_time_zone,
                   default_translation_directories="translations")

    # Flask-Babel keeps the locale on `g`, which lives as long as the app context: where one
    # context serves several requests (a test's, a job runner's), each starts afresh.
    app.before_request(refresh)

    @app.template_filter("course_title")
    def course_title(version) -> str:
        """A course version's title in the page's language, where a current translation has it
        (one look-up; for short lists such as a trainee's records)."""
        from ..services.learning.translations import course_title as title_in

        return title_in(version, current_locale())

    @app.context_processor
    def language():
        code = current_locale()
        return {"html_lang": code.replace("_", "-"), "text_direction": text_direction(code),
                "site_languages": [(c, language_name(c)) for c in site_locales()]}
