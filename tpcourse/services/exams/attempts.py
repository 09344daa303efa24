"""Starting, saving, submitting and grading quiz attempts — all rules enforced here."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ...extensions import db
from ...grading.attempts import (
    PastAttempt,
    StartDecision,
    attempt_deadline,
    draw_attempt,
    past_deadline,
    start_decision,
)
from ...grading.types import FormData
from ...i18n_markers import N_, Sentence
from ...models import (
    SESSION_USER_COLUMNS,
    Accommodation,
    AnyUser,
    Attempt,
    Cohort,
    Enrollment,
    Quiz,
    QuizVersion,
    User,
    join_live_session,
    utcnow,
)
from .. import cache  # noqa: F401  (fills the deferred QuizVersion.data from the process cache)
from ..certification.renewal import attempts_count_since
from ..errors import Conflict, IdentityRejected, NotFound, ServiceError
from .answers import (  # noqa: F401  (field_name, read_responses: part of this service's API)
    field_name,
    read_flags,
    read_responses,
    response_errors,
)
from .attempt_grades import (  # noqa: F401  (close_if_expired: part of this service's API)
    ALREADY_CLOSED,
    close_expired,
    close_if_expired,
    commit_keeping_state,
    finish_attempt,
    write_if_open,
)
from .sequencing import NO_GATE, SEQUENCING_COLUMN, Gate, lock_for

# The statements of the start and submit path, built once: building a statement costs about as
# much CPU as sending it. Values go in as bound parameters at execution.
_CURRENT_VERSION = (select(QuizVersion).join(QuizVersion.quiz)
                    .options(contains_eager(QuizVersion.quiz))
                    .where(Quiz.slug == bindparam("slug"),
                           QuizVersion.version == Quiz.current_version))
_QUIZ_FOR_USER = (  # and the sequencing gate: the course's settings, the cohort's deadline
    _CURRENT_VERSION.add_columns(Enrollment.id, Accommodation, SEQUENCING_COLUMN,
                                 Cohort.deadline)
    .outerjoin(Enrollment, and_(Enrollment.course_id == Quiz.course_id,
                                Enrollment.user_id == bindparam("user_id")))
    .outerjoin(Cohort, Cohort.id == Enrollment.cohort_id)
    .outerjoin(Accommodation, and_(Accommodation.quiz_id == Quiz.id,
                                   Accommodation.user_id == bindparam("user_id"))))
_SUMMARY = (Attempt.id, Attempt.status, Attempt.deadline, Attempt.submitted_at, Attempt.passed)
_ATTEMPT_ROWS = (
    select(*_SUMMARY)
    .where(Attempt.user_id == bindparam("user_id"), Attempt.quiz_id == bindparam("quiz_id"))
    .order_by(Attempt.number))
_QUIZ_FOR_START = (  # the same, with one row per attempt of the user (or one row of nulls)
    _QUIZ_FOR_USER.add_columns(*_SUMMARY)
    .outerjoin(Attempt, and_(Attempt.quiz_id == Quiz.id, Attempt.user_id == bindparam("user_id")))
    .order_by(Attempt.number))
# The same reads with the signed-in user's row, for a user the session only claims
# (models.user.ClaimedUser): one statement instead of two per exam request.
_USERS = User.__table__
_QUIZ_READS = {
    (with_attempts, checking): join_live_session(statement.add_columns(*SESSION_USER_COLUMNS)
                                                 .outerjoin(_USERS, _USERS.c.id == bindparam("user_id")))
    if checking else statement
    for with_attempts, statement in ((False, _QUIZ_FOR_USER), (True, _QUIZ_FOR_START))
    for checking in (False, True)}
_INSERT_ATTEMPT = insert(Attempt.__table__)
_OWN_ATTEMPT = select(Attempt).where(Attempt.id == bindparam("attempt_id"),
                                     Attempt.user_id == bindparam("user_id"))
# populate_existing: a copy read earlier in this request must not hide a grade that a
# concurrent request committed while we waited for the lock.
_OWN_ATTEMPT_LOCKED = (_OWN_ATTEMPT.with_for_update(of=Attempt)
                       .execution_options(populate_existing=True))
_OWN_ATTEMPT_READS = {  # (locked, with the user's row for a ClaimedUser)
    (lock, checking): (join_live_session(statement.add_columns(*SESSION_USER_COLUMNS)
                                         .join(_USERS, _USERS.c.id == Attempt.user_id))
                       if checking else statement)
    for lock, statement in ((False, _OWN_ATTEMPT), (True, _OWN_ATTEMPT_LOCKED))
    for checking in (False, True)}
SESSION_CHANGED = N_("Your session has ended (you logged out, or the password was changed). "
                     "Please log in again.")


def needs_confirming(user: object) -> bool:
    """Whether `user` is only claimed by the session, to be checked by the caller's statement."""
    return bool(getattr(user, "needs_confirming", False))


