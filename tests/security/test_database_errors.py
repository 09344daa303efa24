"""A database error never leaves a bare 500: the session is rolled back before the error page is
rendered, and a database that cannot be reached answers 503 (JSON under /api/)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import PASSWORD, make_app
from tpcourse.extensions import db as _db
from tpcourse.services.schools.tokens import PREFIX

UNREACHABLE = {
    "sqlite": lambda tmp_path: f"sqlite:///{tmp_path}/missing/folder/db.sqlite3",
    "postgresql": lambda tmp_path: "postgresql://postgres@127.0.0.1:1/test",  # nothing listens
}


@pytest.mark.parametrize("backend", list(UNREACHABLE))
@pytest.mark.parametrize("path", ["/", "/courses/basics", "/verify/TP-ABCD-EFGH"])
def test_an_unreachable_database_is_a_503_page(tmp_path, backend, path):
    app = make_app(UNREACHABLE[backend](tmp_path), tmp_path)
    response = app.test_client().get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:300]
    assert "reach the database right now" in page and "<nav" in page  # the site's own page


@pytest.mark.parametrize("backend", list(UNREACHABLE))
def test_an_unreachable_database_is_json_503_under_the_api(tmp_path, backend):
    app = make_app(UNREACHABLE[backend](tmp_path), tmp_path)
    for path in ("/api/v1/completions", "/verify/TP-ABCD-EFGH.json"):
        response = app.test_client().get(path, headers={"Authorization": f"Bearer {PREFIX}{'a' * 40}"})
        assert response.status_code == 503 and response.is_json, path
        assert response.get_json()["error"]["code"] == "database_unavailable"


def test_a_login_attempt_against_an_unreachable_database(tmp_path):
    app = make_app(UNREACHABLE["sqlite"](tmp_path), tmp_path)
    response = app.test_client().post("/login", data={"email": "a@example.com",
                                                      "password": "whatever it is"})
    assert response.status_code == 503


def test_the_error_page_after_a_failed_statement_still_knows_who_is_signed_in(
        _migrated, tmp_path, make_user):
    """On PostgreSQL a failed statement aborts the transaction: the error page's navigation
    must not run its user query in it (rolled back first), or the page itself fails."""
    user = make_user()
    app = make_app(_migrated, tmp_path, PROPAGATE_EXCEPTIONS=False, TESTING=False)

    def broken():
        _db.session.execute(text("SELECT no_such_column FROM users"))

    app.add_url_rule("/broken", "broken", broken)
    client = app.test_client()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}
                       ).status_code == 302
    response = client.get("/broken")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong on our side" in page
    assert user.name in page  # the navigation rendered, with a fresh transaction
