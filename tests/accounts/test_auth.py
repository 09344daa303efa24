"""Registration, login, logout, CSRF, rate limits and cookie settings."""

from __future__ import annotations

import pytest
from werkzeug.security import check_password_hash

from tests.conftest import PASSWORD, make_app
from tests.helpers import link_in, outbox, register


def start(client, **fields):
    data = {"name": "Ana Kim", "email": "ana@example.com"}
    data.update(fields)
    return client.post("/register", data=data)


def test_register_by_email_link_stores_a_hash_and_logs_in(app, client, db):
    from tpcourse.services.accounts.accounts import find_user_by_email

    assert register(client, app, email="ANA@example.com").status_code == 302
    user = find_user_by_email("ana@example.com")
    assert user.name == "Ana Kim" and user.password_hash != "long password 1"
    assert check_password_hash(user.password_hash, "long password 1")
    assert "Ana Kim" in client.get("/").get_data(as_text=True)


def test_nothing_is_stored_until_the_link_is_used(app, client, db):
    from tpcourse.services.accounts.accounts import count_users

    page = start(client).get_data(as_text=True)
    assert "Check your email" in page and count_users() == 0
    (message,) = outbox(app)
    assert message.to == "ana@example.com" and message.subject.startswith("Finish creating")


def test_a_registered_email_gets_the_same_answer_and_an_email_saying_so(app, client, db,
                                                                        make_user):
    """The page never tells whether an address has an account; the email does, to its owner."""
    make_user(email="taken@example.com")
    new, taken = start(client, email="new@example.com"), start(client, email="Taken@Example.com")
    assert new.status_code == taken.status_code == 200

    def shown(response):
        return response.get_data(as_text=True).replace("new@example.com", "ADDRESS").replace(
            "Taken@Example.com", "ADDRESS")

    assert shown(new) == shown(taken)
    note, link = outbox(app)
    assert note.to == "taken@example.com" and "already have one" in note.body
    assert "/register/finish/" not in note.body and "/password/forgot" in note.body
    assert link.to == "new@example.com" and "/register/finish/" in link.body


@pytest.mark.parametrize(("fields", "message"), [
    ({"email": "not-an-email"}, "Enter an email address"),
    ({"name": ""}, "This field is required"),
])
def test_register_field_errors_keep_what_was_typed(client, db, fields, message):
    response = start(client, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'class="error-summary"' in page and 'aria-invalid="true"' in page
    if fields.get("name", "x"):
        assert 'value="Ana Kim"' in page


@pytest.mark.parametrize(("password", "confirm", "message"), [
    ("short", "short", "at least 10 characters"),
    ("long password 1", "something else", "don&#39;t match"),
])
def test_choosing_the_password_shows_field_errors(app, client, db, password, confirm, message):
    start(client)
    link = link_in(outbox(app)[0].body, "/register/finish/")
    response = client.post(link, data={"password": password, "confirm": confirm})
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_a_link_used_twice_or_for_a_taken_address_is_a_clear_answer(app, client, db):
    start(client)
    link = link_in(outbox(app)[0].body, "/register/finish/")
    data = {"password": "long password 1", "confirm": "long password 1"}
    assert client.post(link, data=data).status_code == 302
    client.post("/logout")
    again = app.test_client().post(link, data=data)
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)


def test_an_expired_or_forged_link_is_refused(app, client, db, clock):
    start(client)
    link = link_in(outbox(app)[0].body, "/register/finish/")
    assert client.get(link[:-3] + "xyz").status_code == 400
    clock.advance(hours=25)
    page = client.get(link)
    assert page.status_code == 400 and "Register again" in page.get_data(as_text=True)


def test_registration_is_rate_limited_per_address_and_mail_capped_per_email(_migrated,
                                                                            tmp_path):
    app = make_app(_migrated, tmp_path, TPCOURSE_REGISTER_LIMIT="3 per hour",
                   TPCOURSE_MAIL_PER_ADDRESS_LIMIT="2 per hour")
    client = app.test_client()
    codes = [client.post("/register", data={"name": "A", "email": f"a{n}@example.com"},
                         environ_base={"REMOTE_ADDR": "10.9.0.1"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    other = [client.post("/register", data={"name": "A", "email": "same@example.com"},
                         environ_base={"REMOTE_ADDR": f"10.9.1.{n}"}).status_code
             for n in range(4)]
    assert other == [200] * 4  # the same answer each time, but one inbox is not flooded:
    assert [m.to for m in outbox(app)].count("same@example.com") == 2


def test_concurrent_sign_ups_of_one_email_all_get_a_clear_answer(app, db):
    """Eight browsers finish sign-ups of one address at once: one account, no 500."""
    from tests.security.test_exactly_once import race
    from tpcourse.models import User
    from tpcourse.services.accounts.registration import make_registration_token

    tokens = [make_registration_token("race@example.com", f"Racer {n}", "/", app.config[
        "TPCOURSE_NOW"]()) for n in range(8)]
    data = {"password": "long password 1", "confirm": "long password 1"}
    codes = race(app, lambda n: app.test_client().post(f"/register/finish/{tokens[n]}",
                                                       data=data).status_code)
    assert sorted(codes) == [302] + [422] * 7, codes
    assert db.session.query(User).filter_by(email="race@example.com").count() == 1


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
    response = client.post("/register", data={"name": "A", "email": "a@example.com"})
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
