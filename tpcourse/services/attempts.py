"""Starting, saving, submitting and grading quiz attempts — all rules enforced here."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..grading.attempts import (
    PastAttempt,
    StartDecision,
    attempt_deadline,
    draw_attempt,
    grade_attempt,
    past_deadline,
    start_decision,
)
from ..grading.types import FormData, question_type
from ..models import Accommodation, Attempt, Quiz, QuizVersion, User, utcnow
from .audit import record_event
from .errors import Conflict, NotFound, ServiceError


def get_quiz(slug: str) -> tuple[Quiz, QuizVersion]:
    """Return a quiz and its current version; NotFound when missing."""
    row = db.session.execute(
        select(Quiz, QuizVersion).join(QuizVersion, QuizVersion.quiz_id == Quiz.id)
        .where(Quiz.slug == slug, QuizVersion.version == Quiz.current_version)
    ).first()
    if row is None:
        raise NotFound("No such quiz.")
    return row[0], row[1]


def accommodation_for(user: User, quiz: Quiz) -> Accommodation | None:
    """Return extra time or attempts granted to the user on this quiz."""
    return db.session.execute(
        select(Accommodation).filter_by(user_id=user.id, quiz_id=quiz.id)
    ).scalar_one_or_none()


def attempts_of(user: User, quiz: Quiz) -> list[Attempt]:
    """Return the user's attempts at a quiz, oldest first."""
    return list(db.session.execute(
        select(Attempt).filter_by(user_id=user.id, quiz_id=quiz.id).order_by(Attempt.number)
    ).scalars())


def can_start(user: User, quiz: Quiz, version: QuizVersion, now: datetime,
              attempts: list[Attempt] | None = None,
              extra: Accommodation | None | bool = False) -> StartDecision:
    """Decide whether the user may start a new attempt now (pass what the caller already read)."""
    extra = accommodation_for(user, quiz) if extra is False else extra
    attempts = attempts_of(user, quiz) if attempts is None else attempts
    past = [PastAttempt(a.submitted_at, a.passed) for a in attempts]
    return start_decision(version.data, past, now, extra.extra_attempts if extra else 0)


def start_attempt(user: User, quiz: Quiz, version: QuizVersion, now: datetime | None = None,
                  rng: random.Random | None = None) -> Attempt:
    """Resume the open attempt, or draw and store a new one if the rules allow."""
    now = now or utcnow()
    attempts = attempts_of(user, quiz)
    for attempt in attempts:
        if attempt.status == "in_progress":
            if not past_deadline(attempt.deadline, now):
                return attempt
            finish_attempt(attempt, now, use_posted=False)
    extra = accommodation_for(user, quiz)
    decision = can_start(user, quiz, version, now, attempts, extra)
    if not decision.allowed:
        raise ServiceError(decision.reason + _retry_text(decision))
    draw = draw_attempt(version.data, rng or random.SystemRandom())
    attempt = Attempt(
        id=secrets.token_urlsafe(16), user_id=user.id, quiz_id=quiz.id,
        quiz_version_id=version.id, number=len(attempts) + 1, started_at=now,
        deadline=attempt_deadline(now, version.data.get("time_limit_minutes"),
                                  extra.extra_minutes if extra else 0,
                                  extra.extra_percent if extra else 0),
        question_ids=draw.question_ids, orders=draw.orders, responses={},
    )
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:  # another request started attempt N at the same moment
        db.session.rollback()
        raise Conflict("An attempt was started at the same moment; open the quiz again.") from None
    return attempt


def _retry_text(decision: StartDecision) -> str:
    if decision.retry_at is None:
        return ""
    return f" (from {decision.retry_at:%Y-%m-%d %H:%M} UTC)"


def get_attempt(attempt_id: str, user: User, lock: bool = False) -> Attempt:
    """Return the user's own attempt; NotFound for anyone else's, so ids don't leak."""
    query = select(Attempt).where(Attempt.id == attempt_id, Attempt.user_id == user.id)
    if lock:
        # populate_existing: a copy read earlier in this request must not hide a grade that a
        # concurrent request committed while we waited for the lock.
        query = query.with_for_update(of=Attempt).execution_options(populate_existing=True)
    attempt = db.session.execute(query).scalar_one_or_none()
    if attempt is None:
        raise NotFound("No such attempt.")
    return attempt


def field_name(number: int) -> str:
    """Return the form field of the question drawn at `number` (1-based).

    Fields are named by position, never by question id: authors write ids such as
    `loc-referred-term`, and an id in the page could hint at the answer.
    """
    return f"q{number}"


