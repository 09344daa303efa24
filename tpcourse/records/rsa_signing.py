"""RS256 (RSA PKCS#1 v1.5, SHA-256) for Open Badges VC-JWTs, through joserfc.

Open Badges 3.0 requires VC-JWT implementations to support RS256, and many verifiers support
nothing else, so credentials are signed with an RSA key; exports keep their Ed25519 (EdDSA)
signatures (records/signing.py). Both public keys are in the one JWK set the site serves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

__all__ = ["RS256", "RSAKey", "find_rsa_key", "generate_rsa_key", "load_rsa_key",
           "rsa_jwks_entries", "rsa_key_id", "rsa_private_pem", "rsa_public_pem", "sign_rs256",
           "verify_rs256"]

RS256 = "RS256"
KEY_BITS = 2048  # what OB 3.0 verifiers expect at least (NIST SP 800-57: fine through 2030)


def generate_rsa_key(bits: int = KEY_BITS) -> RSAKey:
    """Make a new RSA private key."""
    return RSAKey.generate_key(bits, private=True)


def load_rsa_key(text: str | bytes) -> RSAKey:
    """Read an RSA key (private or public) from PEM; ValueError if it is not one."""
    try:
        key = RSAKey.import_key(text.encode() if isinstance(text, str) else text)
    except (ValueError, TypeError, JoseError) as error:
        raise ValueError(f"not an RSA key in PEM: {error}") from None
    return key


def rsa_private_pem(key: RSAKey) -> str:
    """The private key as PKCS#8 PEM (for the instance folder)."""
    return key.as_pem(private=True).decode("ascii")


def rsa_public_pem(key: RSAKey) -> str:
    """The public half as PEM (what is kept after a rotation)."""
    return key.as_pem(private=False).decode("ascii")


def rsa_key_id(key: RSAKey) -> str:
    """The RFC 7638 SHA-256 thumbprint of the public key, base64url (its `kid`)."""
    return key.thumbprint()


def rsa_jwks_entries(keys: Iterable[RSAKey]) -> list[dict[str, Any]]:
    """The public JWKs of RSA keys, each with kid, alg RS256 and use sig."""
    return [{**key.as_dict(private=False), "kid": rsa_key_id(key), "alg": RS256, "use": "sig"}
            for key in keys]


def sign_rs256(header: Mapping[str, Any], payload: bytes, key: RSAKey) -> str:
    """Return a compact JWS of `payload` signed RS256 with `header` (alg set here)."""
    return jws.serialize_compact({**header, "alg": RS256}, payload, key, algorithms=[RS256])


def find_rsa_key(key_set: Mapping[str, Any], kid: str) -> RSAKey | None:
    """The RSA public key whose thumbprint is `kid` in a JWK set, else None."""
    for jwk in key_set.get("keys", []):
        if jwk.get("kty") != "RSA":
            continue
        try:
            key = RSAKey.import_key({k: jwk[k] for k in ("kty", "n", "e")})
        except (KeyError, ValueError, TypeError, JoseError):
            continue
        # Trust the thumbprint over a stated kid, so a JWK cannot claim another key's id.
        if rsa_key_id(key) == kid and jwk.get("kid", kid) == kid:
            return key
    return None


def verify_rs256(token: str, key: RSAKey) -> bool:
    """Whether the compact JWS carries a valid RS256 signature by `key`."""
    try:
        jws.deserialize_compact(token, key, algorithms=[RS256])
    except (JoseError, ValueError):
        return False
    return True
