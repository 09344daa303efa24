"""The signing key: configured, or generated once into the instance folder; served as JWKS."""

from __future__ import annotations

import logging
import stat

import pytest

from tpcourse.records.signing import (
    generate_private_key,
    key_id,
    private_key_to_pem,
    private_key_to_seed,
    public_key_to_pem,
)
from tpcourse.services.records import signing_keys


def test_generated_once_into_the_instance_folder_with_a_log_line(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="tpcourse.services.records.signing_keys"):
        first = signing_keys.load_signing_key({}, tmp_path)
    path = tmp_path / signing_keys.KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path) in caplog.text and key_id(first) in caplog.text
    caplog.clear()
    again = signing_keys.load_signing_key({}, tmp_path)
    assert key_id(again) == key_id(first) and caplog.text == ""


@pytest.mark.parametrize("form", [private_key_to_seed, private_key_to_pem])
def test_the_configured_key_wins_and_nothing_is_written(tmp_path, form):
    key = generate_private_key()
    loaded = signing_keys.load_signing_key({"TPCOURSE_SIGNING_KEY": form(key)}, tmp_path)
    assert key_id(loaded) == key_id(key)
    assert not (tmp_path / signing_keys.KEY_FILE).exists()


def test_an_unusable_configured_key_says_so(tmp_path):
    with pytest.raises(ValueError, match="TPCOURSE_SIGNING_KEY is not usable"):
        signing_keys.load_signing_key({"TPCOURSE_SIGNING_KEY": "c2hvcnQ"}, tmp_path)


def test_well_known_serves_the_current_and_retired_keys(client, app):
    from tpcourse.records.rsa_signing import generate_rsa_key, rsa_key_id, rsa_public_pem

    current = signing_keys.signing_key(app)
    badge = signing_keys.badge_signing_key(app)
    served = client.get("/.well-known/tpcourse-keys.json")
    assert served.status_code == 200 and served.headers["Access-Control-Allow-Origin"] == "*"
    assert [(k["kid"], k["alg"]) for k in served.get_json()["keys"]] == [
        (key_id(current), "EdDSA"), (rsa_key_id(badge), "RS256")]
    retired = generate_private_key()
    folder = app.instance_path + "/" + signing_keys.RETIRED_DIR
    import os

    os.makedirs(folder)
    with open(folder + "/2025.pem", "w") as handle:
        handle.write(public_key_to_pem(retired))
    retired_rsa = generate_rsa_key()  # rotated the same way: its public half kept as PEM
    with open(folder + "/2025-rsa.pem", "w") as handle:
        handle.write(rsa_public_pem(retired_rsa))
    keys = client.get("/.well-known/tpcourse-keys.json").get_json()["keys"]
    assert [k["kid"] for k in keys] == [key_id(current), key_id(retired), rsa_key_id(badge),
                                        rsa_key_id(retired_rsa)]
    private = {"d", "p", "q", "dp", "dq", "qi"}
    assert all(not private & set(k) for k in keys)  # never the private part
