"""Open Badges 3.0 credentials for completed courses, secured as VC-JWT: RS256 (an RSA key; what
OB 3.0 requires every verifier to support) by default, EdDSA (Ed25519) as an option."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tpcourse.i18n_markers import N_, Sentence
from tpcourse.records.encoding import chunked, isoformat_z, json_array
from tpcourse.records.rows import CompletionRow, Issuer
from tpcourse.records.rsa_signing import RS256, RSAKey, find_rsa_key, rsa_key_id, sign_rs256
from tpcourse.records.rsa_signing import verify_rs256 as _verify_rs256
from tpcourse.records.signing import ALG, b64url_decode, b64url_encode, find_public_key, key_id

__all__ = [
    "CONTEXT",
    "build_credential",
    "credential_signer",
    "issuer_profile",
    "decode_credential",
    "is_badge_eligible",
    "keys_url",
    "sign_credential",
    "stream_badges",
    "verify_credential",
]

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CREDENTIAL_SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
PROVIDER_NUMBER_TYPE = "ext:ceProviderNumber"
# Fixed forever: credential and subject ids are uuid5 under this namespace, stable on re-export.
BADGE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tpcourse.example/ns/open-badge")


def _urn(*identity: object) -> str:
    return f"urn:uuid:{uuid.uuid5(BADGE_NAMESPACE, '|'.join(str(part) for part in identity))}"


def _hours(hours: float) -> str:
    number = f"{hours:.2f}".rstrip("0").rstrip(".")
    return f"{number} continuing-education hour" + ("" if number == "1" else "s")


def _seconds(moment: datetime) -> str:
    # JWT nbf/exp are whole seconds; keep validFrom/validUntil equal to them.
    return isoformat_z(moment.replace(microsecond=0))


def is_badge_eligible(row: CompletionRow) -> bool:
    """Say whether the row earns a badge: the course is complete and its certificate not revoked."""
    return row.completed_at is not None and row.certificate_status != "revoked"


def keys_url(issuer_id: str) -> str:
    """Return where the issuer publishes its JWK set; header `kid`s point into it."""
    return f"{issuer_id.rstrip('/')}/.well-known/tpcourse-keys.json"


def issuer_profile(issuer: Issuer) -> dict[str, Any]:
    """The issuer's Open Badges Profile: in every credential, and served at its own id."""
    profile: dict[str, Any] = {
        "id": issuer.id or issuer.url,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
    }
    if issuer.contact_email:
        profile["email"] = issuer.contact_email
    if issuer.official:
        profile["official"] = issuer.official
    if issuer.image:
        profile["image"] = {"id": issuer.image, "type": "Image"}
    if issuer.provider_number:
        profile["otherIdentifier"] = [
            {
                "type": "IdentifierEntry",
                "identifier": issuer.provider_number,
                "identifierType": PROVIDER_NUMBER_TYPE,
            }
        ]
    return profile


def _achievement(row: CompletionRow, issuer: Issuer) -> dict[str, Any]:
    achievement_id = f"{(issuer.site or issuer.url).rstrip('/')}/courses/{row.course_slug}"
    return {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": row.course_title,
        "description": (
            f"Certificate of completion for {row.course_title} (version {row.course_version}), "
            f"worth {_hours(row.ce_hours)}."
        ),
        "criteria": {
            "narrative": row.criteria or (
                f"Complete every lesson of {row.course_title} and pass its final exam "
                f"with {issuer.name}."
            )
        },
        "creditsAvailable": row.ce_hours,
        "version": str(row.course_version),
        "resultDescription": [
            {
                "id": f"{achievement_id}#final-score",
                "type": ["ResultDescription"],
                "name": "Final exam score",
                "resultType": "Percent",
                "valueMin": "0",
                "valueMax": "100",
            }
        ],
    }


