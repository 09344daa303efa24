"""Logging in with a school's OpenID provider, against a real one started by the tests (panva's
certified `oidc-provider` under Node): just-in-time accounts, matching by issuer + subject,
linking, "SSO only", and the checks on state, nonce, PKCE and the authorisation code."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.integrations.peers import browser, csrf_of, oidc_provider, through_provider
from tpcourse.extensions import db
from tpcourse.integrations.sso import login as sso_login
from tpcourse.integrations.sso.providers import ProviderForm, save_provider
from tpcourse.models import User
from tpcourse.models.integrations import SsoIdentity
from tpcourse.services.accounts.accounts import create_user, ensure_school

ACCOUNTS = {
    "ana-0001": {"name": "Ana Osei", "email": "ana@north.example", "email_verified": True},
    "bo-0002": {"name": "Bo Lind", "email": "bo@north.example", "email_verified": True},
}


@pytest.fixture
def sso_world(tool, clock):
    """The served tool, the provider with tpcourse as a client, and north's provider row."""
    app, base = tool
    clients = [{"client_id": "tpcourse", "client_secret": "provider-secret-123",
                "redirect_uris": [f"{base}/login/sso/callback"]}]
    with oidc_provider(clients, ACCOUNTS) as issuer:
        meta = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
        north = ensure_school("north", "North School")
        provider = save_provider(north, None, ProviderForm(
            "North ID", meta["issuer"], "tpcourse", "provider-secret-123",
            meta["authorization_endpoint"], meta["token_endpoint"], meta["jwks_uri"],
            create_accounts=True), app.config, "user:test", clock())
        yield app, base, issuer, provider


def _log_in(base: str, person: requests.Session, provider_id: int, sub: str):
    start = person.get(f"{base}/login/sso/{provider_id}", allow_redirects=False, timeout=10)
    assert start.status_code == 302
    callback = through_provider(person, start.headers["Location"],
                                f"{base}/login/sso/callback", sub)
    return start.headers["Location"], person.get(callback, allow_redirects=False, timeout=10)


def _signed_in_as(base: str, person: requests.Session) -> str:
    return person.get(f"{base}/records", timeout=10).text


