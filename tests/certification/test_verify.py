"""Public verification: rate limited against code enumeration, no more than the PDF prints."""

from __future__ import annotations

import re

import pytest

from tests.certification.conftest import SITE_URL
from tests.certification.steps import complete_basics

UNKNOWN = "/verify/TP-AAAA-BBBB-CCCC-DDDD-EEEE"


def get(client, path: str, ip: str = "10.9.0.1"):
    return client.get(path, environ_base={"REMOTE_ADDR": ip})


def test_lookups_beyond_the_limit_get_429(app, client):
    app.config["TPCOURSE_VERIFY_LIMIT"] = "3 per minute"
    statuses = [get(client, UNKNOWN).status_code for _ in range(3)]
    page = get(client, UNKNOWN)
    as_json = get(client, UNKNOWN + ".json")

    assert statuses == [404, 404, 404]
    assert page.status_code == 429 and "Too many tries" in page.get_data(as_text=True)
    assert as_json.status_code == 429 and as_json.get_json()["error"]["code"]
    assert get(client, UNKNOWN, ip="10.9.0.2").status_code == 404  # another address is fine


def test_the_default_limit_is_30_a_minute(client):
    assert {get(client, UNKNOWN).status_code for _ in range(30)} == {404}
    assert get(client, UNKNOWN).status_code == 429


def test_codes_are_100_bits():
    from tpcourse.services.certification.completion import CODE_ALPHABET, new_certificate_code

    code = new_certificate_code()
    assert re.fullmatch(r"TP(-[A-Z2-9]{4}){5}", code) and len(CODE_ALPHABET) == 32  # 20 x 5 bits


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_verification_shows_only_what_the_certificate_prints(client, make_user, school, basics,
                                                             clock, suffix):
    trainee = make_user(school="northfield", name="Mina Park", email="mina.private@example.com")
    record = complete_basics(trainee, clock.now)

    response = get(client, f"/verify/{record.certificate_code.lower()}{suffix}")
    text = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Mina Park" in text and "Basics of Pressure Work" in text and "451234-12" in text
    assert "mina.private@example.com" not in text and "score" not in text.lower()
    if suffix:
        facts = response.get_json()
        assert set(facts) == {"certificate_code", "status", "holder_name", "course", "ce_hours",
                              "ce_hours_split", "ce_hours_expire", "approved_by", "assessed_by",
                              "completed_on", "expires_on", "revoked_on", "issuer",
                              "verify_url", "cycle", "renewal", "superseded", "superseded_by",
                              "renews", "links"}
        assert (facts["cycle"], facts["superseded"], facts["superseded_by"]) == (1, False, None)
        assert facts["verify_url"] == f"{SITE_URL}/verify/{record.certificate_code}"
        assert facts["course"]["type"] == "Home Study"
