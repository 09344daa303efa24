"""Password reset: emailed through a real SMTP server, expiring, single-use, no enumeration."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD, make_app
from tests.mail_server import text_of

NEW_PASSWORD = "a brand new passphrase"


def ask_for_link(client, email: str):
    return client.post("/password/forgot", data={"email": email})


def link_in(message) -> str:
    body = text_of(message)
    match = re.search(r"https://tpcourse\.test(/password/reset/\S+)", body)
    assert match, body
    return match.group(1)


def can_log_in(client, email: str, password: str) -> bool:
    return client.post("/login", data={"email": email, "password": password}).status_code == 302


def test_reset_by_emailed_link(client, db, make_user, smtp):
    user = make_user(email="ana@example.com", name="Ana Kim")
    response = ask_for_link(client, "ANA@example.com ")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    [message] = smtp.wait_for(1)
    assert message["To"] == "ana@example.com" and message["Subject"] == "Reset your password"
    assert "Ana Kim" in text_of(message) and "60 minutes" in text_of(message)
    path = link_in(message)
    page = client.get(path)
    assert page.status_code == 200 and "Choose a new password" in page.get_data(as_text=True)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert can_log_in(client, user.email, NEW_PASSWORD)
    assert not can_log_in(client, user.email, PASSWORD)


def test_a_link_works_once(client, db, make_user, smtp):
    user = make_user()
    ask_for_link(client, user.email)
    ask_for_link(client, user.email)
    first, second = (link_in(m) for m in smtp.wait_for(2))
    client.post(first, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    for used in (first, second):  # changing the password kills every link sent before
        again = client.post(used, data={"password": "attacker password", "confirm":
                                        "attacker password"})
        assert again.status_code == 400
        assert "no longer works" in again.get_data(as_text=True)
    assert can_log_in(client, user.email, NEW_PASSWORD)


def test_a_link_expires(app, client, db, make_user, smtp, clock):
    user = make_user()
    app.config["TPCOURSE_RESET_MAX_AGE"] = 600
    ask_for_link(client, user.email)
    path = link_in(smtp.wait_for(1)[0])
    assert "10 minutes" in text_of(smtp.messages[0])
    clock.advance(minutes=9)
    assert client.get(path).status_code == 200
    clock.advance(minutes=2)
    assert client.get(path).status_code == 400
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400 and not can_log_in(client, user.email, NEW_PASSWORD)


def test_default_lifetime_is_one_hour(client, db, make_user, smtp, clock):
    user = make_user()
    ask_for_link(client, user.email)
    path = link_in(smtp.wait_for(1)[0])
    clock.advance(minutes=59)
    assert client.get(path).status_code == 200
    clock.advance(minutes=2)
    assert client.get(path).status_code == 400


def test_same_answer_whether_or_not_the_email_has_an_account(client, db, make_user, smtp):
    user = make_user()
    inactive = make_user()
    inactive.active = False
    db.session.commit()
    answers = []
    for email in (user.email, "nobody@example.com", inactive.email):
        response = ask_for_link(client, email)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"],
                        re.findall(r'class="flash[^"]*">([^<]*)<', page)))
    assert answers[0] == answers[1] == answers[2]
    assert [m["To"] for m in smtp.wait_for(1)] == [user.email]  # only the real, active one


def test_mail_failure_looks_the_same_as_success(app, client, db, make_user, caplog):
    user = make_user()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # nothing listens there
    response = ask_for_link(client, user.email)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    # The mail server is a job's business now: the job is retried, then kept as failed for
    # the admins' jobs page, and the visitor saw the usual answer.
    from tpcourse.services.jobs import adapter

    [failed] = adapter().failed()
    assert failed.name == "accounts.reset_email" and "refused" in failed.error.lower()
    assert "failed (try 5 of 5)" in caplog.text


def test_forged_and_tampered_tokens_are_refused(app, client, db, make_user, smtp, clock):
    from itsdangerous import URLSafeSerializer

    from tpcourse.services.accounts.password_reset import SALT, make_reset_token

    user = make_user()
    token = make_reset_token(user, clock())
    assert client.get(f"/password/reset/{token}").status_code == 200
    other_key = URLSafeSerializer("not-the-secret", salt=SALT).dumps(
        {"u": user.id, "f": "0" * 32, "t": int(clock().timestamp())})
    wrong_fingerprint = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT).dumps(
        {"u": user.id, "f": "0" * 32, "t": int(clock().timestamp())})
    wrong_shape = URLSafeSerializer(app.config["SECRET_KEY"], salt=SALT).dumps(["x"])
    for bad in (token[:-2] + "xx", other_key, wrong_fingerprint, wrong_shape, "nonsense"):
        assert client.get(f"/password/reset/{bad}").status_code == 400, bad


def test_reset_form_errors_re_render(client, db, make_user, clock):
    from tpcourse.services.accounts.password_reset import make_reset_token

    user = make_user()
    path = f"/password/reset/{make_reset_token(user, clock())}"
    short = client.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "confirm": "other words"})
    assert mismatch.status_code == 422 and 'aria-invalid="true"' in mismatch.get_data(
        as_text=True)
    assert can_log_in(client, user.email, PASSWORD)


def test_forgot_form_errors_re_render(client, db):
    response = ask_for_link(client, "not an email")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'class="error-summary"' in page
    assert 'value="not an email"' in page


def test_reset_is_in_the_audit_chain(client, db, make_user, clock):
    from sqlalchemy import select

    from tpcourse.models import AuditEvent
    from tpcourse.services.accounts.password_reset import make_reset_token
    from tpcourse.services.records.audit import verify_stored_chain

    user = make_user()
    path = f"/password/reset/{make_reset_token(user, clock())}"
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    events = db.session.execute(select(AuditEvent.kind, AuditEvent.payload)).all()
    assert [(e.kind, e.payload) for e in events] == [("account.password_reset",
                                                      {"user": user.id})]
    assert verify_stored_chain() is None


def test_login_page_links_to_reset(client, db):
    assert 'href="/password/forgot"' in client.get("/login").get_data(as_text=True)


def test_reset_mail_to_one_address_is_capped_without_refusing_anyone(_migrated, tmp_path, db,
                                                                      make_user):
    """Requests from many addresses cannot flood one inbox, and cannot block its owner: past
    the cap the answer is the same, only no more mail goes out (earlier links stay valid)."""
    from tests.conftest import make_app
    from tests.helpers import outbox

    user = make_user(email="a@example.com")
    app = make_app(_migrated, tmp_path, TPCOURSE_MAIL_PER_ADDRESS_LIMIT="2 per hour")
    codes = [app.test_client().post("/password/forgot", data={"email": user.email},
                                    environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code
             for n in range(4)]
    assert codes == [302] * 4
    assert len(outbox(app)) == 2


def test_a_reset_ends_every_other_session_and_remember_cookie(_migrated, tmp_path, client, db,
                                                              make_user, smtp):
    """The laptop left logged in (with "remember me") is logged out by the reset elsewhere."""
    user = make_user()
    # The laptop talks to a second app object, so each of its requests gets its own app
    # context (flask-login caches the user there), as on a real server.
    laptop, phone = make_app(_migrated, tmp_path).test_client(), client
    laptop.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert laptop.get("/records").status_code == 200
    ask_for_link(phone, user.email)
    path = link_in(smtp.wait_for(1)[0])
    phone.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    gone = laptop.get("/records")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]
    with laptop.session_transaction() as session:  # the remember-me cookie does not revive it
        session.clear()
    assert laptop.get("/records").status_code == 302
    assert can_log_in(laptop, user.email, NEW_PASSWORD)
    assert laptop.get("/records").status_code == 200