def test_first_login_makes_the_account_and_later_ones_find_it_by_subject(sso_world):
    app, base, issuer, provider = sso_world
    login_page = browser().get(f"{base}/login", timeout=10).text
    assert "Log in with North ID" in login_page
    asked, answer = _log_in(base, browser(), provider.id, "ana-0001")
    query = parse_qs(urlsplit(asked).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["nonce"][0] and query["state"][0] and query["scope"] == ["openid email profile"]
    assert answer.status_code == 302, answer.text
    db.session.remove()
    ana = db.session.execute(select(User).filter_by(email="ana@north.example")).scalar_one()
    assert ana.school.slug == "north" and ana.role == "trainee"
    again = browser()
    _, second = _log_in(base, again, provider.id, "ana-0001")
    assert second.status_code == 302 and "Ana Osei" in _signed_in_as(base, again)
    db.session.remove()
    assert db.session.execute(select(func.count()).select_from(User)).scalar() == 1
    identity = db.session.execute(select(SsoIdentity)).scalar_one()
    assert (identity.issuer, identity.subject, identity.user_id) == (issuer, "ana-0001", ana.id)


def test_an_existing_email_is_never_taken_over_by_a_school_login(sso_world):
    app, base, issuer, provider = sso_world
    owner_id = create_user("bo@north.example", "Bo (password account)", PASSWORD).id
    _, answer = _log_in(base, browser(), provider.id, "bo-0002")
    assert answer.status_code == 302
    db.session.remove()
    made = db.session.execute(select(User).where(User.name == "Bo Lind")).scalar_one()
    assert made.id != owner_id and made.email.endswith("@sso.invalid")


def test_without_new_accounts_an_unlinked_person_is_refused(sso_world, clock):
    app, base, issuer, provider = sso_world
    provider.create_accounts = False
    db.session.commit()
    _, answer = _log_in(base, browser(), provider.id, "ana-0001")
    assert answer.status_code == 400 and "No account here is linked" in answer.text
    db.session.remove()
    assert db.session.execute(select(func.count()).select_from(User)).scalar() == 0


def test_link_a_school_login_then_sso_only_refuses_the_password(sso_world, clock):
    app, base, issuer, provider = sso_world
    provider.create_accounts = False
    db.session.commit()
    create_user("bo@north.example", "Bo Lind", PASSWORD, school_slug="north")
    person = browser()
    page = person.get(f"{base}/login", timeout=10)
    logged = person.post(f"{base}/login", allow_redirects=False, timeout=10, data={
        "email": "bo@north.example", "password": PASSWORD, "csrf_token": csrf_of(page.text)})
    assert logged.status_code == 302
    _, linked = _log_in(base, person, provider.id, "bo-0002")  # logged in: links
    assert linked.status_code == 302
    provider.sso_only = True
    db.session.commit()
    fresh = browser()
    page = fresh.get(f"{base}/login", timeout=10)
    refused = fresh.post(f"{base}/login", timeout=10, data={
        "email": "bo@north.example", "password": PASSWORD, "csrf_token": csrf_of(page.text)})
    # Answered as a wrong password (nothing revealed, counted by the log-in limits), with the
    # hint every login page gets while a school is "SSO only", and the school's button.
    assert refused.status_code == 422 and "use its \u201cLog in with\u201d button" in refused.text
    assert "Log in with North ID" in refused.text
    wrong = fresh.post(f"{base}/login", timeout=10, data={
        "email": "bo@north.example", "password": "not the password",
        "csrf_token": csrf_of(page.text)})
    assert (wrong.status_code, _error_of(wrong.text)) == (422, _error_of(refused.text))
    _, through_school = _log_in(base, fresh, provider.id, "bo-0002")
    assert through_school.status_code == 302 and "Bo Lind" in _signed_in_as(base, fresh)


def _error_of(html: str) -> str:
    return html.split('class="error"', 1)[1].split("</p>", 1)[0]


def test_a_callback_for_another_login_of_this_browser_is_refused_by_state(sso_world):
    app, base, issuer, provider = sso_world
    person = browser()
    first = person.get(f"{base}/login/sso/{provider.id}", allow_redirects=False, timeout=10)
    person.get(f"{base}/login/sso/{provider.id}", allow_redirects=False, timeout=10)  # replaces
    callback = through_provider(person, first.headers["Location"],
                                f"{base}/login/sso/callback", "ana-0001")
    answer = person.get(callback, allow_redirects=False, timeout=10)
    assert answer.status_code == 400 and "state" in answer.text
    stranger = browser()  # the callback in a browser that started nothing
    assert stranger.get(callback, allow_redirects=False, timeout=10).status_code == 400


def _callback(app, base, provider, sub="ana-0001"):
    """A real provider answer for a login begun by the service, and what the session kept."""
    url, pending = sso_login.begin(provider.id, f"{base}/login/sso/callback", app.config)
    return through_provider(browser(), url, f"{base}/login/sso/callback", sub), pending


def _finish(app, base, pending, callback, clock):
    state = parse_qs(urlsplit(callback).query)["state"][0]
    return sso_login.finish(pending, callback, state, f"{base}/login/sso/callback", app.config,
                            clock())


def test_a_token_for_another_nonce_is_refused(sso_world, clock):
    app, base, issuer, provider = sso_world
    callback, pending = _callback(app, base, provider)
    with pytest.raises(sso_login.LoginRefused, match="nonce"):
        _finish(app, base, {**pending, "nonce": "someone-elses-nonce"}, callback, clock)


def test_a_wrong_pkce_verifier_and_a_reused_code_are_refused(sso_world, clock):
    app, base, issuer, provider = sso_world
    callback, pending = _callback(app, base, provider)
    with pytest.raises(sso_login.LoginRefused, match="invalid_grant"):
        _finish(app, base, {**pending, "verifier": "x" * 64}, callback, clock)
    callback, pending = _callback(app, base, provider)
    assert _finish(app, base, pending, callback, clock).name == "Ana Osei"
    with pytest.raises(sso_login.LoginRefused, match="invalid_grant"):
        _finish(app, base, pending, callback, clock)  # the code works once


def test_an_answer_naming_another_issuer_is_refused(sso_world, clock):
    app, base, issuer, provider = sso_world
    callback, pending = _callback(app, base, provider)
    forged = callback.replace("iss=", "iss=https%3A%2F%2Fevil.example&was=")
    with pytest.raises(sso_login.LoginRefused, match="another provider"):
        _finish(app, base, pending, forged, clock)


def test_the_client_secret_is_stored_sealed(sso_world):
    app, base, issuer, provider = sso_world
    db.session.remove()
    stored = db.session.execute(select(type(provider).client_secret)).scalar_one()
    assert stored.startswith("sealed:") and "provider-secret-123" not in stored
