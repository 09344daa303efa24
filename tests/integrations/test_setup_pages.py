"""School admins register their LMS and school login; what they paste into the LMS is shown."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tpcourse.models.integrations import LtiPlatform, SsoProvider

MOODLE = "https://moodle.north.example"
LMS_FORM = {"name": "North Moodle", "issuer": MOODLE, "client_id": "abc123",
            "deployment_ids": "1\n2", "auth_login_url": MOODLE + "/mod/lti/auth.php",
            "auth_token_url": MOODLE + "/mod/lti/token.php",
            "key_set_url": MOODLE + "/mod/lti/certs.php", "active": "y"}
ID_FORM = {"name": "North ID", "issuer": "https://id.north.example", "client_id": "tpcourse",
           "client_secret": "the-secret", "authorization_endpoint": "https://id.north.example/a",
           "token_endpoint": "https://id.north.example/t",
           "jwks_uri": "https://id.north.example/k", "scopes": "openid email", "active": "y"}


@pytest.fixture
def north_admin(make_user, login_as):
    return login_as(make_user("school_admin", school="north"))


def test_the_page_shows_what_to_paste_into_moodle_and_canvas(client, north_admin):
    page = client.get("/school/north/integrations")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for path in ("/lti/login", "/lti/launch", "/lti/keys.json", "/login/sso/callback"):
        assert f"http://tpcourse.test{path}" in html
    start = html.index('<textarea id="canvas-json"')
    canvas = json.loads(html[html.index(">", start) + 1:html.index("</textarea>", start)]
                        .replace("&#34;", '"').replace("&quot;", '"'))
    assert canvas["public_jwk_url"] == "http://tpcourse.test/lti/keys.json"
    assert {p["message_type"] for p in canvas["extensions"][0]["settings"]["placements"]} == {
        "LtiDeepLinkingRequest"}


def test_registering_an_lms_keeps_the_input_on_errors_and_saves_when_right(client, north_admin,
                                                                          db):
    bad = client.post("/school/north/integrations/lti/new",
                      data={**LMS_FORM, "key_set_url": "certs.php"})
    assert bad.status_code == 422 and "Enter a full address" in bad.get_data(as_text=True)
    assert "abc123" in bad.get_data(as_text=True)  # the input is kept
    done = client.post("/school/north/integrations/lti/new", data=LMS_FORM)
    assert done.status_code == 302
    platform = db.session.execute(select(LtiPlatform)).scalar_one()
    assert platform.deployment_ids == ["1", "2"] and platform.school_id == north_admin.school_id
    again = client.post("/school/north/integrations/lti/new", data=LMS_FORM)
    assert again.status_code == 422 and "registered already" in again.get_data(as_text=True)


def test_another_schools_registration_is_not_found(client, make_user, login_as, db, clock):
    from tpcourse.integrations.lti.registrations import PlatformForm, save_platform
    from tpcourse.services.accounts.accounts import ensure_school

    south = ensure_school("south", "South")
    theirs = save_platform(south, None, PlatformForm("S", MOODLE, "x", ["1"], MOODLE + "/a",
                                                     MOODLE + "/t", MOODLE + "/k"), "t", clock())
    login_as(make_user("school_admin", school="north"))
    assert client.get(f"/school/north/integrations/lti/{theirs.id}").status_code == 404
    assert client.get(f"/school/south/integrations/lti/{theirs.id}").status_code == 404


def test_a_school_login_keeps_its_secret_sealed_and_env_references_as_they_are(client,
                                                                              north_admin, db):
    assert client.post("/school/north/integrations/sso/new", data=ID_FORM).status_code == 302
    provider = db.session.execute(select(SsoProvider)).scalar_one()
    assert provider.client_secret.startswith("sealed:")
    edit = client.get(f"/school/north/integrations/sso/{provider.id}").get_data(as_text=True)
    assert "the-secret" not in edit and provider.client_secret not in edit
    assert "stored encrypted" in edit
    kept = provider.client_secret
    client.post(f"/school/north/integrations/sso/{provider.id}",
                data={**ID_FORM, "client_secret": ""})  # empty: keep the stored one
    db.session.expire_all()
    assert db.session.get(SsoProvider, provider.id).client_secret == kept
    client.post(f"/school/north/integrations/sso/{provider.id}",
                data={**ID_FORM, "client_secret": "env:NORTH_OIDC_SECRET", "sso_only": "y"})
    db.session.expire_all()
    changed = db.session.get(SsoProvider, provider.id)
    assert changed.client_secret == "env:NORTH_OIDC_SECRET" and changed.sso_only
    assert "Log in with North ID" in client.get("/login").get_data(as_text=True)


def test_secrets_round_trip_and_a_changed_key_says_so(monkeypatch):
    from tpcourse.integrations import secrets

    config = {"SECRET_KEY": "one"}
    sealed = secrets.seal("s3cret", config)
    assert secrets.unseal(sealed, config) == "s3cret"
    assert secrets.unseal(sealed, {"SECRET_KEY": "x", "TPCOURSE_SECRETS_KEY": "one"}) == "s3cret"
    with pytest.raises(secrets.SecretUnavailable, match="another key"):
        secrets.unseal(sealed, {"SECRET_KEY": "two"})
    monkeypatch.setenv("OIDC_SECRET_FOR_TEST", "from-env")
    assert secrets.unseal("env:OIDC_SECRET_FOR_TEST", config) == "from-env"
    with pytest.raises(secrets.SecretUnavailable, match="not set"):
        secrets.unseal("env:NOT_SET_ANYWHERE_23", config)
