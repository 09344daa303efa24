"""Renewal: a new completion record for the next certification cycle, linked to the one it
renews, issued when the course's renewal path is met inside the renewal window.

The record renewed is never edited: it stays verifiable and is shown as superseded. Which
path and window apply is the course's current version's `renewal` setting
(tpcourse/content/course_settings.py); the rules themselves are tpcourse/grading/renewal.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...content.course_settings import RENEWAL_PATHS
from ...extensions import db
from ...grading.renewal import (
    renewal_missing,
    renewal_quizzes,
    renewed_expiry,
    window_is_open,
    window_opens_at,
)
from ...models import AnyUser, Attempt, CompletionRecord, CourseVersion, Quiz, User
from .. import cache
from ..learning.learning import current_version
from ..notifications import announce
from ..records.audit import actor_of, record_event


@dataclass(frozen=True)
class RenewalState:
    """A holder's newest record in a course and where its renewal stands."""

    record: CompletionRecord
    path: str
    path_text: str
    window_days: int
    opens_at: datetime | None
    open: bool
    quizzes: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def current_record(user_id: int, course_id: int) -> CompletionRecord | None:
    """Return the newest record (highest cycle) of a trainee in a course, if any."""
    return db.session.execute(
        select(CompletionRecord).filter_by(user_id=user_id, course_id=course_id)
        .order_by(CompletionRecord.cycle.desc()).limit(1)).scalar_one_or_none()


def window_open_for(record: CompletionRecord, outline: cache.CourseOutline,
                    now: datetime) -> bool:
    """Whether `record` (the newest of its course) may be renewed now."""
    return window_is_open(record.completed_at, record.expires_at, record.revoked_at is not None,
                          outline.renewal["window_days"], now)


def renewal_state(user: AnyUser, course_id: int, now: datetime,
                  record: CompletionRecord | None = None) -> RenewalState | None:
    """Where the user's renewal in a course stands; None without a record."""
    record = record or current_record(user.id, course_id)
    if record is None:
        return None
    outline = cache.course_outline(course_id)
    settings = outline.renewal
    opens = window_opens_at(record.completed_at, record.expires_at, settings["window_days"])
    is_open = window_open_for(record, outline, now)
    quizzes = renewal_quizzes(settings, outline.module_quizzes, outline.final_exam_slug)
    missing = _missing(user.id, course_id, record, outline, quizzes, now) if is_open else []
    return RenewalState(record, settings["path"], RENEWAL_PATHS[settings["path"]],
                        settings["window_days"], opens, is_open, quizzes, missing)


def _missing(user_id: int, course_id: int, record: CompletionRecord,
             outline: cache.CourseOutline, quizzes: list[str], now: datetime) -> list[str]:
    since = window_opens_at(record.completed_at, record.expires_at,
                            outline.renewal["window_days"])
    passed: set[str] = set()
    if quizzes:
        passed = set(db.session.execute(
            select(Quiz.slug).join(Attempt, Attempt.quiz_id == Quiz.id)
            .where(Attempt.user_id == user_id, Quiz.slug.in_(quizzes),
                   Attempt.passed.is_(True), Attempt.submitted_at >= since)).scalars())
    earned = 0.0
    if outline.renewal["path"] == "ce_hours":
        earned = ce_hours_since(user_id, course_id, record.completed_at, now)
    return renewal_missing(outline.renewal, quizzes, passed, earned)


def ce_hours_since(user_id: int, course_id: int, since: datetime, now: datetime) -> float:
    """CE hours of the user's unrevoked records in other courses completed in [since, now]."""
    total = db.session.execute(
        select(func.coalesce(func.sum(CompletionRecord.ce_hours), 0.0))
        .where(CompletionRecord.user_id == user_id, CompletionRecord.course_id != course_id,
               CompletionRecord.revoked_at.is_(None), CompletionRecord.completed_at >= since,
               CompletionRecord.completed_at <= now)).scalar_one()
    return round(float(total), 4)


def attempts_count_since(user: AnyUser, course_id: int | None, now: datetime) -> datetime | None:
    """When a renewal window is open on the user's record in the quiz's course: the moment it
    opened, from which attempts count afresh against a quiz's limits. None otherwise."""
    if course_id is None:
        return None
    record = current_record(user.id, course_id)
    if record is None:
        return None
    outline = cache.course_outline(course_id)
    if not window_open_for(record, outline, now):
        return None
    return window_opens_at(record.completed_at, record.expires_at,
                           outline.renewal["window_days"])


