"""Security headers, cookies and sessions: what every response tells the browser."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD, make_app

PAGES = ["/", "/login", "/register", "/password/forgot", "/verify", "/courses/basics",
         "/no/such/page"]


def csp_directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:])
            for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_sends_a_strict_policy(client, content, path):
    response = client.get(path)
    csp = csp_directives(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval', no hosts
    assert "unsafe" not in csp["style-src"]
    assert csp["object-src"] == "'none'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["form-action"] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_json_and_static_responses_carry_the_headers_too(client, content):
    for path in ("/healthz", "/static/css/site.css", "/verify/TP-NOPE.json"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert "Content-Security-Policy" in response.headers, path


def test_settled_headers_are_what_talisman_itself_sends_for_each_view(app, client, content):
    from flask import Response
    from flask_talisman import Talisman

    talisman = app.extensions["talisman"]
    for path in PAGES:
        first, again = client.get(path), client.get(path)  # worked out, then copied
        with app.test_request_context(path):
            expected = Talisman._set_response_headers(talisman, Response()).headers
        names = [name for name, _ in expected.items() if name not in ("Content-Type", "Content-Length")]
        assert len(names) == 5, names  # CSP, Permissions, Referrer, X-Frame, X-Content-Type
        for name in names:
            assert first.headers.getlist(name) == again.headers.getlist(name) == [expected[name]]


def test_a_view_with_its_own_talisman_options_keeps_them(app, client, db):
    talisman = app.extensions["talisman"]

    @app.get("/framed-for-this-test")
    @talisman(frame_options="SAMEORIGIN")
    def framed():
        return "framed"

    for _ in range(2):
        assert client.get("/framed-for-this-test").headers["X-Frame-Options"] == "SAMEORIGIN"
        assert client.get("/login").headers["X-Frame-Options"] == "DENY"


def test_hsts_follows_the_secure_cookie_setting(app, client, db):
    assert app.config["SESSION_COOKIE_SECURE"] is True  # the production default
    hsts = client.get("/login").headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts
    app.config["SESSION_COOKIE_SECURE"] = False  # what `demo` does for plain-HTTP localhost
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert "Location" not in client.get("/login").headers  # no forced redirect to https


def test_talisman_leaves_the_cookie_settings_alone(app, client, db):
    app.config.update(SESSION_COOKIE_SECURE=False)
    client.get("/login")
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_registering_twice_changes_nothing(app, client, db):
    from tpcourse.web.security_headers import register_security

    talisman = app.extensions["talisman"]
    register_security(app)
    assert app.extensions["talisman"] is talisman
    assert client.get("/login").headers.getlist("Content-Security-Policy").__len__() == 1


def test_login_cookies_are_secure_httponly_samesite_and_remembered_safely(client, db,
                                                                          make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} >= {"session", "remember_token"}
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_login_starts_a_fresh_session(app, client, db, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == user.get_id()
        assert session["_user_id"].partition(".")[0] == str(user.id)


def test_session_protection_drops_a_stolen_session(_migrated, tmp_path, db, make_user):
    """A session cookie replayed from another browser (other user agent) is not logged in."""
    user = make_user()
    # A second app object, so each request gets its own app context (and its own flask.g,
    # where flask-login caches the user) as on a real server.
    served = make_app(_migrated, tmp_path)
    owner = served.test_client()
    owner.post("/login", data={"email": user.email, "password": PASSWORD},
               headers={"User-Agent": "owner-browser"})
    assert owner.get("/records", headers={"User-Agent": "owner-browser"}).status_code == 200
    cookie = owner.get_cookie("session", domain="tpcourse.test")
    same_browser, thief = served.test_client(), served.test_client()
    for replay in (same_browser, thief):
        replay.set_cookie("session", cookie.value, domain=cookie.domain)
    assert same_browser.get("/records", headers={"User-Agent": "owner-browser"}).status_code == 200
    assert thief.get("/records", headers={"User-Agent": "thief-browser"}).status_code == 302


INLINE = [re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # inline script element
          re.compile(r"\son[a-z]+\s*=", re.I),  # event-handler attribute
          re.compile(r"javascript:", re.I),
          re.compile(r"<style\b", re.I)]


def test_no_page_needs_inline_script(client, enrolled, login_as):
    """Pages a trainee sees have nothing the policy would block (scripts only by src)."""
    from tpcourse.services.exams.attempts import get_quiz, start_attempt

    login_as(enrolled)
    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(enrolled, quiz, version)
    paths = [*PAGES, "/courses/basics/01-intro/01-welcome", "/quizzes/intro-quiz",
             f"/attempts/{attempt.id}", "/records", "/quizzes/intro-quiz/attempts"]
    for path in paths:
        page = client.get(path).get_data(as_text=True)
        for pattern in INLINE:
            assert not pattern.search(page), f"{path}: {pattern.pattern}"


def test_create_app_wires_the_headers_and_the_row_locks(_migrated, tmp_path):
    """Guard for the wiring: every app create_app builds sends the headers and locks rows."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from tpcourse.database.row_locks import _locked_read

    app = make_app(_migrated, tmp_path)
    assert "talisman" in app.extensions
    assert app.test_client().get("/login").headers["X-Frame-Options"] == "DENY"
    assert event.contains(Session, "do_orm_execute", _locked_read)
