"""Every state-changing form of auth, learn and quiz refuses a request without its CSRF token."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, make_app
from tests.security.conftest import snapshot

BLUEPRINTS = ("auth", "learn", "quiz")


def post_rules() -> list[str]:
    """The POST rules of the blueprints under test, read from a real app's URL map."""
    app = make_app("sqlite://", Path("/nonexistent"))
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if "POST" in rule.methods and rule.endpoint.split(".")[0] in BLUEPRINTS)


RULES = post_rules()


def csrf_token(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture
def protected(_migrated, tmp_path, db, enrolled, clock):
    """An app with CSRF on, a logged-in trainee, and a value for every URL argument."""
    from tpcourse.services.accounts.password_reset import make_reset_token
    from tpcourse.services.exams.attempts import get_quiz, start_attempt

    app = make_app(_migrated, tmp_path, WTF_CSRF_ENABLED=True, TPCOURSE_NOW=clock)
    client = app.test_client()
    client.post("/login", data={"email": enrolled.email, "password": PASSWORD,
                                "csrf_token": csrf_token(client, "/login")})
    assert client.get("/records").status_code == 200, "could not log in with a token"
    quiz, version = get_quiz("intro-quiz")
    values = {"slug": "basics", "module_slug": "01-intro", "lesson_slug": "01-welcome",
              "attempt_id": start_attempt(enrolled, quiz, version, clock()).id,
              "token": make_reset_token(enrolled, clock())}
    return app, client, values


def url_for_rule(app, endpoint: str, values: dict[str, str]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    missing = rule.arguments - set(values)
    assert not missing, f"give test_csrf a value for {sorted(missing)} ({endpoint})"
    args = {name: values[name] for name in rule.arguments}
    if endpoint.startswith("quiz.") and "slug" in args:
        args["slug"] = "intro-quiz"
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **args)


def test_the_rules_are_found():
    assert {"auth.login", "auth.register", "auth.logout", "learn.enrol", "quiz.start",
            "quiz.attempt"} <= set(RULES)


@pytest.mark.parametrize("endpoint", RULES)
def test_post_without_a_valid_token_is_refused_and_changes_nothing(protected, endpoint):
    app, client, values = protected
    url = url_for_rule(app, endpoint, values)
    form = {"email": "x@example.com", "password": "long enough password",
            "confirm": "long enough password", "name": "X", "action": "submit"}
    stranger = app.test_client()  # a token issued to another session is no good either
    foreign = csrf_token(stranger, "/login")
    before = snapshot()
    for token in (None, "", foreign, "garbage"):
        data = form if token is None else {**form, "csrf_token": token}
        response = client.post(url, data=data)
        assert response.status_code == 400, (endpoint, token, response.status_code)
        assert "form expired" in response.get_data(as_text=True)
    assert snapshot() == before, f"{endpoint} wrote to the database without a CSRF token"
    assert client.get("/records").status_code == 200  # still logged in: nothing happened


@pytest.mark.parametrize("endpoint", RULES)
def test_the_same_post_with_its_token_is_accepted(protected, endpoint):
    """Control: the refusal above is the CSRF check, not some other failure."""
    app, client, values = protected
    url = url_for_rule(app, endpoint, values)
    token = csrf_token(client, "/records") if endpoint != "auth.reset_password" else \
        csrf_token(client, url)
    response = client.post(url, data={"csrf_token": token, "email": "x@example.com",
                                      "password": "long enough password",
                                      "confirm": "long enough password", "name": "X"})
    assert "form expired" not in response.get_data(as_text=True), endpoint
