"""Registration, login, logout, CSRF, rate limits and cookie settings."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from tests.conftest import PASSWORD, make_app


def register(client, **fields):
    data = {"name": "Ana Kim", "email": "ana@example.com", "password": "long password 1",
            "confirm": "long password 1"}
    data.update(fields)
    return client.post("/register", data=data)


def test_register_stores_a_hash_and_logs_in(client, db):
    from tpcourse.services.accounts.accounts import find_user_by_email

    assert register(client).status_code == 302
    user = find_user_by_email("ANA@example.com")
    assert user.password_hash != "long password 1"
    assert check_password_hash(user.password_hash, "long password 1")
    assert "Ana Kim" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "not-an-email"}, "Invalid email address"),
    ({"password": "short", "confirm": "short"}, "at least 10 characters"),
    ({"confirm": "something else"}, "don&#39;t match"),
    ({"name": ""}, "This field is required"),
])
def test_register_field_errors_keep_what_was_typed(client, db, fields, message):
    response = register(client, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'class="error-summary"' in page and 'aria-invalid="true"' in page
    if fields.get("name", "x"):
        assert 'value="Ana Kim"' in page


def test_duplicate_email_is_refused(client, db, make_user):
    make_user(email="ana@example.com")
    response = register(client, email="Ana@Example.com")
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)


def test_login_logout(client, db, make_user):
    user = make_user()
    bad = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert bad.status_code == 422 and "don&#39;t match" in bad.get_data(as_text=True)
    unknown = client.post("/login", data={"email": "nobody@example.com", "password": "x" * 12})
    assert unknown.get_data(as_text=True).count("don&#39;t match") == \
        bad.get_data(as_text=True).count("don&#39;t match")  # no account enumeration
    ok = client.post("/login?next=/records", data={"email": user.email, "password": PASSWORD})
    assert ok.status_code == 302 and ok.headers["Location"] == "/records"
    assert client.get("/records").status_code == 200
    assert client.get("/logout").status_code == 405  # GET cannot log you out
    assert client.post("/logout").status_code == 302
    assert client.get("/records").status_code == 302


def test_login_ignores_offsite_next(client, db, make_user):
    user = make_user()
    response = client.post("/login?next=https://evil.example/", data={
        "email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_inactive_user_cannot_log_in(client, db, make_user):
    user = make_user()
    user.active = False
    db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}
                       ).status_code == 422


def test_login_is_rate_limited(_migrated, tmp_path):
    app = make_app(_migrated, tmp_path, TPCOURSE_LOGIN_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/login", data={"email": "x@example.com", "password": "nope"})
             .status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]


def test_csrf_is_required_on_forms(_migrated, tmp_path):
    app = make_app(_migrated, tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/register", data={"name": "A", "email": "a@example.com",
                                              "password": "p" * 12, "confirm": "p" * 12})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)
    page = client.get("/register").get_data(as_text=True)
    assert 'name="csrf_token"' in page


def test_session_cookie_is_secure_httponly_samesite(client, db, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json()["database"] == "ok"


def test_healthz_reports_an_unreachable_database(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing/dir/db.sqlite3", tmp_path)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503


def test_unknown_page_is_styled_404(client, db):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "couldn" in response.get_data(as_text=True)
