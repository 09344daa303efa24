"""What views and templates share: the clock, role checks, formatting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps

from flask import Flask, abort, current_app, request, session
from flask_login import current_user, login_required, login_user
from wtforms.validators import ValidationError

from ..inputs import MAX_YEAR, MIN_YEAR, year_in_range
from ..models import utcnow
from ..permissions import roles as permissions
from ..services.accounts import sessions


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
        raise ValidationError(f"Enter a date between {MIN_YEAR} and {MAX_YEAR}.")


def form_data(form) -> dict[str, list[str]]:
    """Return a request form as a plain dict of lists, for the pure grading code."""
    return {key: form.getlist(key) for key in form}


def _date(value: datetime | None, fmt: str = "%d %b %Y") -> str:
    return value.strftime(fmt) if value else ""


def register_helpers(app: Flask) -> None:
    """Expose permission predicates and filters to Jinja."""
    app.jinja_env.globals.update(perm=permissions, site_name=app.config["TPCOURSE_SITE_NAME"])
    app.jinja_env.filters["date"] = _date
    app.jinja_env.filters["datetime"] = lambda v: _date(v, "%d %b %Y, %H:%M UTC")
    app.jinja_env.filters["num"] = lambda v: f"{v:g}" if isinstance(v, int | float) else v
