"""What views and templates share: the clock, role checks, formatting."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import wraps
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, abort, current_app, has_request_context, request, session
from flask_babel import (
    format_decimal,
    get_locale,
    get_translations,
    gettext,
    ngettext,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from markupsafe import Markup
from wtforms.validators import ValidationError

from ..content.markdown import plain_text
from ..i18n_markers import Sentence
from ..inputs import MAX_YEAR, MIN_YEAR, year_in_range
from ..models import utcnow
from ..permissions import roles as permissions
from ..records.certificate import format_date
from ..services.accounts import sessions

_UTC = ZoneInfo("UTC")


def now() -> datetime:
    """Return the current time; tests may set TPCOURSE_NOW to a callable to control it."""
    clock = current_app.config.get("TPCOURSE_NOW")
    return clock() if clock else utcnow()


def start_session(user, remember: bool = False) -> None:
    """Sign the user in on this browser, as a new session of its own (a row of user_sessions,
    which logging out ends): the one way every login — password, LMS launch, school SSO — does it."""
    session.clear()  # start the logged-in session afresh: nothing carried over
    sessions.start_session(user, request.user_agent.string, now())
    login_user(user, remember=remember)


def roles_required(*roles: str) -> Callable:
    """Allow a view only to logged-in users with one of the roles (admins always)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not permissions.has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def sensible_year(form, field) -> None:
    """WTForms validator: a typed date's year lies between MIN_YEAR and MAX_YEAR."""
    if field.data and not year_in_range(field.data.year):
        raise ValidationError(gettext("Enter a date between %(first)s and %(last)s.",
                                      first=MIN_YEAR, last=MAX_YEAR))


def form_data(form) -> dict[str, list[str]]:
    """Return a request form as a plain dict of lists, for the pure grading code."""
    return {key: form.getlist(key) for key in form}


def user_zone() -> ZoneInfo:
    """The signed-in user's time zone (chosen or detected), else UTC."""
    if has_request_context() and current_user and current_user.is_authenticated:
        name = getattr(current_user, "time_zone", None)
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):  # a zone the system no longer knows
                pass
    return _UTC


