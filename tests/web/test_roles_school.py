"""Every school, admin, API and key route, for every role: the expected status.

"other_school_admin" is the admin of another school looking at north's pages: always 404, so
nothing about north leaks. The API ignores session cookies, so every logged-in role gets 401
there; tokens are tested in tests/school/test_api.py.
"""

from __future__ import annotations

import pytest

from tests.school.conftest import World, fast_passwords, world  # noqa: F401  (fixtures)
from tpcourse.services import exports, signing_keys, tokens

ROLES = ("anonymous", "trainee", "instructor", "school_admin", "other_school_admin", "admin")
NORTH = "/school/north"
COHORT = NORTH + "/cohorts/{cohort}"


def _school(admin: int, other: int = 404, staff: int = 403, anonymous: int = 302) -> dict:
    return {"anonymous": anonymous, "trainee": staff, "instructor": staff, "school_admin": admin,
            "other_school_admin": other, "admin": admin}


def _admin(admin: int) -> dict:
    return {**dict.fromkeys(ROLES, 403), "anonymous": 302, "admin": admin}


# endpoint: (method, path, {role: status}) — 302 for anonymous means "sent to log in".
MATRIX = {
    "school.index": ("GET", "/school/", {**_school(302, other=302), "admin": 200}),
    "school.dashboard": ("GET", NORTH + "/", _school(200)),
    "school.cohort_new": ("GET", NORTH + "/cohorts/new", _school(200)),
    "school.cohort": ("GET", COHORT, _school(200)),
    "school.cohort_rename": ("POST", COHORT + "/rename", _school(422)),
    "school.remove_member": ("POST", COHORT + "/members/{member}/remove", _school(302)),
    "school.export": ("GET", NORTH + "/export?format=csv", _school(200)),
    "school.export_signature": ("GET", NORTH + "/exports/{export}.sig.json", _school(200)),
    "school.api_tokens": ("GET", NORTH + "/tokens", _school(200)),
    "school.revoke_token": ("POST", NORTH + "/tokens/{token}/revoke", _school(302)),
    "school.join": ("GET", "/school/join", {**dict.fromkeys(ROLES, 200), "anonymous": 302}),
    "school.join_code": ("GET", "/school/join/{code}",
                         {**dict.fromkeys(ROLES, 200), "anonymous": 302}),
    "school.cohort_invite": ("POST", COHORT + "/invite", _school(302)),
    "school.cohort_archive": ("POST", COHORT + "/archive", _school(302)),
    "admin.index": ("GET", "/admin/", _admin(302)),
    "admin.school_list": ("GET", "/admin/schools", _admin(200)),
    "admin.school_new": ("GET", "/admin/schools/new", _admin(200)),
    "admin.school_edit": ("GET", "/admin/schools/{school_id}/edit", _admin(200)),
    "admin.user_list": ("GET", "/admin/users", _admin(200)),
    "admin.user_edit": ("GET", "/admin/users/{member}", _admin(200)),
    "admin.user_delete": ("POST", "/admin/users/{member}/delete", _admin(422)),
    "api.completions": ("GET", "/api/v1/completions", dict.fromkeys(ROLES, 401)),
    "api.signature": ("GET", "/api/v1/exports/{export}/signature", dict.fromkeys(ROLES, 401)),
    "api.cohort_list": ("GET", "/api/v1/cohorts", dict.fromkeys(ROLES, 401)),
    "keys.key_set": ("GET", "/.well-known/tpcourse-keys.json", dict.fromkeys(ROLES, 200)),
}
# They change the cohort (a new code, archived) that earlier requests use: run them last.
LAST = ("school.cohort_invite", "school.cohort_archive")
BLUEPRINTS = {"school", "admin", "api", "keys"}


def test_every_school_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                 if rule.endpoint.split(".")[0] in BLUEPRINTS}
    assert endpoints == set(MATRIX), "add new routes to MATRIX with the status for each role"


@pytest.fixture
def people(world: World, make_user, app, db, clock):  # noqa: F811
    """One user per role, plus a finished north export and a north API token."""
    from tpcourse.models import CourseInstructor

    users = {"trainee": world.idle, "school_admin": world.north_admin,
             "other_school_admin": world.south_admin,
             "instructor": make_user(role="instructor"), "admin": make_user(role="admin")}
    db.session.add(CourseInstructor(user_id=users["instructor"].id, course_id=world.course.id))
    db.session.commit()
    export = exports.CompletionExport(world.north, "csv", exports.RosterFilter(), None, "web",
                                      clock.now, signing_keys.signing_key(app), "https://t")
    b"".join(export.chunks())
    token = tokens.create_token(world.north, "registrar", None, clock.now).token
    values = {"cohort": world.spring.id, "member": world.partial.id, "export": export.export_id,
              "token": token.id, "code": world.spring.invite_code, "school_id": world.north.id}
    return users, values


@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, people, login_as, role):
    users, values = people
    if role != "anonymous":
        login_as(users[role])
    order = [e for e in MATRIX if e not in LAST] + list(LAST)
    failures = []
    for endpoint in order:
        method, path, expected = MATRIX[endpoint]
        url = path.format(**values)
        response = client.open(url, method=method)
        response.get_data()  # run streamed bodies to the end
        if response.status_code != expected[role]:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected[role]}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("endpoint", [e for e in MATRIX if e.startswith("school.")
                                      and "{" in MATRIX[e][1] and "join" not in e])
def test_other_school_sees_not_even_that_north_exists(client, people, login_as, endpoint):
    """A 404 from another school's admin reads the same as for a school that does not exist."""
    users, values = people
    login_as(users["other_school_admin"])
    method, path, _ = MATRIX[endpoint]
    theirs = client.open(path.format(**values), method=method)
    missing = client.open(path.format(**values).replace("/north", "/no-such-school"),
                          method=method)
    assert theirs.status_code == missing.status_code == 404
    assert "north" not in theirs.get_data(as_text=True).lower()
