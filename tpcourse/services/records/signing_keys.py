"""The site's Ed25519 signing key: from TPCOURSE_SIGNING_KEY, else made once in the instance folder.

Every worker must sign with the same key, so production sets TPCOURSE_SIGNING_KEY (PEM or the
base64url seed). Without it the key is generated once into `<instance>/signing_key.pem` (mode
0600) and reused by every process that shares the instance folder. Public keys of retired keys
are kept as PEM files in `<instance>/retired-signing-keys/` so files they signed still verify.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ...records.signing import generate_private_key, jwks, key_id, load_private_key, private_key_to_pem

log = logging.getLogger(__name__)
KEY_FILE = "signing_key.pem"
RETIRED_DIR = "retired-signing-keys"
_CACHE_KEY = "tpcourse_signing_key"


def _generate_into(path: Path) -> Ed25519PrivateKey:
    """Write a new key to `path` (0600) unless another process just did; return the key there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_private_key()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # a concurrent worker won the race: use its key
        return load_private_key(path.read_bytes())
    with os.fdopen(descriptor, "w") as handle:
        handle.write(private_key_to_pem(key))
    log.warning(
        "Generated a new Ed25519 signing key at %s (key id %s). Exports and badges are signed "
        "with it: back it up, and set TPCOURSE_SIGNING_KEY to it when running several servers.",
        path, key_id(key))
    return key


def load_signing_key(config: Mapping[str, Any], instance_path: str | Path) -> Ed25519PrivateKey:
    """Return the configured key, or the instance folder's (generated on first use)."""
    configured = config.get("TPCOURSE_SIGNING_KEY")
    if configured:
        try:
            return load_private_key(configured)
        except ValueError as error:
            raise ValueError(f"TPCOURSE_SIGNING_KEY is not usable: {error}") from None
    path = Path(instance_path) / KEY_FILE
    if path.exists():
        return load_private_key(path.read_bytes())
    return _generate_into(path)


def signing_key(app: Any) -> Ed25519PrivateKey:
    """Return the app's signing key, loaded once per app."""
    key = app.extensions.get(_CACHE_KEY)
    if key is None:
        key = app.extensions[_CACHE_KEY] = load_signing_key(app.config, app.instance_path)
    return key


def retired_public_keys(instance_path: str | Path) -> list[Ed25519PublicKey]:
    """Return the public keys kept in the instance folder after a key rotation."""
    folder = Path(instance_path) / RETIRED_DIR
    keys = []
    for pem in sorted(folder.glob("*.pem")) if folder.is_dir() else []:
        key = serialization.load_pem_public_key(pem.read_bytes())
        if isinstance(key, Ed25519PublicKey):
            keys.append(key)
    return keys


def key_set(app: Any) -> dict[str, Any]:
    """Return the JWK set of the current key and every retired one (public halves only)."""
    current = signing_key(app)
    retired = [k for k in retired_public_keys(app.instance_path) if key_id(k) != key_id(current)]
    return jwks([current, *retired])
