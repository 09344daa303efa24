"""Logging out ends the session on the server: a copied cookie, or the remember-me cookie, stops
working; "log out everywhere"; an admin ends someone's sessions; the exam pages obey too."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import PASSWORD, make_app
from tpcourse.models import Attempt, UserSession


def browser(app):
    """A fresh browser (its own cookie jar) on its own app object, as another machine."""
    return app.test_client()


def cookies_of(client, app) -> dict[str, str]:
    jar = {}
    for name in (app.config["SESSION_COOKIE_NAME"], "remember_token"):
        cookie = client.get_cookie(name, domain=app.config["SERVER_NAME"])
        if cookie is not None:
            jar[name] = cookie.value
    return jar


def with_cookies(app, jar: dict[str, str]):
    client = app.test_client()
    for name, value in jar.items():
        client.set_cookie(name, value, domain=app.config["SERVER_NAME"])
    return client


def log_in(client, email: str, remember: bool = False):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302


def signed_in(client) -> bool:
    return client.get("/records").status_code == 200


def test_a_cookie_copied_before_logout_stops_working(_migrated, tmp_path, db, make_user):
    user = make_user()
    app = make_app(_migrated, tmp_path)
    laptop = browser(app)
    log_in(laptop, user.email)
    stolen = cookies_of(laptop, app)
    assert signed_in(with_cookies(app, stolen))
    assert laptop.post("/logout").status_code == 302
    assert not signed_in(with_cookies(app, stolen))  # from another browser, another worker
    assert not signed_in(with_cookies(make_app(_migrated, tmp_path / "w2"), stolen))


def test_logout_revokes_the_remember_me_cookie(_migrated, tmp_path, db, make_user):
    user = make_user()
    app = make_app(_migrated, tmp_path)
    laptop = browser(app)
    log_in(laptop, user.email, remember=True)
    remember = {"remember_token": cookies_of(laptop, app)["remember_token"]}
    assert signed_in(with_cookies(app, remember))  # the remember cookie alone signs in ...
    laptop.post("/logout")
    assert not signed_in(with_cookies(app, remember))  # ... until its session is logged out


def test_logging_out_one_browser_leaves_the_others(_migrated, tmp_path, db, make_user):
    user = make_user()
    app = make_app(_migrated, tmp_path)
    laptop, phone = browser(app), browser(app)
    log_in(laptop, user.email)
    log_in(phone, user.email)
    laptop.post("/logout")
    assert signed_in(phone) and not signed_in(laptop)


def test_log_out_everywhere(_migrated, tmp_path, db, make_user):
    user = make_user()
    app = make_app(_migrated, tmp_path)
    laptop, phone = browser(app), browser(app)
    log_in(laptop, user.email)
    log_in(phone, user.email)
    page = phone.get("/account/sessions").get_data(as_text=True)
    assert page.count("<tr><td>") == 2 and "(this browser)" in page
    response = phone.post("/logout/everywhere")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not signed_in(phone) and not signed_in(laptop)
    live = db.session.execute(select(UserSession).filter_by(user_id=user.id, ended_at=None))
    assert live.all() == []


def test_an_admin_logs_someone_out_everywhere(_migrated, tmp_path, db, make_user):
    from tpcourse.services.records.audit import verify_stored_chain

    user, admin = make_user(), make_user(role="admin")
    app = make_app(_migrated, tmp_path)
    laptop, desk = browser(app), browser(app)
    log_in(laptop, user.email)
    log_in(desk, admin.email)
    assert "Logged in on 1 browser" in desk.get(f"/admin/users/{user.id}").get_data(as_text=True)
    response = desk.post(f"/admin/users/{user.id}/sessions/end")
    assert response.status_code == 302
    assert not signed_in(laptop) and signed_in(desk)
    assert verify_stored_chain() is None


def test_an_exam_session_ends_with_logout_before_anything_is_written(_migrated, tmp_path, db,
                                                                      enrolled):
    """The exam pages read the user with their own statements: a logged-out copy of the
    cookie can neither start nor submit, and is sent to log in."""
    app = make_app(_migrated, tmp_path)
    laptop = browser(app)
    log_in(laptop, enrolled.email)
    started = laptop.post("/quizzes/intro-quiz/start")
    attempt_id = started.headers["Location"].rsplit("/", 1)[-1]
    copy = cookies_of(laptop, app)
    laptop.post("/logout")
    thief = with_cookies(app, copy)
    for response in (thief.post(f"/attempts/{attempt_id}", data={"action": "submit"}),
                     thief.post("/quizzes/intro-quiz/start"),
                     thief.get(f"/attempts/{attempt_id}"),
                     thief.get("/quizzes/intro-quiz")):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.expire_all()
    statuses = db.session.execute(select(Attempt.status).filter_by(user_id=enrolled.id)).all()
    assert [s for (s,) in statuses] == ["in_progress"]


def test_old_sessions_are_pruned(db, make_user, clock):
    from datetime import timedelta

    from tpcourse.services.accounts import sessions

    user = make_user()
    ended = sessions.start_session(user, "old", clock() - timedelta(days=60))
    sessions.end_session(user.id, ended, clock() - timedelta(days=59))
    stale = sessions.start_session(user, "forgotten", clock() - timedelta(days=40))
    fresh = sessions.start_session(user, "today", clock())
    assert sessions.prune_sessions(clock(), remember_days=30) == 2
    left = db.session.execute(select(UserSession.id)).scalars().all()
    assert left == [fresh] and stale not in left
