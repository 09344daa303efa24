"""The tool's RSA keys: LTI platforms check tpcourse's signatures (client assertions for the grade
and roster services, deep-linking responses) against the key set at `/lti/keys.json`.

Keys live in the database (`lti_tool_keys`), the private half sealed (integrations.secrets), so
every worker signs with the same key. The newest live key signs; `flask lti rotate-key` makes a
new one and retires the old, which stays published for KEEP_RETIRED_DAYS so a platform that
cached the set, or holds a token signed just before, still verifies it. This set is separate
from the Ed25519 records key set (`/.well-known/tpcourse-keys.json`): LMSs expect RS256 keys only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from sqlalchemy import select, update

from ...extensions import db
from ...models.integrations import LtiToolKey
from .. import secrets

KEEP_RETIRED_DAYS = 30
KEY_BITS = 2048


@dataclass(frozen=True)
class ToolKey:
    """A usable key: its id, private PEM and public PEM."""

    kid: str
    private_pem: str
    public_pem: str


def public_jwk(public_pem: str) -> dict[str, Any]:
    """The JWK of a public key as platforms expect it: RS256, `use: sig`, kid = its thumbprint."""
    jwk = json.loads(JWK.from_pem(public_pem.encode()).export_public())
    return {**jwk, "alg": "RS256", "use": "sig"}


def _new_key(config: Mapping[str, Any], now: datetime) -> LtiToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    jwk = public_jwk(public_pem)
    row = LtiToolKey(kid=jwk["kid"], private_key=secrets.seal(private_pem, config),
                     public_jwk=jwk, created_at=now)
    db.session.add(row)
    return row


def _live() -> list[LtiToolKey]:
    return list(db.session.execute(select(LtiToolKey).where(LtiToolKey.retired_at.is_(None))
                                   .order_by(LtiToolKey.created_at.desc())).scalars())


def signing_key(config: Mapping[str, Any], now: datetime) -> ToolKey:
    """The key that signs now: the newest live one, made on first use."""
    live = _live()
    row = live[0] if live else _new_key(config, now)
    if not live:
        db.session.commit()
    private_pem = secrets.unseal(row.private_key, config)
    public_pem = serialization.load_pem_private_key(private_pem.encode(), None).public_key() \
        .public_bytes(serialization.Encoding.PEM,
                      serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return ToolKey(row.kid, private_pem, public_pem)


def rotate(config: Mapping[str, Any], now: datetime) -> str:
    """Make a new signing key and retire the others (still published for a while); return its id."""
    db.session.execute(update(LtiToolKey).where(LtiToolKey.retired_at.is_(None))
                       .values(retired_at=now))
    row = _new_key(config, now)
    db.session.commit()
    return row.kid


def key_set(config: Mapping[str, Any], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """The public keys platforms may see a signature of: live keys and recently retired ones."""
    if not _live():
        signing_key(config, now)
    rows = db.session.execute(select(LtiToolKey).where(
        (LtiToolKey.retired_at.is_(None))
        | (LtiToolKey.retired_at > now - timedelta(days=KEEP_RETIRED_DAYS)))
        .order_by(LtiToolKey.created_at.desc())).scalars()
    return {"keys": [row.public_jwk for row in rows]}
