"""Exam pages read the signed-in user as a row (SessionUser), and starting or submitting an exam
reads it with the quiz or attempt (ClaimedUser): both checked exactly like a User object."""

from __future__ import annotations

import dataclasses

import pytest
from flask import request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tests.conftest import PASSWORD, make_app
from tests.helpers import answer_form
from tpcourse.models import Attempt, ClaimedUser, SessionUser, User


@pytest.fixture
def own_app(_migrated, tmp_path):
    """An app of its own, so each request gets its own app context (and its own user load),
    as on a real server; it notes which kind of user object each request was given."""
    app = make_app(_migrated, tmp_path)
    app.seen = []

    @app.after_request
    def note(response):
        if current_user.is_authenticated:
            app.seen.append(((request.endpoint, request.method),
                             type(current_user._get_current_object())))
        return response

    return app


def log_in(client, user) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def test_exam_pages_get_a_row_and_other_pages_an_object(own_app, db, enrolled):
    client = own_app.test_client()
    log_in(client, enrolled)
    assert client.get("/quizzes/intro-quiz").status_code == 200
    started = client.post("/quizzes/intro-quiz/start")
    attempt_id = started.headers["Location"].rsplit("/", 1)[-1]
    assert client.get(f"/attempts/{attempt_id}").status_code == 200
    assert client.post(f"/attempts/{attempt_id}", data={"action": "save"}).status_code == 302
    assert client.get("/records").status_code == 200
    kinds = dict(own_app.seen)
    assert kinds["quiz.overview", "GET"] is kinds["quiz.attempt", "GET"] is SessionUser
    assert kinds["quiz.start", "POST"] is kinds["quiz.attempt", "POST"] is ClaimedUser
    assert kinds["records.mine", "GET"] is User


def signed_in(user, clock) -> str:
    """Give `user` a live browser session, as logging in does; return its id."""
    from tpcourse.services.accounts.sessions import start_session

    return start_session(user, "test browser", clock())


def test_a_session_user_is_read_only_and_identifies_like_the_user(db, enrolled, clock):
    signed_in(enrolled, clock)
    row = SessionUser(*(getattr(enrolled, name) for name in SessionUser.COLUMNS),
                      enrolled.session_id)
    assert row.get_id() == enrolled.get_id() and row.session_matches(enrolled.get_id())
    assert row.is_active and row.is_authenticated and not row.is_anonymous
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.role = "admin"


def test_a_password_change_ends_an_exam_session_before_anything_is_graded(own_app, db,
                                                                          enrolled):
    """The laptop left mid-exam is logged out when the password changes elsewhere."""
    laptop = own_app.test_client()
    log_in(laptop, enrolled)
    started = laptop.post("/quizzes/intro-quiz/start")
    attempt = db.session.get(Attempt, started.headers["Location"].rsplit("/", 1)[-1])
    form = answer_form(attempt)
    user = db.session.get(User, enrolled.id)
    user.password_hash = generate_password_hash("a-new-password-for-this-test")
    db.session.commit()
    for response in (laptop.post(f"/attempts/{attempt.id}", data=form),
                     laptop.post("/quizzes/intro-quiz/start"),
                     laptop.get(f"/attempts/{attempt.id}")):
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.execute(select(Attempt.status).where(Attempt.id == attempt.id)
                              ).scalar_one() == "in_progress"
    assert db.session.execute(select(Attempt.id).where(Attempt.user_id == enrolled.id)
                              ).scalars().all() == [attempt.id]  # no second attempt started


def test_a_refused_exam_request_signs_the_session_out(own_app, db, enrolled):
    laptop = own_app.test_client()
    log_in(laptop, enrolled)
    started = laptop.post("/quizzes/intro-quiz/start")
    attempt_id = started.headers["Location"].rsplit("/", 1)[-1]
    user = db.session.get(User, enrolled.id)
    user.password_hash = generate_password_hash("a-new-password-for-this-test")
    db.session.commit()
    refused = laptop.post(f"/attempts/{attempt_id}", data={"action": "submit"})
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]
    with laptop.session_transaction() as session:
        assert "_user_id" not in session
    assert "/login" in laptop.get("/records").headers["Location"]


