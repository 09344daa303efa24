"""Role matrix for the routes added by issue 8 (password reset), same shape as test_roles.py."""

from __future__ import annotations

import pytest

from tests.web.test_roles import ROLES

# endpoint: (method, path, {role: status}). A reset link is the same for everyone: a bad or
# used one is 400 (a page offering a new link), whoever is logged in.
MATRIX = {
    "auth.forgot_password": ("GET", "/password/forgot", dict.fromkeys(ROLES, 200)),
    "auth.reset_password": ("GET", "/password/reset/not-a-valid-token",
                            dict.fromkeys(ROLES, 400)),
}
# The same routes posted to: an empty form re-renders (422), a bad link stays 400.
POSTS = {
    "auth.forgot_password": ("POST", "/password/forgot", dict.fromkeys(ROLES, 422)),
    "auth.reset_password": ("POST", "/password/reset/not-a-valid-token",
                            dict.fromkeys(ROLES, 400)),
}


def test_matrix_covers_the_password_routes(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.startswith("auth.") and "password" in rule.rule}
    assert endpoints == set(MATRIX) == set(POSTS)


@pytest.fixture
def people(make_user):
    return {role: make_user(role=role) for role in ("trainee", "instructor", "school_admin",
                                                    "admin")} | {"outsider": make_user()}


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, db, people, login_as, role):
    if role != "anonymous":
        login_as(people[role])
    failures = []
    for table in (MATRIX, POSTS):
        for _endpoint, (method, path, expected) in table.items():
            status = client.open(path, method=method).status_code
            if status != expected[role]:
                failures.append(f"{method} {path}: {status}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


def test_a_valid_link_works_whoever_is_logged_in(client, db, people, login_as, clock):
    """The link belongs to the account it was sent for, not to the session that opens it."""
    from tpcourse.services.password_reset import make_reset_token

    login_as(people["admin"])
    token = make_reset_token(people["trainee"], clock())
    assert client.get(f"/password/reset/{token}").status_code == 200