def get_quiz(slug: str) -> tuple[Quiz, QuizVersion]:
    """Return a quiz and its current version; NotFound when missing."""
    version = db.session.execute(_CURRENT_VERSION, {"slug": slug}).scalar_one_or_none()
    if version is None:
        raise NotFound(_("No such quiz."))
    return version.quiz, version


@dataclass(frozen=True)
class QuizAccess:
    """A quiz, its current version, and what the start rules and rights need about one user."""

    quiz: Quiz
    version: QuizVersion
    enrolled: bool
    extra: Accommodation | None
    attempts: list[AttemptSummary] | None = None  # read only when asked (with_attempts)
    gate: Gate = NO_GATE  # the course's sequencing settings and the cohort's deadline


class AttemptSummary(NamedTuple):
    """What the start rules need of an attempt: no answers, no quiz."""

    id: str
    status: str
    deadline: datetime | None
    submitted_at: datetime | None
    passed: bool | None


def quiz_for(slug: str, user: AnyUser, with_attempts: bool = False) -> QuizAccess:
    """Return a quiz with its current version, the user's enrolment in its course, the user's
    accommodation on it and, if asked, the user's attempts at it: one statement in all;
    NotFound when missing."""
    checking = needs_confirming(user)
    rows = db.session.execute(_QUIZ_READS[with_attempts, checking],
                              {"slug": slug, "user_id": user.id,
                               "session_id": user.session_id if checking else None}).all()
    if not rows:
        raise NotFound(_("No such quiz."))
    if checking and not user.confirm(rows[0][-len(SESSION_USER_COLUMNS):]):
        raise IdentityRejected(_(SESSION_CHANGED))
    version, enrollment_id, extra, sequencing, deadline = rows[0][:5]
    attempts = [AttemptSummary(*row[5:5 + len(_SUMMARY)]) for row in rows if row[5] is not None] \
        if with_attempts else None
    return QuizAccess(version.quiz, version, enrollment_id is not None, extra, attempts,
                      Gate(sequencing, deadline))


def accommodation_for(user: AnyUser, quiz: Quiz) -> Accommodation | None:
    """Return extra time or attempts granted to the user on this quiz."""
    return db.session.execute(
        select(Accommodation).filter_by(user_id=user.id, quiz_id=quiz.id)
    ).scalar_one_or_none()


def attempts_of(user: AnyUser, quiz: Quiz) -> list[Attempt]:
    """Return the user's attempts at a quiz, oldest first."""
    return list(db.session.execute(
        select(Attempt).filter_by(user_id=user.id, quiz_id=quiz.id).order_by(Attempt.number)
    ).scalars())


def attempt_rows(user_id: int, quiz_id: int) -> list[AttemptSummary]:
    """Return what the start rules need of the user's attempts at a quiz, oldest first:
    columns only, no objects, no answers."""
    return [AttemptSummary(*row) for row in db.session.execute(
        _ATTEMPT_ROWS, {"user_id": user_id, "quiz_id": quiz_id})]


