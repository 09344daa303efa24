"""OIDC login initiation and launches: the protocol by pylti1p3, state and nonce kept here.

The login (`/lti/login`) stores a state and a nonce (`lti_login_states`) and sets the state in a
short cookie; the launch (`/lti/launch`) must bring both back: the state cookie of the same
browser, and an id token signed with the platform's key, for this tool (audience = client id),
not expired, carrying the nonce — which is used up by the first launch that shows it, so a
replayed token is refused. Then the user is matched by `sub`, given the LMS role's counterpart
in the linked course, and the link (resource link) is recorded with its grade and roster
service addresses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.message_launch import MessageLaunch
from pylti1p3.oidc_login import OIDCLogin
from pylti1p3.session import SessionService
from sqlalchemy import delete, select, update

from ...extensions import db
from ...models import User
from ...models.integrations import LtiLink, LtiLoginState, LtiPlatform
from ...services.errors import ServiceError
from . import identities, targets
from .registrations import DatabaseToolConf

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
LOGIN_LIFETIME = timedelta(minutes=10)
"""How long a login may take to come back as a launch (the state cookie lives 5 minutes)."""
KEEP_STATES = timedelta(days=1)


class LaunchRefused(ServiceError):
    """A login or launch that fails the spec's checks: 400 with the reason."""


class LoginStateStore(SessionService):
    """pylti1p3's session service over `lti_login_states` instead of the browser session (which
    an LMS iframe may not send): the nonce is stored with its state and used once."""

    def __init__(self, now: datetime, state: str | None = None) -> None:  # no super(): no session
        self.now, self.state = now, state
        self.nonce: str | None = None
        self.platform: LtiPlatform | None = None

    def save_nonce(self, nonce: str) -> None:
        self.nonce = nonce

    def save_state_params(self, state: str, params: Mapping[str, object]) -> None:
        db.session.add(LtiLoginState(state=state, nonce=self.nonce, created_at=self.now,
                                     platform_id=int(params["platform"])))

    def check_nonce(self, nonce: str) -> bool:
        """Use the nonce up: true once, for the state it was issued with, within its lifetime."""
        if not self.state or not isinstance(nonce, str):
            return False
        used = db.session.execute(update(LtiLoginState).where(
            LtiLoginState.state == self.state, LtiLoginState.nonce == nonce,
            LtiLoginState.used_at.is_(None),
            LtiLoginState.created_at >= self.now - LOGIN_LIFETIME).values(used_at=self.now))
        return used.rowcount == 1

    def get_state_params(self, state: str) -> dict[str, object]:
        row = db.session.get(LtiLoginState, state)
        return {"platform": row.platform_id} if row else {}

    def check_state_is_valid(self, state: str, id_token_hash: str) -> bool:
        return False  # never accept a launch again without its state cookie

    def set_state_valid(self, state: str, id_token_hash: str) -> None:
        pass

    def save_launch_data(self, key: str, jwt_body: Mapping[str, Any]) -> None:
        pass  # what tpcourse needs of a launch is stored as an LtiLink

    def get_launch_data(self, key: str) -> None:
        return None


class _Login(OIDCLogin):
    def get_redirect(self, url: str) -> str:
        return url


class _Launch(MessageLaunch):
    def _get_request_param(self, key: str) -> str:
        return self._request.get_param(key)


def start_login(lti_request: Any, cookies: Any, config: Mapping[str, Any], now: datetime,
                launch_url: str) -> str:
    """Answer a platform's login initiation: the address of its authorisation endpoint, with a
    new state (also set as a cookie through `cookies`) and nonce."""
    db.session.execute(delete(LtiLoginState).where(LtiLoginState.created_at < now - KEEP_STATES))
    tool = DatabaseToolConf(config, now)
    store = LoginStateStore(now)
    login = _Login(lti_request, tool, store, cookies)
    try:
        login._registration = login.validate_oidc_login()
        login.pass_params_to_launch({"platform": tool.platform.id})
        url = login.get_redirect_object(launch_url)
    except (OIDCException, LtiException) as exc:
        db.session.rollback()
        raise LaunchRefused(_("This login request cannot be used: %(error)s", error=exc)) from None
    db.session.commit()
    return url


@dataclass
class Launch:
    """A validated launch: who, from which platform, into what, and how to show it."""

    user: User
    platform: LtiPlatform
    role: str  # instructor | trainee
    deployment_id: str
    link: LtiLink | None = None
    target: targets.Target | None = None
    deep_linking: dict[str, Any] | None = None
    document_target: str = "window"
    return_url: str | None = None
    claims: dict[str, Any] = field(default_factory=dict)


REASONS = {  # pylti1p3's message: why, for "This launch cannot be accepted: <why>"
    "Registration not found": _l("it is not meant for this tool (no registered LMS has its "
                                 "issuer and audience)"),
    "Client id not registered": _l("it is not meant for this tool (audience)"),
    "Invalid Nonce": _l("its nonce is unknown or used already (a replayed launch)"),
    "State not found": _l("it does not answer a login this browser started (state)"),
    "Signature verification failed": _l("its signature does not match the LMS's key"),
    "Signature has expired": _l("its id token has expired"),
    "Unable to find deployment": _l("its deployment is not registered for this LMS"),
}


