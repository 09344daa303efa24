"""A user's own settings: the time zone their times are shown in, and whether verification
names the newer code of a renewed certificate."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import update

from ...extensions import db
from ...i18n_markers import N_
from ...models import User
from ..errors import ServiceError
from ..platform.languages import site_locales

# Aliases and legacy names browsers may still report (Chrome says "Asia/Calcutta"): accepted,
# but the list people pick from holds the current names only.
_LEGACY_PREFIXES = ("Etc/", "SystemV/", "US/", "posix", "right/", "Canada/", "Mexico/",
                    "Brazil/", "Chile/")
UNKNOWN_ZONE = N_("Choose your time zone from the list.")


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    """Every IANA time zone name this system knows (aliases included)."""
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def time_zone_choices() -> tuple[str, ...]:
    """The zones offered on the profile page: "Region/City" names and UTC, sorted."""
    names = (name for name in known_time_zones()
             if "/" in name and not name.startswith(_LEGACY_PREFIXES))
    return ("UTC", *sorted(names))


def valid_time_zone(name: str | None) -> str | None:
    """Return the zone name if this system knows it, else None."""
    name = (name or "").strip()
    return name if name in known_time_zones() else None


def set_time_zone(user: User, name: str) -> str:
    """Show the user's times in `name` from now on; ServiceError for an unknown zone."""
    zone = valid_time_zone(name)
    if zone is None:
        raise ServiceError(_(UNKNOWN_ZONE))
    user.time_zone = zone
    db.session.commit()
    return zone


def offered_locales() -> tuple[str, ...]:
    """The locales the site offers (`TPCOURSE_LOCALES`), the site default first."""
    return site_locales(current_app.config)


def reader_locale(user: User) -> str:
    """The language to write to `user` in away from their browser (a certificate, an email):
    their chosen one if the site still offers it, else the site default."""
    offered = offered_locales()
    return user.locale if user.locale in offered else offered[0]


def set_locale(user: User, code: str | None) -> None:
    """Serve the user's pages, emails and certificates in `code` from now on (a locale the
    site offers; the caller checks), or in what their browser asks for (None)."""
    db.session.execute(update(User).where(User.id == user.id).values(locale=code))
    db.session.commit()


def adopt_detected_time_zone(user_id: int, name: str) -> bool:
    """Store the zone the browser reported, unless the user already has one (a choice made
    on the profile page, or another device, is never overwritten). True when stored."""
    zone = valid_time_zone(name)
    if zone is None:
        raise ServiceError(_(UNKNOWN_ZONE))
    stored = db.session.execute(
        update(User).where(User.id == user_id, User.time_zone.is_(None)).values(time_zone=zone)
    ).rowcount
    db.session.commit()
    return stored == 1


def set_share_renewed_codes(user: User, share: bool) -> None:
    """Let (or stop letting) the verification page of a renewed certificate name the newer
    certificate's code (docs/certificates.md)."""
    user.share_renewed_codes = bool(share)
    db.session.commit()