def can_start(user: AnyUser, quiz: Quiz, version: QuizVersion, now: datetime,
              attempts: Sequence[Attempt | AttemptSummary] | None = None,
              extra: Accommodation | None | bool = False,
              gate: Gate | None = None) -> StartDecision:
    """Decide whether the user may start a new attempt now (pass what the caller already read):
    a locked step first (sequencing, dates, the cohort's deadline), then the attempt rules."""
    extra = accommodation_for(user, quiz) if extra is False else extra
    lock = lock_for(user, quiz, now, gate, extra)
    if lock is not None:
        return StartDecision(False, Sentence("%(reason)s %(unlock)s",
                                             {"reason": lock.reason, "unlock": lock.unlock}),
                             lock.until, locked=True)
    attempts = attempt_rows(user.id, quiz.id) if attempts is None else attempts
    past = [PastAttempt(a.submitted_at, a.passed) for a in attempts]
    decision = start_decision(version.data, past, now, extra.extra_attempts if extra else 0)
    if not decision.allowed and past:
        # A renewal starts the limits afresh: only attempts since the window opened count
        # (read only when refused, so a start costs nothing more).
        since = attempts_count_since(user, quiz.course_id, now)
        if since is not None:
            past = [p for p in past if p.submitted_at is None or p.submitted_at >= since]
            decision = start_decision(version.data, past, now,
                                      extra.extra_attempts if extra else 0)
    return decision


def start_attempt(user: AnyUser, quiz: Quiz, version: QuizVersion, now: datetime | None = None,
                  rng: random.Random | None = None,
                  extra: Accommodation | None | bool = False,
                  attempts: list[AttemptSummary] | None = None,
                  gate: Gate | None = None) -> Attempt:
    """Resume the open attempt, or draw and store a new one if the rules allow.

    `extra` and `attempts` are the user's accommodation and attempts when the caller already
    read them (see quiz_for): read here otherwise.
    """
    now = now or utcnow()
    extra = accommodation_for(user, quiz) if extra is False else extra
    attempts = attempt_rows(user.id, quiz.id) if attempts is None else attempts
    open_rows = [a for a in attempts if a.status == "in_progress"]
    for row in open_rows:
        if not past_deadline(row.deadline, now):
            return get_attempt(row.id, user)
        close_expired(row.id, now)
    if open_rows:  # grading them changed their submitted_at, which the cooldown reads
        attempts = attempt_rows(user.id, quiz.id)
    decision = can_start(user, quiz, version, now, attempts, extra, gate)
    if not decision.allowed:
        raise StartRefused(decision)
    draw = draw_attempt(version.data, rng or unpredictable_rng())
    return _store_new({
        "id": secrets.token_urlsafe(16), "user_id": user.id, "quiz_id": quiz.id,
        "quiz_version_id": version.id, "number": len(attempts) + 1, "status": "in_progress",
        "started_at": now, "saved_at": None, "submitted_at": None, "results": None,
        "score": None, "max_score": None, "percent": None, "passed": None,
        "deadline": attempt_deadline(now, version.data.get("time_limit_minutes"),
                                     extra.extra_minutes if extra else 0,
                                     extra.extra_percent if extra else 0),
        "question_ids": draw.question_ids, "orders": draw.orders, "responses": {},
        "flags": None, "regraded_at": None,
    }, version)


def unpredictable_rng() -> random.Random:
    """A generator for one attempt's draw, seeded with 128 bits from the operating system.

    As unpredictable as `random.SystemRandom` for one draw, at half the cost: SystemRandom
    reads the OS for every number, and a 20-question draw asks for dozens.
    """
    return random.Random(secrets.randbits(128))


def _store_new(values: dict, version: QuizVersion) -> Attempt:
    """Insert a new attempt (one Core INSERT, no unit of work) and return it as a persistent
    object holding exactly the values written, so nothing is read back."""
    try:
        db.session.connection().execute(_INSERT_ATTEMPT, values)
        commit_keeping_state()
    except IntegrityError:  # another request started attempt N at the same moment
        db.session.rollback()
        raise Conflict(_("An attempt was started at the same moment; open the quiz again.")) from None
    attempt = Attempt(**values)
    make_transient_to_detached(attempt)  # as if just loaded: every column set, no pending change
    db.session.add(attempt)
    set_committed_value(attempt, "quiz_version", version)
    return attempt


