"""`export completions` writes FILE and FILE.sig.json; `records verify` says what fails."""

from __future__ import annotations

import json

import pytest

from tpcourse.records.badges import decode_credential
from tpcourse.records.signing import b64url_encode, generate_private_key, jwks


@pytest.fixture
def exported(runner, world, tmp_path):
    """Export north as CSV into a temporary folder; return the file's path."""
    path = tmp_path / "north.csv"
    result = runner.invoke(args=["export", "completions", "--school", "north", "--format", "csv",
                                 "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert "Wrote 4 records" in result.output
    return path


def test_export_writes_the_file_and_its_signature(exported):
    signature = json.loads(exported.with_name("north.csv.sig.json").read_text())
    assert signature["filename"] == "north.csv" and signature["format"] == "csv"
    assert signature["bytes"] == exported.stat().st_size
    assert "zoe@north.example" in exported.read_text(encoding="utf-8-sig")


def test_verify_accepts_the_untouched_file(runner, exported):
    result = runner.invoke(args=["records", "verify", str(exported)])
    assert result.exit_code == 0 and result.output.startswith(f"OK: {exported} is intact")


def test_verify_names_a_one_byte_change(runner, exported):
    data = bytearray(exported.read_bytes())
    data[-5] ^= 0x20
    exported.write_bytes(bytes(data))
    result = runner.invoke(args=["records", "verify", str(exported)])
    assert result.exit_code == 1
    assert "FAILED: sha256 mismatch: file was changed after signing" in result.output


def test_verify_names_an_altered_signature_document(runner, exported):
    sig = exported.with_name("north.csv.sig.json")
    document = json.loads(sig.read_text())
    document["signed_at"] = "2020-01-01T00:00:00Z"
    sig.write_text(json.dumps(document))
    result = runner.invoke(args=["records", "verify", str(exported)])
    assert result.exit_code == 1 and "FAILED: signature does not match" in result.output


def test_verify_against_another_key_set_and_without_a_signature(runner, exported, tmp_path):
    keys = tmp_path / "other-keys.json"
    keys.write_text(json.dumps(jwks([generate_private_key()])))
    result = runner.invoke(args=["records", "verify", str(exported), "--keys", str(keys)])
    assert result.exit_code == 1 and "FAILED: unknown key id" in result.output
    own = tmp_path / "own-keys.json"
    own.write_text(runner.invoke(args=["records", "keys"]).output)
    assert runner.invoke(args=["records", "verify", str(exported), "--keys",
                               str(own)]).exit_code == 0
    exported.with_name("north.csv.sig.json").unlink()
    result = runner.invoke(args=["records", "verify", str(exported)])
    assert result.exit_code == 1 and "no signature document" in result.output


def test_keys_command_prints_what_the_well_known_url_serves(runner, client):
    printed = json.loads(runner.invoke(args=["records", "keys"]).output)
    assert printed == client.get("/.well-known/tpcourse-keys.json").get_json()
    pem = runner.invoke(args=["records", "keys", "--pem"]).output
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")


def test_badges_export_verifies_each_credential(runner, world, tmp_path):
    path = tmp_path / "north.badges.json"
    runner.invoke(args=["export", "completions", "--school", "north", "--format", "badges",
                        "-o", str(path)])
    result = runner.invoke(args=["records", "verify", str(path)])
    assert result.exit_code == 0 and "1 Open Badges credential checked" in result.output
    # Forge the credential's payload (and re-sign the file's detached signature away).
    token = json.loads(path.read_text())[0]
    header, _payload, signature = token.split(".")
    payload = decode_credential(token)
    payload["credentialSubject"]["creditsEarned"] = 40
    forged = ".".join([header, b64url_encode(json.dumps(payload).encode()), signature])
    path.write_text(json.dumps([forged]))
    path.with_name(path.name + ".sig.json").unlink()
    result = runner.invoke(args=["records", "verify", str(path)])
    assert result.exit_code == 1
    assert "FAILED: credential 1: signature does not match" in result.output


def test_export_filters_and_errors(runner, world, tmp_path):
    path = tmp_path / "spring.json"
    result = runner.invoke(args=["export", "completions", "--school", "north", "--format", "json",
                                 "--cohort", str(world.spring.id), "--since", "2026-03-01",
                                 "-o", str(path)])
    assert result.exit_code == 0 and "Wrote 1 record to" in result.output
    assert [r["email"] for r in json.loads(path.read_text())["records"]] == ["zoe@north.example"]
    unknown = runner.invoke(args=["export", "completions", "--school", "nowhere"])
    assert unknown.exit_code == 1 and "No school with slug 'nowhere'" in unknown.output
    foreign = runner.invoke(args=["export", "completions", "--school", "north", "--cohort",
                                  str(world.autumn.id)])
    assert foreign.exit_code == 1 and "No cohort" in foreign.output