def renew_if_met(user: AnyUser, record: CompletionRecord, outline: cache.CourseOutline,
                 now: datetime, actor: User | None = None) -> CompletionRecord:
    """Issue the next cycle's record when the renewal path is met; return the newest record.

    The caller has checked that the window is open on `record`, the newest record.
    """
    quizzes = renewal_quizzes(outline.renewal, outline.module_quizzes, outline.final_exam_slug)
    if _missing(user.id, record.course_id, record, outline, quizzes, now):
        return record
    from .completion import new_certificate_code  # completion calls this module back

    version = db.session.get(CourseVersion, outline.version_id)
    path = outline.renewal["path"]
    renewal = CompletionRecord(
        user_id=user.id, course_id=record.course_id, course_version_id=version.id,
        completed_at=now, score=_renewal_score(user.id, quizzes, record, outline),
        # Only the whole course again earns its CE hours again: the other paths re-examine or
        # count hours earned elsewhere, so each cycle's hours count once (docs/certificates.md).
        ce_hours=version.ce_hours if path == "full" else 0.0,
        certificate_code=new_certificate_code(),
        expires_at=renewed_expiry(now, record.expires_at, version.certificate_valid_days),
        cycle=record.cycle + 1, renews_id=record.id)
    db.session.add(renewal)
    try:
        db.session.flush()
        record_event("completion.renewed", {
            "record": renewal.id, "renews": record.id, "cycle": renewal.cycle, "path": path,
            "user": user.id, "course_version": version.id, "score": renewal.score,
            "ce_hours": renewal.ce_hours, "certificate_code": renewal.certificate_code},
            actor_of(actor or user), now)
        announce.completion_issued(renewal, now)
        db.session.commit()
    except IntegrityError:  # renewed by a concurrent request: there is still one next cycle
        db.session.rollback()
        return current_record(user.id, record.course_id)
    return renewal


def _renewal_score(user_id: int, quizzes: list[str], record: CompletionRecord,
                   outline: cache.CourseOutline) -> float | None:
    """The best percentage on the last quiz of the path inside the window, if any."""
    if not quizzes:
        return None
    since = window_opens_at(record.completed_at, record.expires_at,
                            outline.renewal["window_days"])
    return db.session.execute(
        select(func.max(Attempt.percent)).join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Attempt.user_id == user_id, Quiz.slug == quizzes[-1],
               Attempt.submitted_at >= since)).scalar_one_or_none()


def history(user_id: int, course_id: int) -> list[CompletionRecord]:
    """Every record of a trainee in a course, newest cycle first."""
    return list(db.session.execute(
        select(CompletionRecord).filter_by(user_id=user_id, course_id=course_id)
        .order_by(CompletionRecord.cycle.desc())).scalars())


def newer_record(record: CompletionRecord) -> CompletionRecord | None:
    """The record that renews this one, if it has been renewed."""
    return db.session.execute(
        select(CompletionRecord).filter_by(renews_id=record.id)).scalar_one_or_none()


def superseded_ids(records: list[CompletionRecord]) -> set[int]:
    """The ids among `records` that a newer record in the list renews."""
    return {record.renews_id for record in records if record.renews_id is not None}


def open_renewals(user: AnyUser, records: list[CompletionRecord],
                  now: datetime) -> list[RenewalState]:
    """The renewals the user may make now: one per course whose newest record's window is open."""
    newest: dict[int, CompletionRecord] = {}
    for record in records:
        if record.course_id not in newest or record.cycle > newest[record.course_id].cycle:
            newest[record.course_id] = record
    states = []
    for course_id, record in newest.items():
        if record.expires_at is None or record.revoked_at is not None:
            continue
        state = renewal_state(user, course_id, now, record)
        if state.open:
            states.append(state)
    return states


def renewal_for_course(user: AnyUser, course_slug: str, now: datetime) -> RenewalState | None:
    """Where the user's renewal in the course named by its slug stands; None without a record."""
    version = current_version(course_slug)
    return renewal_state(user, version.course_id, now)


def renew(user: AnyUser, course_slug: str, now: datetime) -> CompletionRecord | None:
    """Ask for a renewal now (the CE-hours path has nothing else to trigger it); return the
    newest record, which is a new one when the path was met."""
    from .completion import check_completion

    return check_completion(user, current_version(course_slug).course_id, now)