class StartRefused(ServiceError):
    """The rules refuse a new attempt now; `decision` says why and when it may start."""

    def __init__(self, decision: StartDecision) -> None:
        retry = "" if decision.retry_at is None else (
            f" (from {decision.retry_at:%Y-%m-%d %H:%M} UTC)")
        super().__init__(decision.reason + retry)
        self.decision = decision


def get_attempt(attempt_id: str, user: AnyUser, lock: bool = False) -> Attempt:
    """Return the user's own attempt; NotFound for anyone else's, so ids don't leak."""
    checking = needs_confirming(user)
    row = db.session.execute(_OWN_ATTEMPT_READS[lock, checking],
                             {"attempt_id": attempt_id, "user_id": user.id,
                              "session_id": user.session_id if checking else None}).first()
    if row is None:
        raise NotFound(_("No such attempt."))
    if checking and not user.confirm(row[1:]):
        raise IdentityRejected(_(SESSION_CHANGED))
    return row[0]


@dataclass
class SubmitOutcome:
    """What happened to a save or submit: the attempt, and any per-question errors."""

    attempt: Attempt
    errors: dict[str, str]
    late: bool = False


def save_attempt(attempt_id: str, user: AnyUser, form: FormData,
                 now: datetime | None = None) -> SubmitOutcome:
    """Store answers without submitting; refused once the deadline has passed."""
    now = now or utcnow()
    attempt = get_attempt(attempt_id, user)
    if attempt.status != "in_progress":
        raise Conflict(_("This attempt has already been submitted."))
    if past_deadline(attempt.deadline, now):
        return _late(attempt_id, user, now)
    responses = read_responses(attempt, form)
    values = {"responses": responses, "saved_at": now}
    flags = read_flags(attempt, form)
    if flags is not None:
        values["flags"] = flags
    if not write_if_open(attempt, values):
        raise Conflict(_("This attempt has already been submitted."))
    commit_keeping_state()
    return SubmitOutcome(attempt, response_errors(attempt, responses))


def submit_attempt(attempt_id: str, user: AnyUser, form: FormData,
                   now: datetime | None = None) -> SubmitOutcome:
    """Grade an attempt exactly once; after the deadline only what was saved in time counts.

    The answers are parsed and graded before anything is locked; the grade is written only if
    the attempt is still in progress at that moment (see services.attempt_grades).
    """
    now = now or utcnow()
    attempt = get_attempt(attempt_id, user)
    if attempt.status != "in_progress":
        raise Conflict(_(ALREADY_CLOSED))
    if past_deadline(attempt.deadline, now):
        return _late(attempt_id, user, now)
    responses = read_responses(attempt, form)
    errors = response_errors(attempt, responses)
    if errors:
        if not write_if_open(attempt, {"responses": responses, "saved_at": now}):
            raise Conflict(_(ALREADY_CLOSED))
        commit_keeping_state()
        return SubmitOutcome(attempt, errors)
    finish_attempt(attempt, now, use_posted=True, responses=responses, owner=user)
    return SubmitOutcome(attempt, {})


def finish_saved(attempt_id: str, user: AnyUser, now: datetime | None = None) -> SubmitOutcome:
    """Grade the answers saved so far, exactly once: "Submit all and finish" on the summary
    page, which posts no answers. Answers that cannot be graded as typed are sent back."""
    now = now or utcnow()
    attempt = get_attempt(attempt_id, user)
    if attempt.status != "in_progress":
        raise Conflict(_(ALREADY_CLOSED))
    if past_deadline(attempt.deadline, now):
        return _late(attempt_id, user, now)
    errors = response_errors(attempt, attempt.responses or {})
    if errors:
        return SubmitOutcome(attempt, errors)
    finish_attempt(attempt, now, use_posted=True, owner=user)
    return SubmitOutcome(attempt, {})


def _late(attempt_id: str, user: AnyUser, now: datetime) -> SubmitOutcome:
    """Time ran out before the request arrived: grade what was saved in time, under the lock."""
    attempt = get_attempt(attempt_id, user, lock=True)
    if attempt.status != "in_progress":
        raise Conflict(_(ALREADY_CLOSED))
    finish_attempt(attempt, now, use_posted=False)
    return SubmitOutcome(attempt, {}, late=True)
