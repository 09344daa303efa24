"""Closing an attempt: grade it exactly once, log the grade, then check course completion.

Exactly once, without holding a lock while grading: the grade is written by a compare-and-set
`UPDATE attempts ... WHERE id = :id AND status = 'in_progress'`. The database runs it under
the row's lock (PostgreSQL waits for a concurrent writer of the row and re-checks the
condition on its committed version; SQLite serialises every write), so of two requests closing
one attempt, one updates a row and the other updates none and gets Conflict. Parsing and
grading happen before that statement, outside any lock; the write lock is held only for the
update, the queued audit event and the commit. The grade's audit event is queued in the same
transaction (on PostgreSQL by the same statement) and chained moments later, off the request's
path (tpcourse.services.records.audit_sealer).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ...extensions import db
from ...grading.attempts import grade_attempt, past_deadline
from ...i18n_markers import N_
from ...models import Attempt, Quiz, User, utcnow
from ..certification.completion import check_completion
from ..errors import Conflict
from ..records import audit
from ..records.audit_sealer import events_queued

ALREADY_CLOSED = N_("This attempt has already been submitted; its first grade stands.")
# Built once (Core, on the table): the SET clause comes from the values given at execution.
_ATTEMPTS = Attempt.__table__
_WRITE_IF_OPEN = update(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("attempt_id"),
                                         _ATTEMPTS.c.status == "in_progress")
_GRADE_AND_QUEUE: dict[tuple[str, ...], Any] = {}  # PostgreSQL statements by SET columns
_LOCK_BY_ID = select(Attempt).where(Attempt.id == bindparam("attempt_id")).with_for_update(
    of=Attempt)


def commit_keeping_state() -> None:
    """Commit without expiring the objects the session holds.

    After a commit the ORM would reload every object it touches again (the user, the attempt,
    its quiz) although this request has just written or read them. The values kept are the
    ones committed, and every locked read refreshes its rows anyway (tpcourse.database.row_locks), so
    nothing stale can decide a grade.
    """
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def _grade_and_queue(columns: tuple[str, ...]):
    """`WITH graded AS (UPDATE attempts ... RETURNING id) INSERT INTO audit_pending ... SELECT
    ... FROM graded`: the event row exists exactly when the compare-and-set wrote a row."""
    statement = _GRADE_AND_QUEUE.get(columns)
    if statement is None:
        graded = (update(_ATTEMPTS)
                  .where(_ATTEMPTS.c.id == bindparam("attempt_id"),
                         _ATTEMPTS.c.status == "in_progress")
                  .values({name: bindparam(name, type_=_ATTEMPTS.c[name].type)
                           for name in columns})
                  .returning(_ATTEMPTS.c.id).cte("graded"))
        event = audit.QUEUED_VALUES  # column name -> bound parameter
        statement = insert(audit.PENDING_TABLE).from_select(
            list(event), select(*event.values()).select_from(graded)
        ).returning(audit.PENDING_TABLE.c.id)  # psycopg gives no rowcount for this statement
        _GRADE_AND_QUEUE[columns] = statement
    return statement


def write_if_open(attempt: Attempt, values: dict[str, Any],
                  event: dict[str, Any] | None = None) -> bool:
    """Write `values` to the attempt only while it is still in progress (compare-and-set),
    and queue the audit `event` (`audit.queued_row`) with it.

    True when written (the object then shows the values); False when another request closed
    the attempt first: this transaction is rolled back, releasing any lock it took.
    """
    # On the session's connection, in its transaction: a Core write needs no ORM execution.
    connection = db.session.connection()
    parameters = {"attempt_id": attempt.id, **values}
    if event is not None and connection.dialect.name == "postgresql":  # one statement
        written = len(connection.execute(_grade_and_queue(tuple(sorted(values))),
                                         {**parameters, **audit.event_parameters(event)}).all())
    else:
        written = connection.execute(_WRITE_IF_OPEN, parameters).rowcount
        if written == 1 and event is not None:
            audit.queue_row(event)
    if written != 1:
        db.session.rollback()
        return False
    for name, value in values.items():
        set_committed_value(attempt, name, value)
    return True


def finish_attempt(attempt: Attempt, now: datetime, use_posted: bool,
                   responses: dict | None = None, owner: Any = None) -> Attempt:
    """Grade and close an attempt once, log the grade, then check course completion.

    `responses` are the posted answers of a submit (stored with the grade); without them the
    stored answers are graded (time ran out). `owner` is the attempt's user when the caller
    has it (a `User`, `SessionUser` or confirmed `ClaimedUser`); read otherwise. Conflict if
    another request closed it first.
    """
    answers = attempt.responses if responses is None else responses
    grade = grade_attempt(attempt.quiz_version.data, attempt.question_ids, answers)
    status = "submitted" if use_posted else "expired"
    values: dict[str, Any] = {
        "status": status,
        "submitted_at": now if use_posted or attempt.deadline is None else min(
            now, attempt.deadline),
        "results": [{"id": r.question_id, "points": r.points, "score": r.score,
                     "must_pass": r.must_pass, "pending": True} if r.pending else
                    {"id": r.question_id, "points": r.points, "score": r.score,
                     "must_pass": r.must_pass} for r in grade.results],
        "score": grade.score, "max_score": grade.max_score, "percent": grade.percent,
        "passed": grade.passed,
    }
    if grade.pending:  # submitted, awaiting grading: no percent or pass until the essays are
        values.update(percent=None, passed=None)
    if responses is not None:
        values.update(responses=responses, saved_at=now)
    event = audit.queued_row("attempt.graded", {
        "attempt": attempt.id, "user": attempt.user_id, "quiz_version": attempt.quiz_version_id,
        "status": status, "score": grade.score, "max_score": grade.max_score,
        "percent": values["percent"], "passed": values["passed"],
        **({"awaiting_grading": grade.pending} if grade.pending else {})},
        f"user:{attempt.user_id}", now)
    if not write_if_open(attempt, values, event):
        raise Conflict(_(ALREADY_CLOSED))
    commit_keeping_state()
    events_queued()
    if grade.passed:
        quiz = db.session.get(Quiz, attempt.quiz_id)  # in the session already: no statement
        if quiz.course_id is not None:
            if owner is None or owner.id != attempt.user_id:
                owner = db.session.get(User, attempt.user_id)
            check_completion(owner, quiz.course_id, now)
    return attempt


def close_expired(attempt_id: str, now: datetime) -> bool:
    """Grade an open attempt whose time ran out; True when this call closed it.

    The stored answers are graded under the row's lock, so an answer saved in time by a
    concurrent request is never left out.
    """
    attempt = db.session.execute(_LOCK_BY_ID, {"attempt_id": attempt_id}).scalar_one()
    if attempt.status == "in_progress" and past_deadline(attempt.deadline, now):
        finish_attempt(attempt, now, use_posted=False)
        return True
    db.session.rollback()  # closed meanwhile: end the transaction that holds the lock
    return False


def close_if_expired(attempt: Attempt, now: datetime | None = None) -> bool:
    """Grade an open attempt whose time ran out; True when it was closed now."""
    now = now or utcnow()
    if attempt.status == "in_progress" and past_deadline(attempt.deadline, now):
        return close_expired(attempt.id, now)  # the locked read refreshes `attempt` too
    return False
