"""The shortened submit path keeps every guarantee: few statements, the quiz JSON read once per
process, grades written only while an attempt is open, completion never missed."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import g
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from tests.helpers import answer_form
from tests.security.test_exactly_once import race
from tpcourse.grading.completion import evaluate_completion
from tpcourse.models import Attempt, AuditEvent, Course, QuizVersion, User
from tpcourse.services.records.audit import seal_pending

START_BUDGET = 2  # quiz + enrolment + accommodation + attempts + the user's row, insert
# attempt + the user's row, compare-and-set update, queued audit event (one statement with the
# update on PostgreSQL), completion counts; the event is chained off the request
# (services/audit_sealer)
SUBMIT_BUDGET = 4


def _form(attempt) -> dict[str, list[str]]:
    """The right answers as the services take a form: every field a list."""
    return {k: v if isinstance(v, list) else [v] for k, v in answer_form(attempt).items()}


def _cold_request(db) -> None:
    """Start the next request as production does: no identity map, no user in g."""
    db.session.remove()
    g.pop("_login_user", None)


def _graded_events(db, attempt_id: str) -> list[AuditEvent]:
    db.session.expire_all()
    return [e for e in db.session.execute(select(AuditEvent).filter_by(kind="attempt.graded"))
            .scalars() if e.payload["attempt"] == attempt_id]


def test_start_and_submit_stay_within_their_statement_budget(app, client, db, enrolled,
                                                             login_as, count_statements):
    app.config["TPCOURSE_AUDIT_SEALING"] = "manual"  # as in production: sealed off the request
    login_as(enrolled)
    for _ in range(2):  # the first exam warms the process caches; the second is measured
        _cold_request(db)
        with count_statements() as start:
            response = client.post("/quizzes/intro-quiz/start")
        assert response.status_code == 302
        attempt_id = response.headers["Location"].rsplit("/", 1)[1]
        form = answer_form(db.session.get(Attempt, attempt_id))
        _cold_request(db)
        with count_statements() as submit:
            response = client.post(f"/attempts/{attempt_id}", data=form)
        assert response.headers["Location"].endswith("/result")
    assert start.count <= START_BUDGET, start.statements
    assert submit.count <= SUBMIT_BUDGET, submit.statements
    assert not any("quiz_versions.data" in s for s in start.statements + submit.statements)
    assert db.session.get(Attempt, attempt_id).passed
    assert not _graded_events(db, attempt_id)  # waiting in the queue ...
    assert seal_pending() == 2  # ... with the first exam's grade
    assert len(_graded_events(db, attempt_id)) == 1


def test_quiz_data_is_deferred_read_once_and_shared(db, content, count_statements):
    from tpcourse.services import cache

    cache.clear()
    version = db.session.execute(select(QuizVersion).limit(1)).scalar_one()
    stored = db.session.execute(select(QuizVersion.data)
                                .where(QuizVersion.id == version.id)).scalar_one()
    assert "data" not in version.__dict__  # loading a version does not fetch its JSON
    with count_statements() as cold:
        assert version.data == stored
    assert cold.count == 1
    db.session.remove()
    with count_statements() as warm:
        again = db.session.get(QuizVersion, version.id)
        assert again.data is version.data  # handed the cached copy when loaded
    assert warm.count == 1 and "quiz_versions.data" not in warm.statements[0]


def test_a_version_with_other_content_under_the_same_id_gets_its_own_data(db, content):
    from tpcourse.services import cache

    version = db.session.execute(select(QuizVersion).limit(1)).scalar_one()
    first, version_id, digest = version.data, version.id, version.content_hash
    other = {**first, "title": "Another quiz under the same id"}
    db.session.execute(update(QuizVersion).where(QuizVersion.id == version_id)
                       .values(data=other, content_hash="e" * 64))
    db.session.commit()
    db.session.remove()
    assert db.session.get(QuizVersion, version_id).data["title"] == other["title"]
    assert cache.quiz_data(version_id, digest) is first


def test_a_grade_is_written_only_while_the_attempt_is_open(db, enrolled, clock):
    from tpcourse.services.errors import Conflict
    from tpcourse.services.exams.attempts import (
        get_attempt,
        get_quiz,
        save_attempt,
        start_attempt,
        submit_attempt,
    )
    from tpcourse.services.records.audit import verify_stored_chain

    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(enrolled, quiz, version, clock())
    form = _form(attempt)
    get_attempt(attempt.id, enrolled)  # the request read it as open ...
    with db.engine.begin() as other:  # ... and another request graded it meanwhile
        other.execute(update(Attempt).where(Attempt.id == attempt.id)
                      .values(status="submitted", score=0.0))
    for action in (submit_attempt, save_attempt):
        with pytest.raises(Conflict):
            action(attempt.id, enrolled, form, clock())
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt.id)
    assert stored.score == 0.0 and stored.responses == {}  # the first grade stands, untouched
    assert _graded_events(db, attempt.id) == []  # the loser appended nothing
    assert verify_stored_chain() is None


def test_the_graded_attempt_is_returned_without_reading_it_back(db, enrolled, clock,
                                                                count_statements):
    from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt

    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(enrolled, quiz, version, clock())
    outcome = submit_attempt(attempt.id, enrolled, _form(attempt), clock())
    with count_statements() as counter:
        shown = (outcome.attempt.status, outcome.attempt.score, outcome.attempt.passed,
                 outcome.attempt.quiz_version.data["title"], enrolled.email)
    assert counter.count == 0, counter.statements
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt.id)
    assert shown[:3] == (stored.status, stored.score, stored.passed) == ("submitted",
                                                                         stored.max_score, True)


def test_an_expired_attempt_found_by_many_requests_is_graded_once(app, db, enrolled, clock):
    from tpcourse.services.exams.attempts import close_expired, get_quiz, start_attempt
    from tpcourse.services.records.audit import verify_stored_chain

    quiz, version = get_quiz("safety-quiz")  # 10-minute limit
    attempt = start_attempt(enrolled, quiz, version, clock())
    attempt_id, late = attempt.id, clock() + timedelta(minutes=20)
    results = race(app, lambda index: close_expired(attempt_id, late))
    assert sorted(results, key=str) == [False] * 7 + [True], results
    assert len(_graded_events(db, attempt_id)) == 1
    assert db.session.get(Attempt, attempt_id).status == "expired"
    assert verify_stored_chain() is None


def test_posting_to_a_submitted_attempt_shows_its_result(client, db, enrolled, login_as, clock):
    from tpcourse.services.exams.attempts import get_quiz, start_attempt

    login_as(enrolled)
    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(enrolled, quiz, version, clock())
    form = answer_form(attempt)
    assert client.post(f"/attempts/{attempt.id}", data=form).status_code == 302
    again = client.post(f"/attempts/{attempt.id}", data=form)  # back button, double click
    assert again.status_code == 302 and again.headers["Location"].endswith("/result")
    assert len(_graded_events(db, attempt.id)) == 1


KEYS = st.sampled_from([f"m/{n}" for n in range(6)])
RULE = st.sampled_from([None, "all"])


@given(lessons=st.sets(KEYS), read=st.sets(KEYS | st.just("old/gone")), skills=st.sets(KEYS),
       signed=st.sets(KEYS | st.just("old/skill")), evaluated=st.booleans(),
       lesson_rule=RULE, skill_rule=RULE, evaluation_rule=st.sampled_from([None, "required"]))
def test_ruled_out_never_contradicts_the_full_rules(lessons, read, skills, signed, evaluated,
                                                    lesson_rule, skill_rule, evaluation_rule):
    from tpcourse.services.cache import CourseOutline
    from tpcourse.services.certification.completion import ruled_out

    rules = {"lessons": lesson_rule, "skills": skill_rule, "evaluation": evaluation_rule}
    outline = CourseOutline(1, tuple(sorted(lessons)), (), None, rules, tuple(sorted(skills)))
    counts = SimpleNamespace(lessons_read=len(read), skills_signed=len(signed),
                             evaluated=evaluated)
    status = evaluate_completion(rules, list(outline.lesson_keys), read, [], None, {}, set(),
                                 skill_keys=list(outline.skill_keys), signed_skills=signed,
                                 evaluation_done=evaluated)
    if ruled_out(outline, counts):
        assert not status.complete


def test_completion_is_found_whatever_the_order_of_the_last_steps(db, enrolled, clock):
    from tpcourse.models import CompletionRecord
    from tpcourse.services import cache
    from tpcourse.services.certification.completion import check_completion, completion_status
    from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
    from tpcourse.services.learning.learning import mark_lesson_read

    cache.clear()
    course_id = db.session.execute(select(Course.id).filter_by(slug="basics")).scalar_one()
    lessons = cache.course_outline(course_id).lesson_keys
    for key in lessons[:-1]:
        mark_lesson_read(enrolled, course_id, key, clock())
    for slug in ("intro-quiz", "safety-quiz", "basics-final"):
        quiz, version = get_quiz(slug)
        attempt = start_attempt(enrolled, quiz, version, clock())
        assert submit_attempt(attempt.id, enrolled, _form(attempt), clock()).attempt.passed
        assert check_completion(enrolled, course_id, clock()) is None  # a lesson is unread
        assert not completion_status(enrolled, course_id).complete
    mark_lesson_read(enrolled, course_id, lessons[-1], clock())
    record = check_completion(enrolled, course_id, clock())
    assert record is not None and completion_status(enrolled, course_id).complete
    assert check_completion(db.session.get(User, enrolled.id), course_id, clock()) is record
    assert db.session.execute(select(func.count(CompletionRecord.id))).scalar_one() == 1


def test_completion_counts_after_a_commit_leave_connection_settings_alone(db, enrolled):
    """After the grade's commit the completion counts need no transaction of their own.

    SQLite begins none for a read, so they use the session's connection: an autocommit
    connection would be reset on its return with `PRAGMA read_uncommitted`, and a flag pragma
    makes SQLite re-prepare every cached statement of that connection (11 % of the CPU of an
    exam: docs/performance.md). On PostgreSQL they run on an autocommit connection, sparing the
    BEGIN and ROLLBACK round trips.
    """
    from sqlalchemy import event

    from tpcourse.services.certification.completion import progress_counts

    course_id = db.session.execute(select(Course.id).filter_by(slug="basics")).scalar_one()
    user_id = enrolled.id
    db.session.commit()  # as after a grade: no transaction open
    sqlite = db.engine.dialect.name == "sqlite"
    sent: list[str] = []
    traced = []
    autocommit: list[bool] = []

    def trace(dbapi_connection, _record, _proxy) -> None:
        if sqlite:  # everything SQLite runs, the dialect's own pragmas included
            dbapi_connection.set_trace_callback(sent.append)
            traced.append(dbapi_connection)

    def seen(connection, _cursor, statement, *_args) -> None:
        if not sqlite:
            autocommit.append(connection.connection.dbapi_connection.autocommit)

    event.listen(db.engine, "checkout", trace)
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        counts = progress_counts(user_id, course_id)
        db.session.remove()  # the request ends: connections go back to the pool
    finally:
        event.remove(db.engine, "checkout", trace)
        event.remove(db.engine, "before_cursor_execute", seen)
        for dbapi_connection in traced:
            dbapi_connection.set_trace_callback(None)
    assert counts.lessons_read == 0 and counts.record_id is None
    if sqlite:
        assert sent and not [s for s in sent if s.lstrip().upper().startswith("PRAGMA")], sent
    else:
        assert autocommit == [True]