def _identity(email: str, salt: str) -> dict[str, Any]:
    normalised = email.strip().lower()
    digest = hashlib.sha256((normalised + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "hashed": True,
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "salt": salt,
    }


def build_credential(row: CompletionRow, issuer: Issuer) -> dict[str, Any]:
    """Build the unsigned OpenBadgeCredential for a completed row."""
    if row.completed_at is None:
        raise ValueError(f"Trainee {row.trainee_id} has not completed {row.course_slug}: no badge.")
    identity = row.certificate_code or f"{row.course_slug}|{row.course_version}|{row.completed_at}"
    credential_id = _urn("credential", issuer.url, row.trainee_id, identity)
    salt = hashlib.sha256(f"identity-salt|{credential_id}".encode()).hexdigest()[:32]
    subject: dict[str, Any] = {
        "id": _urn("subject", issuer.url, row.trainee_id),
        "type": ["AchievementSubject"],
        "identifier": [_identity(row.email, salt)],
        "achievement": _achievement(row, issuer),
        "creditsEarned": row.ce_hours,
        "activityEndDate": isoformat_z(row.completed_at),
    }
    if row.enrolled_at is not None:
        subject["activityStartDate"] = isoformat_z(row.enrolled_at)
    if row.final_score is not None:
        result_id = subject["achievement"]["resultDescription"][0]["id"]
        value = f"{row.final_score:.2f}".rstrip("0").rstrip(".")
        subject["result"] = [{"type": ["Result"], "resultDescription": result_id, "value": value}]
    credential: dict[str, Any] = {
        "@context": CONTEXT,
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{row.course_title}: certificate of completion",
        "issuer": issuer_profile(issuer),
        "validFrom": _seconds(row.completed_at),
        "credentialSubject": subject,
        "credentialSchema": [CREDENTIAL_SCHEMA],
    }
    if row.expires_at is not None:
        credential["validUntil"] = _seconds(row.expires_at)
    if row.verify_url:
        credential["evidence"] = [
            {
                "id": row.verify_url,
                "type": ["Evidence"],
                "name": f"Certificate {row.certificate_code or ''}".strip(),
                "description": "Public page that shows this certificate's current status.",
                "narrative": _cycle_narrative(row),
            }
        ]
    if row.is_renewal:
        credential["description"] = _cycle_narrative(row)
    return credential


def _cycle_narrative(row: CompletionRow) -> str:
    """Say which certification cycle the credential is (contract: "Certification cycle N")."""
    if not row.is_renewal:
        return "Certification cycle 1: the first certificate in this course."
    renews = f" It renews certificate {row.renews_certificate_code}." \
        if row.renews_certificate_code else ""
    return f"Certification cycle {row.cycle}: a renewal.{renews}"


def _epoch(timestamp: str) -> int:
    return int(datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp())


def _jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """Registered JWT claims that OB 3.0 section 8.2 derives from the credential."""
    claims: dict[str, Any] = {
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": _epoch(credential["validFrom"]),
        "sub": credential["credentialSubject"]["id"],
    }
    if "validUntil" in credential:
        claims["exp"] = _epoch(credential["validUntil"])
    return claims


def _segment(value: dict[str, Any]) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return b64url_encode(text.encode("utf-8"))


def sign_credential(
    credential: dict[str, Any], key: Ed25519PrivateKey | RSAKey, *, kid: str | None = None,
    keys_at: str | None = None,
) -> str:
    """Sign as a VC-JWT: a compact JWS whose payload is the credential plus its JWT claims.

    An RSA key signs RS256, an Ed25519 key EdDSA. The header's `kid` is `<keys_at>#<thumbprint>`:
    the site's JWK set (default: beside the issuer id, which is the school's own profile URL).
    """
    payload = {**credential, **_jwt_claims(credential)}
    where = keys_at or keys_url(credential["issuer"]["id"])
    if isinstance(key, RSAKey):
        kid = kid or f"{where}#{rsa_key_id(key)}"
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        return sign_rs256({"kid": kid, "typ": "JWT"}, text.encode("utf-8"), key)
    kid = kid or f"{where}#{key_id(key)}"
    header = {"alg": ALG, "kid": kid, "typ": "JWT"}
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


def decode_credential(token: str) -> dict[str, Any]:
    """Return a VC-JWT's payload without checking its signature (use `verify_credential` first)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("Not a compact JWS: it must have three dot-separated parts.")
    return json.loads(b64url_decode(parts[1]))


def _claim_problems(payload: dict[str, Any], now: datetime) -> list[Sentence]:
    problems = []
    types = payload.get("type", [])
    types = [types] if isinstance(types, str) else types
    if not {"VerifiableCredential", "OpenBadgeCredential"} <= set(types):
        problems.append(Sentence(N_("type must include VerifiableCredential and "
                                    "OpenBadgeCredential")))
    try:
        expected = _jwt_claims(payload)
    except (KeyError, TypeError, ValueError) as error:
        return [*problems, Sentence(N_("credential lacks a required member: %(error)s"),
                                    error=error)]
    for claim in ("iss", "jti", "nbf", "sub", "exp"):
        if payload.get(claim) != expected.get(claim):
            problems.append(Sentence(N_("claim %(claim)s does not match the credential it "
                                        "wraps"), claim=claim))
    if now.timestamp() < expected["nbf"]:
        problems.append(Sentence(N_("credential is not valid until %(date)s"),
                                 date=payload["validFrom"]))
    if "exp" in expected and now.timestamp() >= expected["exp"]:
        problems.append(Sentence(N_("credential expired on %(date)s"), date=payload["validUntil"]))
    return problems


def verify_credential(
    token: str, jwks: dict[str, Any], *, now: datetime | None = None
) -> list[Sentence]:
    """Check a VC-JWT's signature, claims and validity period; return problems, empty if valid."""
    parts = token.split(".")
    if len(parts) != 3:
        return [Sentence(N_("not a compact JWS: it must have three dot-separated parts"))]
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError as error:
        return [Sentence(N_("the token could not be decoded: %(error)s"), error=error)]
    kid = str(header.get("kid", ""))
    if header.get("alg") == RS256:
        rsa_key = find_rsa_key(jwks, kid.rpartition("#")[2])
        if rsa_key is None:
            return [_unknown_key(kid)]
        if not _verify_rs256(token, rsa_key):
            return [_altered()]
        return _claim_problems(payload, now or datetime.now(UTC))
    if header.get("alg") != ALG:
        return [Sentence(N_("unsupported alg %(alg)s: expected %(rs256)s or %(eddsa)s"),
                         alg=repr(header.get("alg")), rs256=repr(RS256), eddsa=repr(ALG))]
    public_key = find_public_key(jwks, kid.rpartition("#")[2])
    if public_key is None:
        return [_unknown_key(kid)]
    try:
        public_key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature:
        return [_altered()]
    return _claim_problems(payload, now or datetime.now(UTC))


def _unknown_key(kid: str) -> Sentence:
    return Sentence(N_("unknown key id %(kid)s: it is not in the key set given"), kid=kid)


def _altered() -> Sentence:
    return Sentence(N_("signature does not match: the credential was altered or not signed by "
                       "this key"))


def credential_signer(key: Ed25519PrivateKey | RSAKey, kid: str) -> Callable[[dict[str, Any]], str]:
    """Return a function that signs credentials as `sign_credential(credential, key, kid=kid)`
    does, byte for byte, for signing many: with an RSA key the JWS header is encoded once (by
    joserfc, as for one credential), then each credential costs its payload's encoding and one
    RSA signature (RS256 is RSASSA-PKCS1-v1_5 with SHA-256 over `header.payload`)."""
    if not isinstance(key, RSAKey):
        return lambda credential: sign_credential(credential, key, kid=kid)
    header = sign_rs256({"kid": kid, "typ": "JWT"}, b"", key).partition(".")[0]
    sign, pkcs1, sha256 = key.private_key.sign, padding.PKCS1v15(), hashes.SHA256()

    def signed(credential: dict[str, Any]) -> str:
        payload = {**credential, **_jwt_claims(credential)}
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
        signing_input = f"{header}.{b64url_encode(text.encode('utf-8'))}"
        return f"{signing_input}.{b64url_encode(sign(signing_input.encode('ascii'), pkcs1, sha256))}"

    return signed


def stream_badges(
    rows: Iterable[CompletionRow], issuer: Issuer, key: Ed25519PrivateKey | RSAKey,
    keys_at: str | None = None,
) -> Iterator[bytes]:
    """Yield a JSON array of signed VC-JWT strings, one per eligible row, as UTF-8 chunks."""
    thumbprint = rsa_key_id(key) if isinstance(key, RSAKey) else key_id(key)
    sign = credential_signer(key, f"{keys_at or keys_url(issuer.id or issuer.url)}#{thumbprint}")
    tokens = (sign(build_credential(row, issuer)) for row in rows if is_badge_eligible(row))
    return chunked(json_array(tokens))
