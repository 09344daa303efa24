"""Ed25519 keys, their JWK set, and detached signatures for streamed exports."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tpcourse.i18n_markers import N_, Sentence
from tpcourse.records.encoding import canonical_json, isoformat_z

__all__ = [
    "ALG",
    "SIGNATURE_TYPE",
    "ExportSigner",
    "b64url_decode",
    "b64url_encode",
    "find_public_key",
    "generate_private_key",
    "jwks",
    "key_id",
    "load_private_key",
    "private_key_to_pem",
    "private_key_to_seed",
    "public_jwk",
    "public_key_to_pem",
    "signing_message",
    "verify_export",
]

ALG = "EdDSA"
SIGNATURE_TYPE = "tpcourse-export-signature/v1"
SIGNATURE_FIELDS = ("type", "alg", "kid", "filename", "format", "bytes", "sha256", "signed_at")


def b64url_encode(data: bytes) -> str:
    """Encode bytes as unpadded base64url (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url, raising ValueError on any character outside the alphabet."""
    padded = text.strip() + "=" * (-len(text.strip()) % 4)
    try:
        return base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError(f"Not valid base64url: {error}.") from None


def generate_private_key() -> Ed25519PrivateKey:
    """Make a new random Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


def load_private_key(text: str | bytes) -> Ed25519PrivateKey:
    """Load an Ed25519 key from PKCS#8 PEM or from a base64url 32-byte seed."""
    raw = text.encode("ascii") if isinstance(text, str) else text
    if b"-----BEGIN" in raw:
        try:
            key = serialization.load_pem_private_key(raw.strip(), password=None)
        except (ValueError, TypeError) as error:
            raise ValueError(f"The PEM signing key could not be read: {error}") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("The PEM signing key is not an Ed25519 key: generate an Ed25519 one.")
        return key
    seed = b64url_decode(raw.decode("ascii", errors="replace"))
    if len(seed) != 32:
        raise ValueError(
            f"A base64url signing key must decode to 32 bytes, not {len(seed)}: "
            "give an Ed25519 seed or a PEM key."
        )
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key_to_pem(key: Ed25519PrivateKey) -> str:
    """Write the key as unencrypted PKCS#8 PEM, for a secrets store or TPCOURSE_SIGNING_KEY."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def private_key_to_seed(key: Ed25519PrivateKey) -> str:
    """Write the key as its base64url 32-byte seed, a one-line form for environment variables."""
    raw = key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return b64url_encode(raw)


def _public(key: Ed25519PublicKey | Ed25519PrivateKey) -> Ed25519PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key


def public_key_to_pem(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """Write the public half as SubjectPublicKeyInfo PEM, the form `openssl pkeyutl` reads."""
    return (
        _public(key)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def public_jwk(key: Ed25519PublicKey | Ed25519PrivateKey) -> dict[str, str]:
    """Return the RFC 8037 OKP JWK members (crv, kty, x) of the public key."""
    raw = _public(key).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(raw)}


def key_id(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """Return the RFC 7638 SHA-256 JWK thumbprint of the public key, base64url."""
    # RFC 7638 section 3.2: required members only, lexicographic order, no whitespace.
    members = json.dumps(public_jwk(key), sort_keys=True, separators=(",", ":"))
    return b64url_encode(hashlib.sha256(members.encode("utf-8")).digest())


def jwks(public_keys: Iterable[Ed25519PublicKey | Ed25519PrivateKey]) -> dict[str, Any]:
    """Build the JWK set served at /.well-known/tpcourse-keys.json (public halves only)."""
    keys = []
    for key in public_keys:
        keys.append({**public_jwk(key), "kid": key_id(key), "alg": ALG, "use": "sig"})
    return {"keys": keys}


def find_public_key(key_set: Mapping[str, Any], kid: str) -> Ed25519PublicKey | None:
    """Return the Ed25519 key whose `kid` (or thumbprint) is `kid` in a JWK set, else None."""
    for jwk in key_set.get("keys", []):
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or "x" not in jwk:
            continue
        try:
            key = Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
        except ValueError:
            continue
        # Trust the thumbprint over a stated kid, so a JWK cannot claim another key's id.
        if key_id(key) == kid and jwk.get("kid", kid) == kid:
            return key
    return None


def signing_message(signature_doc: Mapping[str, Any]) -> bytes:
    """Return the exact bytes signed: canonical JSON of the document without `signature`."""
    return canonical_json({name: signature_doc.get(name) for name in SIGNATURE_FIELDS})


class ExportSigner:
    """Hash an export while it streams past, then sign a detached `FILE.sig.json` document."""

    def __init__(self, key: Ed25519PrivateKey) -> None:
        self._key = key
        self._sha256 = hashlib.sha256()
        self._bytes = 0
        self._finished = False

    def wrap(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Pass `chunks` through unchanged, hashing each; the signer is ready once they run out."""
        if self._bytes or self._finished:
            raise RuntimeError("This ExportSigner has already wrapped an export: make a new one.")
        for chunk in chunks:
            self._sha256.update(chunk)
            self._bytes += len(chunk)
            yield chunk
        self._finished = True

    def signature_document(
        self, filename: str, format: str, *, signed_at: datetime | None = None
    ) -> dict[str, Any]:
        """Sign what was wrapped and return the detached signature document for `filename`."""
        if not self._finished:
            raise RuntimeError(
                "The export has not been read to the end: consume wrap() fully before signing."
            )
        document: dict[str, Any] = {
            "type": SIGNATURE_TYPE,
            "alg": ALG,
            "kid": key_id(self._key),
            "filename": filename,
            "format": format,
            "bytes": self._bytes,
            "sha256": self._sha256.hexdigest(),
            "signed_at": isoformat_z(signed_at or datetime.now(UTC)),
        }
        document["signature"] = b64url_encode(self._key.sign(signing_message(document)))
        return document


def verify_export(
    data: bytes | Iterable[bytes], signature_doc: Mapping[str, Any], jwks: Mapping[str, Any]
) -> list[Sentence]:
    """Check an export against its signature document; return problems, empty when valid."""
    missing = [name for name in (*SIGNATURE_FIELDS, "signature") if name not in signature_doc]
    if missing:
        return [Sentence(N_("signature document is missing %(fields)s: it is not a tpcourse one"),
                         fields=", ".join(missing))]
    if signature_doc["alg"] != ALG or signature_doc["type"] != SIGNATURE_TYPE:
        return [Sentence(N_("unsupported signature: alg %(alg)s, expected %(expected)s"),
                         alg=repr(signature_doc["alg"]), expected=repr(ALG))]
    problems = []
    digest = hashlib.sha256()
    size = 0
    for chunk in [data] if isinstance(data, bytes | bytearray) else data:
        digest.update(chunk)
        size += len(chunk)
    if size != signature_doc["bytes"]:
        problems.append(Sentence(N_("size mismatch: file has %(size)d bytes, %(signed)s signed"),
                                 size=size, signed=signature_doc["bytes"]))
    if digest.hexdigest() != signature_doc["sha256"]:
        problems.append(Sentence(N_("sha256 mismatch: file was changed after signing")))
    public_key = find_public_key(jwks, str(signature_doc["kid"]))
    if public_key is None:
        problems.append(Sentence(
            N_("unknown key id %(kid)s: it is not in the key set given (fetch the current "
               "/.well-known/tpcourse-keys.json)"), kid=signature_doc["kid"]))
        return problems
    try:
        signature = b64url_decode(str(signature_doc["signature"]))
        public_key.verify(signature, signing_message(signature_doc))
    except (ValueError, InvalidSignature):
        problems.append(Sentence(
            N_("signature does not match: the signature document was altered or not signed by "
               "this key")))
    return problems
