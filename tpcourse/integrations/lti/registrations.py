"""Platforms a school registered, as pylti1p3 sees them (a tool configuration read from the
database), and the admin's use cases: register, edit, list."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config import ToolConfAbstract
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import School
from ...models.integrations import LtiLink, LtiPlatform
from ...services.errors import Conflict, NotFound, ServiceError
from ...services.records.audit import record_event
from . import keys


def registration_for(platform: LtiPlatform, config: Mapping[str, Any],
                     now: datetime) -> Registration:
    """The pylti1p3 registration of a platform, with tpcourse's current signing key."""
    key = keys.signing_key(config, now)
    registration = (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
                    .set_auth_login_url(platform.auth_login_url)
                    .set_auth_token_url(platform.auth_token_url)
                    .set_key_set_url(platform.key_set_url)
                    .set_tool_private_key(key.private_pem).set_tool_public_key(key.public_pem))
    if platform.token_audience:
        registration.set_auth_audience(platform.token_audience)
    return registration


def find_platform(issuer: str | None, client_id: str | None) -> LtiPlatform | None:
    """The active platform with this issuer and client id (or the issuer's only one, when a
    login request names no client id)."""
    if not issuer:
        return None
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer, LtiPlatform.active.is_(True))
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    found = list(db.session.execute(query.limit(2)).scalars())
    return found[0] if len(found) == 1 else None


class DatabaseToolConf(ToolConfAbstract):
    """pylti1p3's tool configuration over `lti_platforms`; remembers the platform it found."""

    def __init__(self, config: Mapping[str, Any], now: datetime) -> None:
        super().__init__()
        self.config, self.now = config, now
        self.platform: LtiPlatform | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False  # one issuer may register several client ids (several schools, say)

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args, **kwargs) -> Registration | None:
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss: str, client_id: str | None, *args,
                                    **kwargs) -> Registration | None:
        platform = find_platform(iss, client_id)
        if platform is None:
            return None
        self.platform = platform
        return registration_for(platform, self.config, self.now)

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str | None,
                                  *args, **kwargs) -> Deployment | None:
        platform = find_platform(iss, client_id)
        if platform is None or deployment_id not in (platform.deployment_ids or []):
            return None
        return Deployment().set_deployment_id(deployment_id)


@dataclass
class PlatformForm:
    """What an admin types to register a platform."""

    name: str
    issuer: str
    client_id: str
    deployment_ids: list[str]
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    token_audience: str = ""
    active: bool = True


def _check_url(problem: str, url: str) -> None:
    """Raise `problem` unless `url` is a full web address."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ServiceError(problem)


def platforms_of(school: School) -> list[LtiPlatform]:
    """A school's registered platforms, by name."""
    return list(db.session.execute(select(LtiPlatform).where(LtiPlatform.school_id == school.id)
                                   .order_by(LtiPlatform.name, LtiPlatform.id)).scalars())


def links_of(school: School, limit: int = 100) -> list[tuple[LtiLink, str]]:
    """The LMS links of a school's platforms, newest first, with their platform's name."""
    return [(link, name) for link, name in db.session.execute(
        select(LtiLink, LtiPlatform.name).join(LtiPlatform, LtiPlatform.id == LtiLink.platform_id)
        .where(LtiPlatform.school_id == school.id).order_by(LtiLink.updated_at.desc())
        .limit(limit))]


def get_platform(school: School, platform_id: int) -> LtiPlatform:
    """One of the school's platforms; NotFound for another school's, so ids do not leak."""
    platform = db.session.get(LtiPlatform, platform_id)
    if platform is None or platform.school_id != school.id:
        raise NotFound(_("No such platform."))
    return platform


def save_platform(school: School, platform: LtiPlatform | None, form: PlatformForm,
                  actor: str, now: datetime) -> LtiPlatform:
    """Register a platform for the school, or change one; Conflict when the issuer and client id
    are registered already."""
    for problem, url in (
            (_("The authentication URL must be a full web address, like "
               "https://lms.example.edu/..."), form.auth_login_url),
            (_("The access token URL must be a full web address, like "
               "https://lms.example.edu/..."), form.auth_token_url),
            (_("The key set URL must be a full web address, like https://lms.example.edu/..."),
             form.key_set_url)):
        _check_url(problem, url)
    if not form.deployment_ids:
        raise ServiceError(_("Give at least one deployment id (the LMS shows it after you add "
                             "the tool)."))
    platform = platform or LtiPlatform(school_id=school.id, created_at=now)
    for name in ("name", "issuer", "client_id", "auth_login_url", "auth_token_url",
                 "key_set_url", "active"):
        setattr(platform, name, getattr(form, name))
    platform.deployment_ids = form.deployment_ids
    platform.token_audience = form.token_audience or None
    db.session.add(platform)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("That issuer and client id are registered already.")) from None
    record_event("lti.platform_saved", {"platform": platform.id, "school": school.id,
                                        "issuer": platform.issuer}, actor, now)
    db.session.commit()
    return platform
