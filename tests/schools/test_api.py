"""The completions API: bearer tokens only, scoped to the token's school, JSON errors."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from tpcourse.models import ApiToken, AuditEvent
from tpcourse.records.signing import verify_export
from tpcourse.services.records import signing_keys
from tpcourse.services.schools import tokens


@pytest.fixture
def north_token(world, clock):
    return tokens.create_token(world.north, "registrar", "user:1", clock.now)


@pytest.fixture
def south_token(world, clock):
    return tokens.create_token(world.south, "south sis", "user:2", clock.now)


def bearer(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token.secret}"}


def test_no_unknown_or_revoked_token_is_a_json_401(client, world, north_token, clock):
    missing = client.get("/api/v1/completions")
    assert missing.status_code == 401 and missing.is_json
    assert missing.get_json()["error"]["code"] == "invalid_request"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    unknown = client.get("/api/v1/completions", headers={"Authorization": "Bearer tpc_nope"})
    assert unknown.status_code == 401 and unknown.get_json()["error"]["code"] == "invalid_token"
    basic = client.get("/api/v1/completions", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert basic.status_code == 401
    tokens.revoke_token(world.north, north_token.token.id, "user:1", clock.now)
    revoked = client.get("/api/v1/completions", headers=bearer(north_token))
    assert revoked.status_code == 401 and revoked.get_json()["error"]["code"] == "invalid_token"


def test_a_logged_in_browser_session_is_not_an_api_credential(client, login_as, world):
    login_as(world.north_admin)
    response = client.get("/api/v1/completions")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers
    assert client.get("/school/north/").status_code == 200  # still logged in on the site


def test_the_token_sees_only_its_own_school(client, world, north_token, south_token):
    north = client.get("/api/v1/completions?format=csv", headers=bearer(north_token))
    rows = list(csv.DictReader(io.StringIO(north.get_data().decode("utf-8-sig"))))
    assert {r["school"] for r in rows} == {"North Massage School"} and len(rows) == 4
    south = client.get("/api/v1/completions", headers=bearer(south_token)).get_json()
    assert [r["email"] for r in south["records"]] == ["sam@south.example"]
    foreign_cohort = client.get(f"/api/v1/completions?cohort={world.spring.id}",
                                headers=bearer(south_token))
    assert foreign_cohort.status_code == 404 and foreign_cohort.is_json
    cohorts = client.get("/api/v1/cohorts", headers=bearer(south_token)).get_json()["cohorts"]
    assert [c["name"] for c in cohorts] == ["Autumn 2026"]


@pytest.mark.parametrize("fmt, media", [("json", "application/json"), ("csv", "text/csv"),
                                        ("xapi", "application/json"),
                                        ("badges", "application/json")])
def test_each_format_streams_with_a_verifiable_signature(client, app, world, north_token, fmt,
                                                         media, south_token):
    response = client.get(f"/api/v1/completions?format={fmt}", headers=bearer(north_token))
    data = response.get_data()
    assert response.status_code == 200 and response.mimetype == media
    link = re.match(r"<([^>]+)>", response.headers["Link"]).group(1)
    assert link == f"/api/v1/exports/{response.headers['X-Export-Id']}/signature"
    signature = client.get(link, headers=bearer(north_token))
    assert signature.status_code == 200 and signature.get_json()["format"] == fmt
    assert verify_export(data, signature.get_json(), signing_keys.key_set(app)) == []
    assert client.get(link, headers=bearer(south_token)).status_code == 404


def test_filters_and_bad_parameters(client, world, north_token):
    headers = bearer(north_token)
    since = client.get("/api/v1/completions?since=2026-03-02&until=2026-03-02&course=basics",
                       headers=headers).get_json()
    assert [r["email"] for r in since["records"]] == ["zoe@north.example"]
    later = client.get("/api/v1/completions?since=2026-03-03T00:00:00Z", headers=headers)
    assert later.get_json()["records"] == []
    for query, status in (("format=pdf", 400), ("since=tomorrow", 400), ("course=nope", 404),
                          ("cohort=abc", 404), ("since=2026-04-01&until=2026-03-01", 400)):
        response = client.get(f"/api/v1/completions?{query}", headers=headers)
        assert response.status_code == status and "message" in response.get_json()["error"], query


def test_only_a_hash_is_stored_and_use_is_noted(client, world, north_token, db, clock):
    stored = db.session.get(ApiToken, north_token.token.id)
    assert north_token.secret not in json.dumps(
        {c.name: str(getattr(stored, c.name)) for c in ApiToken.__table__.columns})
    assert stored.token_hash == tokens.token_hash(north_token.secret)
    assert stored.last_used_at is None
    client.get("/api/v1/cohorts", headers=bearer(north_token))
    db.session.expire_all()
    assert stored.last_used_at == clock.now


def test_creating_and_revoking_tokens_in_the_web_is_audited(client, login_as, world, db):
    login_as(world.north_admin)
    created = client.post("/school/north/tokens", data={"name": "Registrar nightly"})
    html = created.get_data(as_text=True)
    secret = re.search(r'value="(tpc_[^"]+)"', html).group(1)
    assert "shown only this once" in html
    assert secret not in client.get("/school/north/tokens").get_data(as_text=True)
    assert client.get("/api/v1/cohorts", headers={"Authorization": f"Bearer {secret}"}).is_json
    token = db.session.execute(select(ApiToken).filter_by(name="Registrar nightly")).scalar_one()
    assert client.post(f"/school/north/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/cohorts",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    kinds = list(db.session.execute(select(AuditEvent.kind).where(
        AuditEvent.kind.like("api_token.%")).order_by(AuditEvent.seq)).scalars())
    assert kinds == ["api_token.created", "api_token.revoked"]
    blank = client.post("/school/north/tokens", data={"name": ""})
    assert blank.status_code == 422


def test_another_schools_token_cannot_be_revoked(client, login_as, world, south_token):
    login_as(world.north_admin)
    response = client.post(f"/school/north/tokens/{south_token.token.id}/revoke")
    assert response.status_code == 404


def test_api_errors_are_json_even_for_unknown_routes_and_methods(client, north_token):
    assert client.get("/api/v1/nothing-here").get_json()["error"]["code"]
    post = client.post("/api/v1/completions", headers=bearer(north_token))
    assert post.status_code == 405 and post.is_json


def test_each_token_is_rate_limited_with_a_json_429(app, client, world, north_token, south_token):
    app.config["TPCOURSE_API_LIMIT"] = "3 per minute"
    address = {"REMOTE_ADDR": "10.0.8.1"}  # counters of its own, apart from other tests
    statuses = [client.get("/api/v1/cohorts", headers=bearer(north_token),
                           environ_base=address).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/cohorts", headers=bearer(north_token), environ_base=address)
    assert refused.is_json and refused.get_json()["error"]["code"]
    assert "Retry-After" in refused.headers
    # Another school's token is counted on its own, even from the same address.
    other = client.get("/api/v1/cohorts", headers=bearer(south_token), environ_base=address)
    assert other.status_code == 200


def test_guessing_tokens_is_refused_per_address(app, client, world, north_token):
    app.config["TPCOURSE_API_FAILURE_LIMIT"] = "3 per minute"
    guesser, school = {"REMOTE_ADDR": "10.0.8.2"}, {"REMOTE_ADDR": "10.0.8.3"}
    statuses = [client.get("/api/v1/cohorts", environ_base=guesser,
                           headers={"Authorization": f"Bearer tpc_guess{i}"}).status_code
                for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    # The guesser is refused even with a good token now; other addresses are not affected,
    # and successful requests never count towards the failure limit.
    assert client.get("/api/v1/cohorts", headers=bearer(north_token),
                      environ_base=guesser).status_code == 429
    for _ in range(5):
        assert client.get("/api/v1/cohorts", headers=bearer(north_token),
                          environ_base=school).status_code == 200
