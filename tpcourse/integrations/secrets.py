"""Secrets of integrations at rest: sealed with a key of the site's, or named in the environment.

A stored secret is either `env:NAME` (the value is read from the environment variable NAME at use,
so it never enters the database) or `sealed:<Fernet token>`, encrypted with a key derived from
`TPCOURSE_SECRETS_KEY` (or, when that is unset, from `SECRET_KEY`). Changing that key makes the
sealed secrets unreadable: enter them again (docs/integrations.md).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask_babel import gettext as _

ENV_PREFIX = "env:"
SEALED_PREFIX = "sealed:"


class SecretUnavailable(Exception):
    """A stored secret cannot be read: its variable is unset, or the key changed."""


def _fernet(config: Mapping[str, Any]) -> Fernet:
    material = config.get("TPCOURSE_SECRETS_KEY") or config["SECRET_KEY"]
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"tpcourse-integrations",
               info=b"secrets-at-rest").derive(str(material).encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(value: str, config: Mapping[str, Any]) -> str:
    """Return what to store for `value`: kept as is when it is an `env:NAME` reference."""
    if value.startswith(ENV_PREFIX):
        return value
    return SEALED_PREFIX + _fernet(config).encrypt(value.encode()).decode()


def unseal(stored: str, config: Mapping[str, Any]) -> str:
    """Return the secret a stored value stands for; SecretUnavailable when it cannot be read."""
    if stored.startswith(ENV_PREFIX):
        name = stored[len(ENV_PREFIX):]
        value = os.environ.get(name)
        if value is None:
            raise SecretUnavailable(_("The environment variable %(name)s is not set.", name=name))
        return value
    if not stored.startswith(SEALED_PREFIX):
        raise SecretUnavailable(_("The stored secret is in an unknown form."))
    try:
        return _fernet(config).decrypt(stored[len(SEALED_PREFIX):].encode()).decode()
    except InvalidToken:
        raise SecretUnavailable(_("The secret was sealed with another key: enter it "
                                  "again.")) from None


def describe(stored: str) -> str:
    """Say where a secret lives, for admin pages (never the secret itself)."""
    if not stored:
        return _("none")
    if stored.startswith(ENV_PREFIX):
        return _("from the environment variable %(name)s", name=stored[len(ENV_PREFIX):])
    return _("stored encrypted")
