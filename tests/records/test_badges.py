"""Open Badges 3.0 credentials and their VC-JWT proof."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

import jsonschema  # noqa: E402
import pytest

from tpcourse.records.badges import (
    CONTEXT,
    build_credential,
    decode_credential,
    sign_credential,
    stream_badges,
    verify_credential,
)
from tpcourse.records.signing import b64url_decode, b64url_encode, generate_private_key, jwks
from tpcourse.records.signing import key_id as thumbprint

NOW = datetime(2025, 6, 1, tzinfo=UTC)
STRING = {"type": "string"}
TYPES = {"type": "array", "items": STRING, "minItems": 1}
# The OB 3.0 (v3p0) constraints our credentials must meet, transcribed from the spec's
# AchievementCredential, Profile, Achievement, AchievementSubject and IdentityObject classes.
OB3_SUBSET = {
    "type": "object",
    "required": ["@context", "id", "type", "name", "credentialSubject", "issuer", "validFrom"],
    "properties": {
        "@context": {"type": "array", "prefixItems": [{"const": CONTEXT[0]}], "minItems": 2},
        "id": {"type": "string", "pattern": "^urn:uuid:[0-9a-f-]{36}$"},
        "type": {"allOf": [{"contains": {"const": "VerifiableCredential"}},
                           {"contains": {"const": "OpenBadgeCredential"}}]},
        "issuer": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {
                "type": {"contains": {"const": "Profile"}},
                "otherIdentifier": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False,
                    "required": ["type", "identifier", "identifierType"],
                    "properties": {"type": {"const": "IdentifierEntry"}, "identifier": STRING,
                                   "identifierType": {"pattern": "^ext:[a-zA-Z0-9._-]+$"}},
                }},
            },
        },
        "validFrom": {"type": "string", "pattern": "Z$"},
        "validUntil": {"type": "string", "pattern": "Z$"},
        "credentialSubject": {
            "type": "object",
            "required": ["type", "achievement"],
            "additionalProperties": False,
            "properties": {
                "id": STRING, "type": {"contains": {"const": "AchievementSubject"}},
                "activityEndDate": STRING, "activityStartDate": STRING,
                "creditsEarned": {"type": "number"}, "result": {"type": "array"},
                "identifier": {"type": "array", "minItems": 1, "items": {
                    "type": "object", "additionalProperties": False,
                    "required": ["type", "hashed", "identityHash", "identityType"],
                    "properties": {"type": {"const": "IdentityObject"},
                                   "hashed": {"type": "boolean"},
                                   "identityHash": {"pattern": "^sha256\\$[0-9a-f]{64}$"},
                                   "identityType": {"const": "emailAddress"}, "salt": STRING},
                }},
                "achievement": {
                    "type": "object",
                    "required": ["id", "type", "criteria", "description", "name"],
                    "properties": {"type": {"contains": {"const": "Achievement"}},
                                   "criteria": {"type": "object", "required": ["narrative"]},
                                   "creditsAvailable": {"type": "number"},
                                   "achievementType": {"const": "CertificateOfCompletion"}},
                },
            },
        },
    },
}  # fmt: skip


def test_credential_meets_open_badges_3(make_row, issuer):
    credential = build_credential(make_row(), issuer)
    jsonschema.Draft202012Validator(OB3_SUBSET).validate(credential)
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["validFrom"] == "2025-03-07T14:30:05Z"
    assert credential["validUntil"] == "2027-03-07T14:30:05Z"


def test_issuer_profile_carries_provider_number(make_row, issuer):
    profile = build_credential(make_row(), issuer)["issuer"]
    assert profile["id"] == issuer.url
    assert profile["name"] == "North Massage School"
    assert profile["email"] == "records@tpcourse.example"
    assert profile["otherIdentifier"] == [
        {
            "type": "IdentifierEntry",
            "identifier": "NCBTMB-1234",
            "identifierType": "ext:ceProviderNumber",
        }
    ]


def test_achievement_and_ce_hours(make_row, issuer):
    subject = build_credential(make_row(), issuer)["credentialSubject"]
    achievement = subject["achievement"]
    assert achievement["name"] == "Trigger-Point Foundations"
    assert achievement["creditsAvailable"] == subject["creditsEarned"] == 7.5
    assert "7.5 continuing-education hours" in achievement["description"]
    assert subject["result"] == [
        {
            "type": ["Result"],
            "resultDescription": achievement["resultDescription"][0]["id"],
            "value": "90",
        }
    ]


def test_email_is_hashed_with_a_salt(make_row, issuer):
    credential = build_credential(make_row(email=" Zoe@Example.org "), issuer)
    (identity,) = credential["credentialSubject"]["identifier"]
    expected = hashlib.sha256(("zoe@example.org" + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    assert "zoe@example.org" not in json.dumps(credential).lower()


def test_ids_are_deterministic(make_row, issuer):
    first = build_credential(make_row(), issuer)
    assert first == build_credential(make_row(), issuer)
    other = build_credential(make_row(certificate_code="TPF-2025-0043"), issuer)
    assert other["id"] != first["id"]
    assert other["credentialSubject"]["id"] == first["credentialSubject"]["id"]


def test_no_expiry_means_no_valid_until(make_row, issuer):
    assert "validUntil" not in build_credential(make_row(expires_at=None), issuer)


def test_incomplete_row_is_refused(make_row, issuer):
    with pytest.raises(ValueError, match="has not completed"):
        build_credential(make_row(completed_at=None), issuer)


def test_signed_credential_is_a_vc_jwt_that_verifies(make_row, issuer, key):
    credential = build_credential(make_row(), issuer)
    token = sign_credential(credential, key)
    header = json.loads(b64url_decode(token.split(".")[0]))
    assert header == {
        "alg": "EdDSA",
        "kid": f"{issuer.url}/.well-known/tpcourse-keys.json#{thumbprint(key)}",
        "typ": "JWT",
    }
    payload = decode_credential(token)
    claims = {name: payload.pop(name) for name in ("iss", "jti", "nbf", "sub", "exp")}
    assert payload == credential
    assert claims["iss"] == issuer.url
    assert claims["jti"] == credential["id"]
    assert claims["sub"] == credential["credentialSubject"]["id"]
    assert claims["nbf"] == int(datetime(2025, 3, 7, 14, 30, 5, tzinfo=UTC).timestamp())
    assert verify_credential(token, jwks([key]), now=NOW) == []


def test_signature_is_deterministic_ed25519(make_row, issuer, key):
    credential = build_credential(make_row(), issuer)
    assert sign_credential(credential, key) == sign_credential(credential, key)


def test_tampered_payload_fails(make_row, issuer, key):
    header, payload, signature = sign_credential(build_credential(make_row(), issuer), key).split(
        "."
    )
    claims = json.loads(b64url_decode(payload))
    claims["credentialSubject"]["creditsEarned"] = 70
    forged = f"{header}.{b64url_encode(json.dumps(claims).encode())}.{signature}"
    assert verify_credential(forged, jwks([key]), now=NOW) == [
        "signature does not match: the credential was altered or not signed by this key"
    ]


def test_unknown_key_expired_and_early_credentials_fail(make_row, issuer, key):
    token = sign_credential(build_credential(make_row(), issuer), key)
    (problem,) = verify_credential(token, jwks([generate_private_key()]), now=NOW)
    assert problem.startswith("unknown key id ")
    late = NOW + timedelta(days=1000)
    assert verify_credential(token, jwks([key]), now=late) == [
        "credential expired on 2027-03-07T14:30:05Z"
    ]
    early = NOW - timedelta(days=365)
    assert verify_credential(token, jwks([key]), now=early) == [
        "credential is not valid until 2025-03-07T14:30:05Z"
    ]


def test_claims_must_match_the_credential(make_row, issuer, key):
    credential = build_credential(make_row(), issuer)
    token = sign_credential(credential, key)
    header, payload, _ = token.split(".")
    claims = json.loads(b64url_decode(payload))
    claims["jti"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    body = f"{header}.{b64url_encode(json.dumps(claims).encode())}"
    resigned = f"{body}.{b64url_encode(key.sign(body.encode()))}"
    assert verify_credential(resigned, jwks([key]), now=NOW) == [
        "claim jti does not match the credential it wraps"
    ]


def test_stream_skips_incomplete_and_revoked_rows(make_row, issuer, key):
    rows = [
        make_row(),
        make_row(trainee_id=1, completed_at=None),
        make_row(trainee_id=2, certificate_status="revoked"),
        make_row(trainee_id=3, certificate_status="expired", certificate_code="TPF-3"),
    ]
    tokens = json.loads(b"".join(stream_badges(rows, issuer, key)))
    assert len(tokens) == 2
    assert verify_credential(tokens[0], jwks([key]), now=NOW) == []
    assert verify_credential(tokens[1], jwks([key]), now=NOW) == []
    assert json.loads(b"".join(stream_badges([], issuer, key))) == []
