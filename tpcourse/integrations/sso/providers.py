"""Schools' OpenID providers: set-up by admins, the login page's buttons, "SSO only" accounts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import School
from ...models.integrations import SsoProvider
from ...services.errors import Conflict, NotFound, ServiceError
from ...services.records.audit import record_event
from .. import secrets


@dataclass
class ProviderForm:
    """What an admin types to set up a provider. An empty secret keeps the stored one."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    scopes: str = "openid email profile"
    create_accounts: bool = False
    sso_only: bool = False
    active: bool = True


def providers_of(school: School) -> list[SsoProvider]:
    """A school's providers, by name."""
    return list(db.session.execute(select(SsoProvider).where(SsoProvider.school_id == school.id)
                                   .order_by(SsoProvider.name, SsoProvider.id)).scalars())


def login_buttons() -> list[SsoProvider]:
    """Every active provider, for the "Log in with ..." buttons."""
    return list(db.session.execute(select(SsoProvider).where(SsoProvider.active.is_(True))
                                   .order_by(SsoProvider.name, SsoProvider.id)).scalars())


def get_provider(school: School, provider_id: int) -> SsoProvider:
    """One of the school's providers; NotFound for another school's."""
    provider = db.session.get(SsoProvider, provider_id)
    if provider is None or provider.school_id != school.id:
        raise NotFound(_("No such provider."))
    return provider


def active_provider(provider_id: int) -> SsoProvider:
    """A provider people may log in with now; NotFound otherwise."""
    provider = db.session.get(SsoProvider, provider_id)
    if provider is None or not provider.active:
        raise NotFound(_("No such school login."))
    return provider


def password_login_allowed(user: Any) -> str | None:
    """None when the account may log in with its password; else the name of the school login it
    must use ("SSO only"). Site admins always may, so nobody is locked out by an outage.
    (Truthy means refused: the login form then answers as for a wrong password.)"""
    if user.role == "admin" or user.school_id is None:
        return None
    return db.session.execute(select(SsoProvider.name).where(
        SsoProvider.school_id == user.school_id, SsoProvider.active.is_(True),
        SsoProvider.sso_only.is_(True)).limit(1)).scalar()


SSO_ONLY_HINT = (" If your school signs you in itself, use its \u201cLog in with\u201d button "
                 "below.")


def any_sso_only() -> bool:
    """Whether some school signs its accounts in only through its provider (the login page then
    says so to everyone alike: which accounts are "SSO only" is not revealed)."""
    return bool(db.session.execute(select(exists().where(
        SsoProvider.active.is_(True), SsoProvider.sso_only.is_(True)))).scalar())


def _check_url(problem: str, url: str) -> None:
    """Raise `problem` unless `url` is a full web address."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ServiceError(problem)


def save_provider(school: School, provider: SsoProvider | None, form: ProviderForm,
                  config: Mapping[str, Any], actor: str, now: datetime) -> SsoProvider:
    """Set up a provider for the school, or change one (the secret is sealed before storing)."""
    for problem, url in (
            (_("The issuer must be a full web address, like https://id.example.edu/..."),
             form.issuer),
            (_("The authorization endpoint must be a full web address, like "
               "https://id.example.edu/..."), form.authorization_endpoint),
            (_("The token endpoint must be a full web address, like "
               "https://id.example.edu/..."), form.token_endpoint),
            (_("The key set URL (jwks_uri) must be a full web address, like "
               "https://id.example.edu/..."), form.jwks_uri)):
        _check_url(problem, url)
    if "openid" not in form.scopes.split():
        raise ServiceError(_("The scopes must include openid."))
    if provider is None and not form.client_secret:
        raise ServiceError(_("Give the client secret (or env:NAME to read it from the "
                             "environment)."))
    provider = provider or SsoProvider(school_id=school.id, created_at=now)
    for name in ("name", "issuer", "client_id", "authorization_endpoint", "token_endpoint",
                 "jwks_uri", "scopes", "create_accounts", "sso_only", "active"):
        setattr(provider, name, getattr(form, name))
    if form.client_secret:
        provider.client_secret = secrets.seal(form.client_secret, config)
    db.session.add(provider)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("This school has a provider with that issuer already.")) from None
    record_event("sso.provider_saved", {"provider": provider.id, "school": school.id,
                                        "issuer": provider.issuer, "sso_only": provider.sso_only},
                 actor, now)
    db.session.commit()
    return provider
