"""Endpoint secrets: Standard Webhooks `whsec_` secrets, kept encrypted with a key derived
from SECRET_KEY (Fernet), so a copy of the database alone cannot forge a school's webhooks."""

from __future__ import annotations

import base64
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PREFIX = "whsec_"


def new_secret() -> str:
    """A fresh endpoint secret: `whsec_` and 32 random bytes in base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tpcourse.webhook-secrets",
               info=b"fernet").derive(current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    """Encrypt a secret for the database."""
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    """Decrypt a stored secret; ValueError if SECRET_KEY changed since it was stored."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise ValueError("The endpoint's secret cannot be read: SECRET_KEY changed since it "
                         "was made. Rotate the secret on the endpoint's page.") from None