def test_an_error_page_for_a_claimed_user_checks_it_first(own_app, db, enrolled):
    """A 404 on submit renders the navigation: a live session shows the user's name there,
    a stale one is signed out and the page shows no one."""
    client = own_app.test_client()
    log_in(client, enrolled)
    page = client.post("/attempts/no-such-attempt", data={"action": "submit"})
    assert page.status_code == 404 and enrolled.name in page.get_data(as_text=True)
    user = db.session.get(User, enrolled.id)
    user.password_hash = generate_password_hash("a-new-password-for-this-test")
    db.session.commit()
    page = client.post("/attempts/no-such-attempt", data={"action": "submit"})
    assert page.status_code == 404 and enrolled.name not in page.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_claimed_user_is_confirmed_by_a_row_or_refused(db, enrolled, clock):
    signed_in(enrolled, clock)
    row = (*(getattr(enrolled, name) for name in SessionUser.COLUMNS), enrolled.session_id)
    signed_out, checked = [], []

    def check(identity):
        checked.append(identity)
        return SessionUser(*row) if identity == enrolled.get_id() else None

    claimed = ClaimedUser(enrolled.get_id(), check, lambda: signed_out.append(1))
    assert claimed.id == enrolled.id and claimed.needs_confirming and claimed.is_authenticated
    assert claimed.confirm(row) and not claimed.needs_confirming
    assert (claimed.role, claimed.name, claimed.email) == (enrolled.role, enrolled.name,
                                                           enrolled.email)
    assert checked == [] and signed_out == []  # the row confirmed it: no check of its own

    stale = ClaimedUser(enrolled.get_id(), check, lambda: signed_out.append(1))
    hashed = SessionUser.COLUMNS.index("password_hash")
    assert not stale.confirm((*row[:hashed], "another password hash", *row[hashed + 1:]))
    assert not stale.is_authenticated and not stale.needs_confirming and signed_out == [1]
    assert stale.role == "" and stale.name == ""  # an unchecked user can act as no one
    assert not ClaimedUser(enrolled.get_id(), check, lambda: None).confirm(None)
    assert not ClaimedUser(enrolled.get_id(), check, lambda: None).confirm(
        (*row[:-1], None))  # the session named by the cookie has ended (logged out)

    lazy = ClaimedUser(enrolled.get_id(), check, lambda: signed_out.append(1))
    assert lazy.name == enrolled.name and checked == [enrolled.get_id()]  # checked on its own
    forged = ClaimedUser(f"{enrolled.id}.0000", check, lambda: signed_out.append(1))
    assert forged.role == "" and not forged.is_authenticated and signed_out == [1, 1]


def test_a_passing_submit_completes_the_course_for_the_row_user(own_app, db, enrolled):
    """Completion after a pass is checked for the session's user without loading a User."""
    from tpcourse.models import CompletionRecord

    client = own_app.test_client()
    log_in(client, enrolled)
    for path in ("01-intro/01-welcome", "01-intro/02-holding", "02-safety/01-red-flags"):
        assert client.post(f"/courses/basics/{path}/read").status_code == 302
    for slug in ("intro-quiz", "safety-quiz", "basics-final"):
        started = client.post(f"/quizzes/{slug}/start")
        attempt = db.session.get(Attempt, started.headers["Location"].rsplit("/", 1)[-1])
        submitted = client.post(f"/attempts/{attempt.id}", data=answer_form(attempt))
        assert submitted.headers["Location"].endswith("/result"), submitted.status_code
    records = db.session.execute(select(CompletionRecord).filter_by(user_id=enrolled.id))
    assert len(records.all()) == 1
    assert any(kind is ClaimedUser for (endpoint, method), kind in own_app.seen
               if endpoint == "quiz.attempt" and method == "POST")


@pytest.mark.parametrize("lock", [False, True])
def test_reading_an_attempt_confirms_a_claimed_user_or_refuses_it(db, enrolled, clock, lock):
    from tpcourse.services.errors import IdentityRejected
    from tpcourse.services.exams.attempts import get_attempt, get_quiz, start_attempt

    attempt = start_attempt(enrolled, *get_quiz("intro-quiz"), clock())
    db.session.commit()
    signed_in(enrolled, clock)

    def unreachable(_identity):
        raise AssertionError("the attempt's own statement should have confirmed the user")

    claimed = ClaimedUser(enrolled.get_id(), unreachable, lambda: None)
    assert get_attempt(attempt.id, claimed, lock=lock).id == attempt.id
    assert not claimed.needs_confirming and claimed.role == enrolled.role
    db.session.rollback()
    signed_out = []
    stale = ClaimedUser(f"{enrolled.id}.{'0' * 24}", unreachable, lambda: signed_out.append(1))
    with pytest.raises(IdentityRejected):
        get_attempt(attempt.id, stale, lock=lock)
    assert signed_out == [1] and not stale.is_authenticated