def format_day(value: date | datetime | str | None) -> str:
    """Write a calendar day as everywhere in tpcourse, certificates included: "7 March 2025".

    A datetime gives its UTC day, the day its certificate and verification page show, so one
    record never shows two different days.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return format_date(value, _locale())


def format_moment(value: datetime, zone: ZoneInfo | None = None) -> str:
    """Write a moment in a time zone: "7 March 2025, 14:05 CET" ("7 de marzo de 2025, 14:05
    CET" in Spanish): the day as `format_day` writes it, the time on the 24-hour clock."""
    local = value.astimezone(zone or _UTC)
    label = "UTC" if (zone or _UTC) is _UTC else local.tzname()
    return f"{format_date(local.date(), _locale())}, {local:%H:%M} {label}"


def _locale() -> str:
    """The locale pages are being written in ("en" outside a request and `force_locale`)."""
    return str(get_locale() or "en")


def time_element(value: datetime | None) -> Markup:
    """A moment in the user's zone, as `<time>` with the UTC instant machine-readable and,
    when the zone is not UTC, the UTC time on hover."""
    if value is None:
        return Markup("")
    zone = user_zone()
    instant = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    shown = format_moment(value, zone)
    title = "" if zone is _UTC else Markup(' title="{}"').format(format_moment(value))
    return Markup('<time datetime="{}"{}>{}</time>').format(instant, title, shown)


def percent(value: float | None, pass_mark: float | None = None) -> Markup:
    """A score as people read it: a whole percentage ("92 %"), the exact figure on hover.

    One decimal is kept where rounding would cross the pass mark (79.6 % is not a pass of 80).
    """
    if value is None:
        return Markup("—")
    whole = round(value)
    crosses = pass_mark is not None and (whole >= pass_mark) != (value >= pass_mark)
    shown = f"{int(value * 10) / 10:g}" if crosses else f"{whole:d}"
    if float(shown) == value:
        return Markup("{}\u00a0%").format(format_decimal(float(shown)))
    exact = format_decimal(round(value, 2))
    return Markup('<span class="exact" title="{}">{}\u00a0%</span>').format(
        gettext("Exactly %(percent)s\u00a0%%", percent=exact), format_decimal(float(shown)))


def duration(minutes: float | None) -> str:
    """Write a number of minutes in the units people use: "30 minutes", "24 hours", "3 days"."""
    if not minutes:
        return gettext("no time")
    minutes = round(minutes)
    if minutes < 60:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if minutes <= 48 * 60 or minutes % (24 * 60):
        hours, rest = divmod(minutes, 60)
        if not rest:
            return ngettext("%(num)d hour", "%(num)d hours", hours)
        return gettext("%(hours)s %(minutes)s",
                       hours=ngettext("%(num)d hour", "%(num)d hours", hours),
                       minutes=ngettext("%(num)d minute", "%(num)d minutes", rest))
    return ngettext("%(num)d day", "%(num)d days", minutes // (24 * 60))


def number(value):
    """A number without a needless decimal ("7.5", "8"), with the locale's decimal sign on
    pages in other languages ("7,5"); anything else unchanged."""
    if not isinstance(value, int | float):
        return value
    shown = f"{value:g}"
    if _locale().split("_")[0] == "en" or "e" in shown:
        return shown
    return format_decimal(float(shown), format="0.######")


def plural(count: float, noun: str, many: str | None = None) -> str:
    """Return "1 lesson", "3 lessons" (or the irregular plural given): English only; pages
    being translated use ngettext instead."""
    shown = f"{count:g}" if isinstance(count, float) else str(count)
    return f"{shown} {noun if count == 1 else (many or noun + 's')}"


def say(text: str | None) -> str:
    """A sentence from pure code or a service in the page's language: a `Sentence` with its
    values (moments written for the locale), or a plain marked string looked up as it is.
    English pages show the source sentence exactly as it was written."""
    if not text:
        return ""
    if _locale() == "en":
        return str(text)
    catalogue = get_translations()  # plain look-ups: the Sentence fills in its own values
    if isinstance(text, Sentence):
        return text.render(catalogue.ugettext, catalogue.ungettext, format_moment)
    return catalogue.ugettext(str(text))


def plural_count(value: float) -> int:
    """The count that picks the plural form for a number that may have decimals: a whole
    number is itself, any other ("1.5 hours") takes the plural form, as in English and Spanish
    (gettext wants a whole number)."""
    return int(value) if float(value).is_integer() else 2


ROLE_NAMES = {"trainee": _l("trainee"), "instructor": _l("instructor"),
              "school_admin": _l("school admin"), "admin": _l("admin")}
STATUS_NAMES = {"valid": _l("valid"), "expired": _l("expired"), "revoked": _l("revoked")}
COURSE_TYPE_NAMES = {"Live": _l("Live"), "Home Study": _l("Home Study"),
                     "Webinar": _l("Webinar")}


def status_name(status: str) -> str:
    """A certificate's status (valid, expired, revoked) in the page's language."""
    return str(STATUS_NAMES.get(status, status))


def course_type_name(course_type: str) -> str:
    """A CE course type (content/lessonfile.py COURSE_TYPES) in the page's language."""
    return str(COURSE_TYPE_NAMES.get(course_type, course_type))


def role_name(role: str) -> str:
    """A role as people read it, in the page's language: "school admin"."""
    return str(ROLE_NAMES.get(role, role.replace("_", " ")))


_TABLE = re.compile(r"<table>(.*?)</table>", re.DOTALL)


def scrollable_tables(html: str) -> Markup:
    """Wrap each table of sanitised lesson HTML in a box that scrolls sideways on its own, so a
    wide table never makes the page scroll at 320 px. The box is a labelled, focusable region:
    keyboard users can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable)."""
    count = iter(range(1, 1000))
    return Markup(_TABLE.sub(
        lambda m: f'<div class="table-scroll" role="region" tabindex="0" '
                  f'aria-label="{_table_label(next(count))}"><table>{m.group(1)}</table></div>',
        html))


def _table_label(number: int) -> Markup:
    """The accessible name of a lesson's table box: "Table 2"."""
    return Markup.escape(gettext("Table %(number)s", number=number))


def register_helpers(app: Flask) -> None:
    """Expose permission predicates and filters to Jinja."""
    app.jinja_env.globals.update(perm=permissions, site_name=app.config["TPCOURSE_SITE_NAME"])
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["datetime"] = time_element
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["duration"] = duration
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.globals.update(role_name=role_name, status_name=status_name,
                                 course_type_name=course_type_name, plural_count=plural_count)
    app.jinja_env.filters["say"] = say
    app.jinja_env.filters["scrollable_tables"] = scrollable_tables
    app.jinja_env.filters["plain_markdown"] = plain_text
    app.jinja_env.filters["num"] = number