def read_responses(attempt: Attempt, form: FormData) -> dict:
    """Turn the submitted form into stored responses for every drawn question."""
    by_id = {q["id"]: q for q in attempt.quiz_version.data["questions"]}
    return {
        qid: question_type(by_id[qid]["type"]).parse_response(
            by_id[qid], attempt.orders.get(qid, []), field_name(number), form)
        for number, qid in enumerate(attempt.question_ids, start=1)
    }


def response_errors(attempt: Attempt, responses: dict) -> dict[str, str]:
    """Return a message per question whose answer cannot be graded as typed."""
    by_id = {q["id"]: q for q in attempt.quiz_version.data["questions"]}
    errors = {}
    for qid, response in responses.items():
        message = question_type(by_id[qid]["type"]).response_error(by_id[qid], response)
        if message:
            errors[qid] = message
    return errors


@dataclass
class SubmitOutcome:
    """What happened to a save or submit: the attempt, and any per-question errors."""

    attempt: Attempt
    errors: dict[str, str]
    late: bool = False


def save_attempt(attempt_id: str, user: User, form: FormData,
                 now: datetime | None = None) -> SubmitOutcome:
    """Store answers without submitting; refused once the deadline has passed."""
    now = now or utcnow()
    attempt = get_attempt(attempt_id, user, lock=True)
    if attempt.status != "in_progress":
        raise Conflict("This attempt has already been submitted.")
    if past_deadline(attempt.deadline, now):
        finish_attempt(attempt, now, use_posted=False)
        return SubmitOutcome(attempt, {}, late=True)
    responses = read_responses(attempt, form)
    attempt.responses = responses
    attempt.saved_at = now
    db.session.commit()
    return SubmitOutcome(attempt, response_errors(attempt, responses))


def submit_attempt(attempt_id: str, user: User, form: FormData,
                   now: datetime | None = None) -> SubmitOutcome:
    """Grade an attempt exactly once; after the deadline only what was saved in time counts."""
    now = now or utcnow()
    attempt = get_attempt(attempt_id, user, lock=True)
    if attempt.status != "in_progress":
        raise Conflict("This attempt has already been submitted; its first grade stands.")
    if past_deadline(attempt.deadline, now):
        finish_attempt(attempt, now, use_posted=False)
        return SubmitOutcome(attempt, {}, late=True)
    responses = read_responses(attempt, form)
    errors = response_errors(attempt, responses)
    attempt.responses = responses
    attempt.saved_at = now
    if errors:
        db.session.commit()
        return SubmitOutcome(attempt, errors)
    finish_attempt(attempt, now, use_posted=True)
    return SubmitOutcome(attempt, {})


def finish_attempt(attempt: Attempt, now: datetime, use_posted: bool) -> Attempt:
    """Grade the stored responses, close the attempt and check course completion."""
    from .completion import check_completion  # completion reads attempts; avoid an import cycle

    grade = grade_attempt(attempt.quiz_version.data, attempt.question_ids, attempt.responses)
    attempt.status = "submitted" if use_posted else "expired"
    attempt.submitted_at = now if use_posted or attempt.deadline is None else min(
        now, attempt.deadline)
    attempt.results = [
        {"id": r.question_id, "points": r.points, "score": r.score, "must_pass": r.must_pass}
        for r in grade.results
    ]
    attempt.score, attempt.max_score = grade.score, grade.max_score
    attempt.percent, attempt.passed = grade.percent, grade.passed
    record_event("attempt.graded", {
        "attempt": attempt.id, "user": attempt.user_id, "quiz_version": attempt.quiz_version_id,
        "status": attempt.status, "score": grade.score, "max_score": grade.max_score,
        "percent": grade.percent, "passed": grade.passed}, f"user:{attempt.user_id}", now)
    db.session.commit()
    if grade.passed:
        quiz = db.session.get(Quiz, attempt.quiz_id)
        if quiz.course_id is not None:
            user = db.session.get(User, attempt.user_id)
            check_completion(user, quiz.course_id, now)
    return attempt


def close_if_expired(attempt: Attempt, now: datetime | None = None) -> bool:
    """Grade an open attempt whose time ran out; True when it was closed now."""
    now = now or utcnow()
    if attempt.status == "in_progress" and past_deadline(attempt.deadline, now):
        finish_attempt(attempt, now, use_posted=False)
        return True
    return False