def _reason(message: str) -> str:
    """pylti1p3's reason, said for the person who sees it (in their language)."""
    return next((str(said) for found, said in REASONS.items() if found in message), message)


def _validated_claims(lti_request: Any, cookies: Any, config: Mapping[str, Any],
                      now: datetime) -> tuple[dict[str, Any], LtiPlatform]:
    tool = DatabaseToolConf(config, now)
    store = LoginStateStore(now, lti_request.get_param("state"))
    launch = _Launch(lti_request, tool, session_service=store, cookie_service=cookies)
    # PyJWT checks the signature and `exp`; pylti1p3 the state cookie, nonce, issuer, audience
    # (client id) and deployment. An id token without `exp` or `iat` is refused too.
    launch.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})
    try:
        claims = dict(launch.get_launch_data())
    except LtiException as exc:
        raise LaunchRefused(_("This launch cannot be accepted: %(reason)s",
                              reason=_reason(str(exc)))) from None
    except (KeyError, TypeError, ValueError, AttributeError):  # a body pylti1p3 could not read
        raise LaunchRefused(_("This launch cannot be accepted: its id token is "
                              "malformed.")) from None
    state = db.session.get(LtiLoginState, store.state)
    if tool.platform is None or state is None or state.platform_id != tool.platform.id:
        raise LaunchRefused(_("This launch cannot be accepted: it answers another platform's "
                              "login."))
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise LaunchRefused(_("This launch cannot be accepted: it names no user (sub)."))
    return claims, tool.platform


def _upsert_link(platform: LtiPlatform, claims: dict[str, Any], target: targets.Target,
                 deployment_id: str, now: datetime) -> LtiLink:
    resource = claims.get(CLAIM + "resource_link") or {}
    context = claims.get(CLAIM + "context") or {}
    ags = claims.get(AGS_CLAIM) or {}
    nrps = claims.get(NRPS_CLAIM) or {}
    link = db.session.execute(select(LtiLink).where(
        LtiLink.platform_id == platform.id, LtiLink.deployment_id == deployment_id,
        LtiLink.resource_link_id == str(resource.get("id", ""))[:255])).scalar_one_or_none()
    if link is None:
        link = LtiLink(platform_id=platform.id, deployment_id=deployment_id,
                       resource_link_id=str(resource.get("id", ""))[:255], created_at=now)
        db.session.add(link)
    context_id = str(context["id"])[:255] if context.get("id") else None
    link.context_id, link.context_title = context_id, str(context.get("title") or "")[:255]
    link.title = str(resource.get("title") or target.title)[:255]
    link.target, link.course_id, link.quiz_id = target.key, target.course_id, target.quiz_id
    link.lineitem_url = (str(ags["lineitem"])[:1000] if ags.get("lineitem") else None)
    link.lineitems_url = (str(ags["lineitems"])[:1000] if ags.get("lineitems") else None)
    link.ags_scopes = [str(scope) for scope in ags.get("scope") or []][:10]
    link.memberships_url = (str(nrps["context_memberships_url"])[:1000]
                            if nrps.get("context_memberships_url") else None)
    link.updated_at = now
    if link.cohort_id is None:
        link.cohort_id = identities.cohort_for(platform, context_id, link.context_title,
                                               target.course_id, now)
    db.session.flush()
    return link


def accept_launch(lti_request: Any, cookies: Any, config: Mapping[str, Any],
                  now: datetime) -> Launch:
    """Validate a launch and carry it out: the user (matched by `sub`, made if new), their role
    in the linked course, the link. LaunchRefused, with nothing written, when it fails a check."""
    try:
        claims, platform = _validated_claims(lti_request, cookies, config, now)
        subject = claims["sub"][:255]
        role = identities.lms_role(claims.get(CLAIM + "roles") or [])
        user = identities.user_for(platform, subject,
                                   identities.display_name(claims, subject), now)
        presentation = claims.get(CLAIM + "launch_presentation") or {}
        launch = Launch(user, platform, role, str(claims[CLAIM + "deployment_id"]),
                        document_target=str(presentation.get("document_target") or "window"),
                        return_url=presentation.get("return_url"), claims=claims)
        if claims.get(CLAIM + "message_type") == "LtiDeepLinkingRequest":
            if role != "instructor":
                raise LaunchRefused(_("Only the LMS course's instructors can place tpcourse "
                                      "content."))
            launch.deep_linking = dict(claims.get(DEEP_LINKING_CLAIM) or {})
        else:
            custom = claims.get(CLAIM + "custom") or {}
            launch.target = targets.resolve(custom.get(targets.TARGET_PARAMETER)
                                            if isinstance(custom, dict) else None)
            if launch.target is None:
                raise LaunchRefused(_("This LMS link does not name a tpcourse course, module or "
                                      "quiz. Ask the LMS course's instructor to place it again "
                                      "(through \"Select content\")."))
            launch.link = _upsert_link(platform, claims, launch.target, launch.deployment_id, now)
            identities.give_role(user, role, launch.target.course_id, launch.link.cohort_id, now)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return launch

