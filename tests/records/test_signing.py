"""Ed25519 keys, JWK thumbprints and detached export signatures."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key as rsa_key
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from tpcourse.records.csv_export import stream_csv
from tpcourse.records.signing import (
    ExportSigner,
    b64url_decode,
    b64url_encode,
    generate_private_key,
    jwks,
    key_id,
    load_private_key,
    private_key_to_pem,
    private_key_to_seed,
    public_jwk,
    public_key_to_pem,
    signing_message,
    verify_export,
)

# RFC 8037 appendix A: an Ed25519 key, its thumbprint, and a JWS over a known payload.
RFC_SEED = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
RFC_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
RFC_SIGNING_INPUT = b"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
RFC_SIGNATURE = (
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
)
SIGNED_AT = datetime(2025, 4, 1, 9, 0, tzinfo=UTC)


def signed_export(key, chunks: list[bytes]) -> tuple[bytes, dict]:
    signer = ExportSigner(key)
    data = b"".join(signer.wrap(iter(chunks)))
    return data, signer.signature_document("completions.csv", "csv", signed_at=SIGNED_AT)


def test_rfc_8037_vectors():
    key = load_private_key(RFC_SEED)
    assert public_jwk(key) == {"crv": "Ed25519", "kty": "OKP", "x": RFC_X}
    assert key_id(key) == key_id(key.public_key()) == RFC_THUMBPRINT
    assert b64url_encode(key.sign(RFC_SIGNING_INPUT)) == RFC_SIGNATURE


def test_keys_load_from_pem_and_seed():
    key = generate_private_key()
    assert key_id(load_private_key(private_key_to_pem(key))) == key_id(key)
    assert key_id(load_private_key(private_key_to_seed(key))) == key_id(key)
    assert key_id(load_private_key(private_key_to_pem(key).encode() + b"\n")) == key_id(key)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("c2hvcnQ", "must decode to 32 bytes, not 5"),
        ("not base64 at all!", "Not valid base64url"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "could not be read"),
    ],
)
def test_bad_keys_are_refused_with_a_sentence(text, message):
    with pytest.raises(ValueError, match=message):
        load_private_key(text)


def test_rsa_pem_is_refused():
    pem = rsa_key(public_exponent=65537, key_size=2048).private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )
    with pytest.raises(ValueError, match="not an Ed25519 key"):
        load_private_key(pem.decode())


def test_jwks_lists_public_halves_only(key):
    other = generate_private_key()
    key_set = jwks([key, other.public_key()])
    assert [entry["kid"] for entry in key_set["keys"]] == [key_id(key), key_id(other)]
    for entry in key_set["keys"]:
        assert set(entry) == {"kty", "crv", "x", "kid", "alg", "use"}
        assert (entry["kty"], entry["crv"], entry["alg"], entry["use"]) == (
            "OKP", "Ed25519", "EdDSA", "sig",
        )  # fmt: skip
        assert len(b64url_decode(entry["x"])) == 32


def test_wrap_passes_chunks_through_and_signs(key):
    chunks = [b"first,", b"", b"second\r\n", "Zoë".encode()]
    signer = ExportSigner(key)
    assert list(signer.wrap(iter(chunks))) == chunks
    document = signer.signature_document("completions.csv", "csv", signed_at=SIGNED_AT)
    data = b"".join(chunks)
    assert document["alg"] == "EdDSA"
    assert document["kid"] == key_id(key)
    assert document["bytes"] == len(data)
    assert document["signed_at"] == "2025-04-01T09:00:00Z"
    assert (document["filename"], document["format"]) == ("completions.csv", "csv")
    assert verify_export(data, document, jwks([key])) == []
    assert verify_export(iter(chunks), document, jwks([key])) == []


def test_signing_before_the_export_is_read_is_refused(key):
    signer = ExportSigner(key)
    stream = signer.wrap(iter([b"a", b"b"]))
    next(stream)
    with pytest.raises(RuntimeError, match="not been read to the end"):
        signer.signature_document("f.csv", "csv")


def test_one_byte_change_fails(key, make_row):
    data, document = signed_export(key, list(stream_csv([make_row()])))
    changed = bytearray(data)
    changed[len(changed) // 2] ^= 0x01
    assert verify_export(bytes(changed), document, jwks([key])) == [
        "sha256 mismatch: file was changed after signing"
    ]


@settings(max_examples=60)
@given(data=st.binary(min_size=1, max_size=300), position=st.integers(0), flip=st.integers(1, 255))
def test_any_single_byte_change_fails(key, data, position, flip):
    data, document = signed_export(key, [data])
    changed = bytearray(data)
    changed[position % len(changed)] ^= flip
    assert "sha256 mismatch: file was changed after signing" in verify_export(
        bytes(changed), document, jwks([key])
    )


def test_truncated_file_reports_size_and_hash(key):
    data, document = signed_export(key, [b"0123456789"])
    assert verify_export(data[:-1], document, jwks([key])) == [
        "size mismatch: file has 9 bytes, 10 signed",
        "sha256 mismatch: file was changed after signing",
    ]


def test_edited_signature_document_fails(key):
    data, document = signed_export(key, [b"a,b\r\n"])
    forged = {**document, "filename": "other.csv"}
    assert verify_export(data, forged, jwks([key])) == [
        "signature does not match: the signature document was altered or not signed by this key"
    ]


def test_unknown_key_id(key):
    data, document = signed_export(key, [b"a,b\r\n"])
    (problem,) = verify_export(data, document, jwks([generate_private_key()]))
    assert problem.startswith(f"unknown key id {key_id(key)}:")


def test_signature_by_another_key_under_our_kid_fails(key):
    data, document = signed_export(generate_private_key(), [b"a,b\r\n"])
    document["kid"] = key_id(key)
    assert verify_export(data, document, jwks([key]))[-1].startswith("signature does not match")


def test_incomplete_signature_document(key):
    assert verify_export(b"x", {"alg": "EdDSA"}, jwks([key]))[0].startswith(
        "signature document is missing"
    )


def test_signing_message_is_canonical_json_without_the_signature(key):
    _, document = signed_export(key, [b"x"])
    message = signing_message(document)
    assert json.loads(message) == {k: v for k, v in document.items() if k != "signature"}
    assert (
        message == json.dumps(json.loads(message), sort_keys=True, separators=(",", ":")).encode()
    )


@pytest.mark.skipif(
    not (shutil.which("openssl") and shutil.which("jq")), reason="needs openssl, jq"
)
def test_offline_verification_with_openssl_and_jq(key, tmp_path: Path, make_row):
    """The recipe in docs/records.md works without tpcourse installed."""
    data, document = signed_export(key, list(stream_csv([make_row()])))
    (tmp_path / "completions.csv").write_bytes(data)
    (tmp_path / "completions.csv.sig.json").write_text(json.dumps(document, indent=2))
    (tmp_path / "key.pem").write_text(public_key_to_pem(key))
    script = """
        set -e
        actual="$(sha256sum completions.csv | cut -d' ' -f1)"
        test "$actual" = "$(jq -r .sha256 completions.csv.sig.json)"
        jq -cjS 'del(.signature)' completions.csv.sig.json > message.json
        jq -r .signature completions.csv.sig.json | tr '_-' '/+' | sed 's/$/==/' \
            | base64 -d > signature.bin
        openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in message.json -sigfile signature.bin
    """
    result = subprocess.run(
        ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout
