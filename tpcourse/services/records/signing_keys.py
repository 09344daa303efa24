"""The site's signing keys: Ed25519 for exports (TPCOURSE_SIGNING_KEY) and RSA for Open Badges
credentials, signed RS256 (TPCOURSE_BADGE_SIGNING_KEY); each else made once in the instance folder.

Every worker must sign with the same key, so production sets TPCOURSE_SIGNING_KEY (PEM or the
base64url seed). Without it the key is generated once into `<instance>/signing_key.pem` (mode
0600) and reused by every process that shares the instance folder (`badge_signing_key.pem` for
the RSA key). Public keys of retired keys, of either kind, are kept as PEM files in
`<instance>/retired-signing-keys/` so files and credentials they signed still verify; the JWK
set serves the current and retired keys of both kinds.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ...records.rsa_signing import (
    RSAKey,
    generate_rsa_key,
    load_rsa_key,
    rsa_jwks_entries,
    rsa_key_id,
    rsa_private_pem,
)
from ...records.signing import generate_private_key, jwks, key_id, load_private_key, private_key_to_pem

log = logging.getLogger(__name__)
KEY_FILE = "signing_key.pem"
RSA_KEY_FILE = "badge_signing_key.pem"
_RSA_CACHE_KEY = "tpcourse_badge_signing_key"
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
    """Return the JWK set of the current keys and every retired one (public halves only):
    Ed25519 (EdDSA, exports) and RSA (RS256, Open Badges credentials)."""
    current = signing_key(app)
    retired = [k for k in retired_public_keys(app.instance_path) if key_id(k) != key_id(current)]
    badge = badge_signing_key(app)
    retired_rsa = [k for k in retired_rsa_keys(app.instance_path)
                   if rsa_key_id(k) != rsa_key_id(badge)]
    key_set = jwks([current, *retired])
    key_set["keys"] += rsa_jwks_entries([badge, *retired_rsa])
    return key_set


def load_badge_signing_key(config: Mapping[str, Any], instance_path: str | Path) -> RSAKey:
    """Return the configured RSA key (TPCOURSE_BADGE_SIGNING_KEY, PEM), or the instance
    folder's (generated on first use, 0600)."""
    configured = config.get("TPCOURSE_BADGE_SIGNING_KEY")
    if configured:
        try:
            return load_rsa_key(configured)
        except ValueError as error:
            raise ValueError(f"TPCOURSE_BADGE_SIGNING_KEY is not usable: {error}") from None
    path = Path(instance_path) / RSA_KEY_FILE
    if path.exists():
        return load_rsa_key(path.read_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = generate_rsa_key()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # a concurrent worker won the race: use its key
        return load_rsa_key(path.read_bytes())
    with os.fdopen(descriptor, "w") as handle:
        handle.write(rsa_private_pem(key))
    log.warning("Generated a new RSA key for Open Badges credentials at %s (key id %s): back it "
                "up, and set TPCOURSE_BADGE_SIGNING_KEY to it when running several servers.",
                path, rsa_key_id(key))
    return key


def badge_signing_key(app: Any) -> RSAKey:
    """Return the app's RSA key for Open Badges credentials (RS256), loaded once per app."""
    key = app.extensions.get(_RSA_CACHE_KEY)
    if key is None:
        key = app.extensions[_RSA_CACHE_KEY] = load_badge_signing_key(app.config,
                                                                      app.instance_path)
    return key


def retired_rsa_keys(instance_path: str | Path) -> list[RSAKey]:
    """Return the RSA public keys kept in the instance folder after a rotation."""
    folder = Path(instance_path) / RETIRED_DIR
    keys = []
    for pem in sorted(folder.glob("*.pem")) if folder.is_dir() else []:
        try:
            keys.append(load_rsa_key(pem.read_bytes()))
        except ValueError:
            continue  # an Ed25519 key (retired_public_keys reads those)
    return keys
