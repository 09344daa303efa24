"""Logging in with a school's OpenID provider: the authorisation code flow, by Authlib.

`begin` makes the authorisation URL with a fresh state, nonce and PKCE verifier (S256), which
the browser session keeps; `finish` checks the state, exchanges the code (with the verifier) at
the token endpoint, and checks the id token with joserfc (Authlib's JOSE): signature by a key of
the provider's key set, issuer, audience (our client id), expiry, issue time and nonce. The
person is matched by issuer + subject; an account is made only if the provider allows it, and
never joined to an existing one by email.
"""

from __future__ import annotations

import hashlib
import secrets as _secrets
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ...extensions import db
from ...models import User
from ...models.integrations import SsoIdentity, SsoProvider
from ...services.errors import ServiceError
from ...services.records.audit import record_event
from .. import secrets
from ..http import TIMEOUT_SECONDS, BoundedSession
from .providers import active_provider

PENDING_SECONDS = 600
ALGORITHMS = ("RS256", "PS256", "ES256", "EdDSA")
LEEWAY_SECONDS = 60
PLACEHOLDER_DOMAIN = "sso.invalid"


class LoginRefused(ServiceError):
    """A school login that fails a check: shown on the login page, nothing written."""


def _client(provider: SsoProvider, redirect_uri: str, config: Mapping[str, Any]) -> OAuth2Session:
    secret = secrets.unseal(provider.client_secret, config) if provider.client_secret else None
    client = OAuth2Session(provider.client_id, secret, scope=provider.scopes,
                           redirect_uri=redirect_uri, code_challenge_method="S256")
    return client


def begin(provider_id: int, redirect_uri: str, config: Mapping[str, Any],
          link_user_id: int | None = None) -> tuple[str, dict[str, Any]]:
    """The provider's authorisation URL, and what the browser session must keep until the
    callback (state, nonce, PKCE verifier; the account to link, when someone logged in asks)."""
    provider = active_provider(provider_id)
    verifier, nonce = generate_token(64), generate_token(32)
    try:
        url, state = _client(provider, redirect_uri, config).create_authorization_url(
            provider.authorization_endpoint, code_verifier=verifier, nonce=nonce)
    except secrets.SecretUnavailable as exc:
        raise LoginRefused(_("This school login is not set up completely: %(error)s",
                             error=exc)) from None
    return url, {"provider": provider.id, "state": state, "nonce": nonce, "verifier": verifier,
                 "started": int(time.time()), "link": link_user_id}


def _id_token_claims(provider: SsoProvider, id_token: str, nonce: str) -> dict[str, Any]:
    try:
        key_set = KeySet.import_key_set(BoundedSession().get(provider.jwks_uri).json())
        token = jwt.decode(id_token, key_set, algorithms=list(ALGORITHMS))
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS, iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": provider.client_id}, sub={"essential": True},
            exp={"essential": True}, iat={"essential": True},
            nonce={"essential": True, "value": nonce}).validate(token.claims)
    except (JoseError, ValueError, TypeError, KeyError, requests.RequestException) as exc:
        raise LoginRefused(_("The school's answer cannot be trusted: %(error)s",
                             error=str(exc)[:250])) from None
    claims = dict(token.claims)
    azp = claims.get("azp")
    if isinstance(claims.get("aud"), list) and len(claims["aud"]) > 1 and azp != provider.client_id:
        raise LoginRefused(_("The school's answer was meant for another application (azp)."))
    return claims


def _placeholder(provider: SsoProvider, subject: str) -> str:
    digest = hashlib.sha256(f"{provider.issuer} {subject}".encode()).hexdigest()[:20]
    return f"sso-{provider.id}-{digest}@{PLACEHOLDER_DOMAIN}"


def _new_account(provider: SsoProvider, claims: dict[str, Any], now: datetime) -> User:
    email = str(claims.get("email") or "").strip().lower()
    taken = not email or len(email) > 254 or claims.get("email_verified") is not True or \
        db.session.execute(select(User.id).where(User.email == email)).first() is not None
    name = str(claims.get("name") or " ".join(
        str(part) for part in (claims.get("given_name"), claims.get("family_name")) if part)
        or email or "School user").strip()[:200]
    user = User(email=_placeholder(provider, claims["sub"]) if taken else email, name=name,
                role="trainee", school_id=provider.school_id, created_at=now,
                password_hash=generate_password_hash(_secrets.token_urlsafe(32)))
    db.session.add(user)
    db.session.flush()
    return user


def finish(pending: Mapping[str, Any] | None, callback_url: str, state: str | None,
           redirect_uri: str, config: Mapping[str, Any], now: datetime) -> User:
    """Complete a school login from the provider's callback; the user to sign in."""
    if not pending or not state or not _secrets.compare_digest(str(pending.get("state")),
                                                               str(state)):
        raise LoginRefused(_("This school login does not belong to this browser (state). "
                             "Start again from the login page."))
    if int(time.time()) - int(pending.get("started", 0)) > PENDING_SECONDS:
        raise LoginRefused(_("This school login took too long. Start again from the login "
                             "page."))
    provider = active_provider(int(pending["provider"]))
    answered_by = parse_qs(urlsplit(callback_url).query).get("iss")
    if answered_by and answered_by[0] != provider.issuer:  # RFC 9207: a mixed-up provider
        raise LoginRefused(_("This answer comes from another provider than the one you "
                             "chose."))
    client = _client(provider, redirect_uri, config)
    try:
        token = client.fetch_token(provider.token_endpoint, authorization_response=callback_url,
                                   state=pending["state"], code_verifier=pending["verifier"],
                                   timeout=TIMEOUT_SECONDS)
    except (OAuthError, requests.RequestException, ValueError) as exc:
        raise LoginRefused(_("The school did not confirm this login: %(error)s",
                             error=str(exc)[:250])) from None
    if not token.get("id_token"):
        raise LoginRefused(_("The school's answer had no id token."))
    claims = _id_token_claims(provider, token["id_token"], str(pending["nonce"]))
    return _account_for(provider, claims, pending.get("link"), now)


def _account_for(provider: SsoProvider, claims: dict[str, Any], link_user_id: int | None,
                 now: datetime) -> User:
    subject = str(claims["sub"])[:255]
    identity = db.session.execute(select(SsoIdentity).where(
        SsoIdentity.issuer == provider.issuer, SsoIdentity.subject == subject)
    ).scalar_one_or_none()
    if identity is not None:
        if link_user_id is not None and identity.user_id != link_user_id:
            raise LoginRefused(_("This school login belongs to another account already."))
        user = db.session.get(User, identity.user_id)
    elif link_user_id is not None:
        user = db.session.get(User, link_user_id)
    elif provider.create_accounts:
        user = _new_account(provider, claims, now)
    else:
        raise LoginRefused(_("No account here is linked to your %(provider)s login yet. Log in "
                             "with your password and choose \"Log in with %(provider)s\" once "
                             "to link it, or ask your school.", provider=provider.name))
    if user is None or not user.active:
        raise LoginRefused(_("This account is closed."))
    if identity is None:
        identity = SsoIdentity(provider_id=provider.id, issuer=provider.issuer, subject=subject,
                               user_id=user.id, created_at=now)
        db.session.add(identity)
        record_event("sso.identity_linked", {"provider": provider.id, "user": user.id},
                     f"user:{user.id}", now)
    identity.last_login_at = now
    db.session.commit()
    return user
