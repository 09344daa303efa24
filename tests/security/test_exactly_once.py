"""Exactly once under races: one grade per attempt, attempts within max_attempts, one record.

Threads with their own database sessions hit the services at the same moment (a barrier).
On PostgreSQL the row lock and unique constraints decide; SQLite serialises writers, and the
same tests run there too.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.helpers import answer_form
from tpcourse.extensions import db as _db

THREADS = 8


def race(app, work, threads: int = THREADS) -> list:
    """Run work(index) in `threads` threads released together; return results or exceptions."""
    barrier = threading.Barrier(threads)
    results: list = [None] * threads

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = work(index)
            except Exception as exc:  # noqa: BLE001 (reported by the test)
                _db.session.rollback()
                results[index] = exc
            finally:
                _db.session.remove()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert not any(worker.is_alive() for worker in workers), "a thread hung"
    return results


def events(kind: str) -> list:
    from tpcourse.models import AuditEvent

    _db.session.expire_all()
    return list(_db.session.execute(select(AuditEvent).filter_by(kind=kind)).scalars())


def unexpected(results) -> list:
    from tpcourse.services.errors import ServiceError

    return [r for r in results if isinstance(r, Exception) and not isinstance(r, ServiceError)]


def test_simultaneous_submits_grade_once(app, db, enrolled, clock):
    from tpcourse.models import Attempt, User
    from tpcourse.services.errors import Conflict
    from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
    from tpcourse.services.records.audit import verify_stored_chain

    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(enrolled, quiz, version, clock())
    forms = [answer_form(attempt, correct=(i % 2 == 0)) for i in range(THREADS)]
    forms = [{k: v if isinstance(v, list) else [v] for k, v in f.items()} for f in forms]
    attempt_id, user_id, now = attempt.id, enrolled.id, clock()

    def submit(index):
        user = _db.session.get(User, user_id)
        outcome = submit_attempt(attempt_id, user, forms[index], now)
        return outcome.attempt.score

    results = race(app, submit)
    assert not unexpected(results), unexpected(results)
    graded = [r for r in results if not isinstance(r, Exception)]
    assert len(graded) == 1, results
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))
    _db.session.expire_all()
    stored = _db.session.get(Attempt, attempt_id)
    assert stored.status == "submitted" and stored.score == graded[0]
    [event] = [e for e in events("attempt.graded") if e.payload["attempt"] == attempt_id]
    assert event.payload["score"] == stored.score
    assert verify_stored_chain() is None


def test_simultaneous_starts_never_exceed_max_attempts(app, db, enrolled, clock):
    from tpcourse.models import Attempt, User
    from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt

    quiz, version = get_quiz("intro-quiz")
    assert version.data["max_attempts"] == 3
    for _ in range(2):  # two failed attempts, past the cooldown
        attempt = start_attempt(enrolled, quiz, version, clock())
        submit_attempt(attempt.id, enrolled, {k: v if isinstance(v, list) else [v] for k, v in
                                               answer_form(attempt, correct=False).items()},
                       clock())
        clock.advance(minutes=31)
    user_id, quiz_id, now = enrolled.id, quiz.id, clock()

    def start(index):
        from tpcourse.models import Quiz, QuizVersion

        user = _db.session.get(User, user_id)
        return start_attempt(user, _db.session.get(Quiz, quiz_id),
                             _db.session.get(QuizVersion, version.id), now).id

    results = race(app, start)
    assert not unexpected(results), unexpected(results)
    _db.session.expire_all()
    attempts = list(_db.session.execute(select(Attempt).filter_by(
        user_id=user_id, quiz_id=quiz_id)).scalars())
    assert sorted(a.number for a in attempts) == [1, 2, 3]
    opened = {r for r in results if isinstance(r, str)}
    assert opened == {a.id for a in attempts if a.number == 3}  # all got the same attempt
    clock.advance(minutes=31)
    results = race(app, start)  # every further start is refused, even in a crowd
    assert all(isinstance(r, Exception) for r in results) or {
        r for r in results if isinstance(r, str)} == opened  # resuming the open one is fine


@pytest.fixture
def nearly_complete(app, db, enrolled, clock):
    """The trainee passed every quiz and read every lesson but the last, just now recorded."""
    from tpcourse.models import Course
    from tpcourse.services.certification.completion import record_for
    from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
    from tpcourse.services.learning.learning import current_version, mark_lesson_read

    course = _db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    version = current_version("basics", with_lessons=True)
    keys = [f"{m.slug}/{lesson.slug}" for m in version.modules for lesson in m.lessons]
    for key in keys[:-1]:
        mark_lesson_read(enrolled, course.id, key, clock())
    for slug in ("intro-quiz", "safety-quiz", "basics-final"):
        quiz, quiz_version = get_quiz(slug)
        attempt = start_attempt(enrolled, quiz, quiz_version, clock())
        form = {k: v if isinstance(v, list) else [v]
                for k, v in answer_form(attempt, correct=True).items()}
        assert submit_attempt(attempt.id, enrolled, form, clock()).attempt.passed
    assert record_for(enrolled, course.id) is None
    mark_lesson_read(enrolled, course.id, keys[-1], clock())  # no completion check yet
    return course.id


def test_simultaneous_completion_checks_issue_one_record(app, db, enrolled, clock,
                                                         nearly_complete):
    from tpcourse.models import CompletionRecord, User
    from tpcourse.services.certification.completion import check_completion
    from tpcourse.services.records.audit import verify_stored_chain

    user_id, course_id, now = enrolled.id, nearly_complete, clock() + timedelta(minutes=1)

    def complete(index):
        record = check_completion(_db.session.get(User, user_id), course_id, now)
        return (record.id, record.certificate_code)

    results = race(app, complete)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1  # every caller sees the one record and its code
    count = _db.session.execute(select(func.count()).select_from(CompletionRecord)
                                .filter_by(user_id=user_id)).scalar_one()
    assert count == 1
    assert len(events("completion.created")) == 1
    assert verify_stored_chain() is None


def test_a_reset_link_used_twice_at_once_works_once(app, db, make_user, clock):
    from werkzeug.security import check_password_hash

    from tpcourse.models import User
    from tpcourse.services.accounts.password_reset import make_reset_token, reset_password

    user = make_user()
    token, user_id, now = make_reset_token(user, clock()), user.id, clock()
    passwords = [f"new password number {i}" for i in range(THREADS)]

    def reset(index):
        reset_password(token, passwords[index], now)
        return passwords[index]

    results = race(app, reset)
    assert not unexpected(results), unexpected(results)
    winners = [r for r in results if isinstance(r, str)]
    assert len(winners) == 1, results
    _db.session.expire_all()
    assert check_password_hash(_db.session.get(User, user_id).password_hash, winners[0])
    assert len(events("account.password_reset")) == 1


def test_simultaneous_submits_over_http_grade_once(_migrated, tmp_path, db, enrolled, clock):
    """The same attempt posted by several requests at once (double clicks, retries, two tabs):
    the page handler reads the attempt before the service locks it, so the locked read must
    see the latest state."""
    from tests.conftest import PASSWORD, make_app
    from tpcourse.models import Attempt
    from tpcourse.services.exams.attempts import get_quiz, start_attempt

    served = make_app(_migrated, tmp_path, TPCOURSE_NOW=clock)
    client = served.test_client()
    assert client.post("/login", data={"email": enrolled.email,
                                       "password": PASSWORD}).status_code == 302
    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(enrolled, quiz, version, clock())
    form = answer_form(attempt, correct=True)
    cookie = client.get_cookie("session", domain="tpcourse.test")
    clients = [served.test_client() for _ in range(THREADS)]
    for each in clients:
        each.set_cookie("session", cookie.value, domain=cookie.domain)

    def submit(index):
        return clients[index].post(f"/attempts/{attempt.id}", data=form).status_code

    results = race(served, submit)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results).count(302) >= 1 and set(results) <= {302, 409}, results
    graded = [e for e in events("attempt.graded") if e.payload["attempt"] == attempt.id]
    assert len(graded) == 1, f"graded {len(graded)} times: {results}"
    _db.session.expire_all()
    assert _db.session.get(Attempt, attempt.id).status == "submitted"
