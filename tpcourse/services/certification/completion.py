"""Completion records: created once when a course's rules are met (cycle 1); renewals add the
next cycles (renewal.py)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, exists, func, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...grading.attempts import counting_attempt
from ...grading.completion import CompletionStatus, evaluate_completion
from ...models import (
    AnyUser,
    Attempt,
    CompletionRecord,
    Course,
    CourseVersion,
    EvaluationResponse,
    LessonProgress,
    Quiz,
    QuizVersion,
    SkillSignoff,
    User,
    utcnow,
)
from .. import cache
from ..learning.learning import read_lesson_keys
from ..notifications import announce
from ..records.audit import actor_of, record_event

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_certificate_code() -> str:
    """Return a random certificate code: 20 symbols (100 bits) in groups of four."""
    symbols = "".join(secrets.choice(CODE_ALPHABET) for _ in range(20))
    return "TP-" + "-".join(symbols[i:i + 4] for i in range(0, 20, 4))


def completion_status(user: AnyUser, course_id: int,
                      outline: cache.CourseOutline | None = None) -> CompletionStatus:
    """Work out what the user has left to do in a course (three small queries when cached)."""
    # Lesson keys, quizzes and skill keys of the current version, not the lesson bodies.
    outline = outline or cache.course_outline(course_id)
    module_quizzes = list(outline.module_quizzes)
    slugs = module_quizzes + ([outline.final_exam_slug] if outline.final_exam_slug else [])
    rows = db.session.execute(
        select(Quiz.slug, Attempt.submitted_at, Attempt.percent, Attempt.passed,
               QuizVersion.id.label("version_id"), QuizVersion.content_hash)
        .join(Attempt, Attempt.quiz_id == Quiz.id)
        .join(QuizVersion, QuizVersion.id == Attempt.quiz_version_id)
        .where(Attempt.user_id == user.id, Quiz.slug.in_(slugs))
    ).all()
    by_slug: dict[str, list] = {}
    for row in rows:
        by_slug.setdefault(row.slug, []).append(row)
    best, passed = {}, set()
    for slug, attempts in by_slug.items():
        first = attempts[0]
        mode = cache.quiz_data(first.version_id, first.content_hash).get("grading", "highest")
        counted = counting_attempt(attempts, mode)
        if counted is not None:
            best[slug] = counted.percent
        if any(a.passed for a in attempts):
            passed.add(slug)
    skill_keys, signed, evaluated = _practical_requirements(user, course_id, outline)
    return evaluate_completion(outline.completion, list(outline.lesson_keys),
                               read_lesson_keys(user, course_id), module_quizzes,
                               outline.final_exam_slug, best, passed, skill_keys=skill_keys,
                               signed_skills=signed, evaluation_done=evaluated)


def _practical_requirements(user: AnyUser, course_id: int,
                            outline: cache.CourseOutline) -> tuple[list[str], set[str], bool]:
    """Return the course's skill keys, those signed off for the user, and whether the user
    has sent the evaluation — queried only when the completion rules ask for them."""
    skill_keys: list[str] = []
    signed: set[str] = set()
    evaluated = False
    if outline.completion.get("skills") == "all":
        skill_keys = list(outline.skill_keys)
        signed = set(db.session.execute(select(SkillSignoff.skill_key).filter_by(
            user_id=user.id, course_id=course_id)).scalars())
    if outline.completion.get("evaluation") == "required":
        evaluated = db.session.execute(select(EvaluationResponse.id).filter_by(
            user_id=user.id, course_id=course_id)).first() is not None
    return skill_keys, signed, evaluated


def record_for(user: AnyUser, course_id: int) -> CompletionRecord | None:
    """Return the user's newest completion record for a course (its latest cycle), if any."""
    return db.session.execute(
        select(CompletionRecord).filter_by(user_id=user.id, course_id=course_id)
        .order_by(CompletionRecord.cycle.desc()).limit(1)
    ).scalar_one_or_none()


def _count_mine(model) -> Any:
    return (select(func.count()).select_from(model)
            .where(model.user_id == bindparam("user_id"),
                   model.course_id == bindparam("course_id"))
            .scalar_subquery())


# Built once: this runs after every pass, and building it costs more than running it.
_PROGRESS_COUNTS = (
    select(CourseVersion.id, CourseVersion.content_hash,
           select(CompletionRecord.id)
           .where(CompletionRecord.user_id == bindparam("user_id"),
                  CompletionRecord.course_id == bindparam("course_id"))
           .order_by(CompletionRecord.cycle.desc()).limit(1)
           .scalar_subquery().label("record_id"),
           _count_mine(LessonProgress).label("lessons_read"),
           _count_mine(SkillSignoff).label("skills_signed"),
           exists().where(EvaluationResponse.user_id == bindparam("user_id"),
                          EvaluationResponse.course_id == bindparam("course_id"))
           .label("evaluated"))
    .join(Course, Course.id == CourseVersion.course_id)
    .where(Course.id == bindparam("course_id"), CourseVersion.version == Course.current_version))


def progress_counts(user_id: int, course_id: int) -> Row:
    """Read in one statement what rules completion in or out cheaply: the current course
    version (id, content_hash), the newest record if any (record_id), and how many lessons read,
    skills signed off and evaluations sent (lessons_read, skills_signed, evaluated)."""
    parameters = {"user_id": user_id, "course_id": course_id}
    if db.session().in_transaction() or db.engine.dialect.name == "sqlite":
        # Columns only: no ORM execution needed. SQLite begins no transaction for a read, and an
        # autocommit connection would be reset with a pragma that makes SQLite re-prepare every
        # statement of the connection (docs/performance.md).
        return db.session.connection().execute(_PROGRESS_COUNTS, parameters).one()
    # Right after a commit (a grade, a lesson read): one read needs no transaction of its own,
    # and on PostgreSQL this spares the BEGIN and ROLLBACK round trips around it.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(_PROGRESS_COUNTS, parameters).one()


def ruled_out(outline: cache.CourseOutline, counts: Row) -> bool:
    """Whether the counts alone prove the course is not complete yet.

    Exact, never a guess: fewer rows read than the course has lessons means a lesson is
    unread (each row is one distinct key), and likewise for skills; the evaluation is a yes/no.
    """
    rules = outline.completion
    return ((rules.get("lessons") == "all" and counts.lessons_read < len(set(outline.lesson_keys)))
            or (rules.get("skills") == "all"
                and counts.skills_signed < len(set(outline.skill_keys)))
            or (rules.get("evaluation") == "required" and not counts.evaluated))


def check_completion(user: AnyUser, course_id: int, now: datetime | None = None,
                     actor: User | None = None) -> CompletionRecord | None:
    """Create the completion record once when every rule is met; return it if it exists.

    When the newest record's renewal window is open, issue the next cycle's record once the
    course's renewal path is met (services/certification/renewal.py).

    `actor` is who caused it (an instructor's sign-off, say); the trainee by default. One
    statement answers the common cases (a record exists; lessons, skills or the evaluation
    still missing); only a trainee who may be done gets the full check.
    """
    counts = progress_counts(user.id, course_id)
    if counts.record_id is not None:
        record = db.session.get(CompletionRecord, counts.record_id)
        if record.expires_at is None or record.revoked_at is not None:
            return record  # nothing to renew: the common case costs nothing more
        from .renewal import renew_if_met, window_open_for  # renewal imports this module

        now = now or utcnow()
        outline = cache.outline_of(counts.id, counts.content_hash)
        if not window_open_for(record, outline, now):
            return record
        return renew_if_met(user, record, outline, now, actor)
    outline = cache.outline_of(counts.id, counts.content_hash)
    if ruled_out(outline, counts):
        return None
    status = completion_status(user, course_id, outline)
    if not status.complete:
        return None
    now = now or utcnow()
    version = db.session.get(CourseVersion, counts.id)
    ce_hours, hands_on = earned_hours(user.id, version)
    record = CompletionRecord(
        user_id=user.id, course_id=course_id, course_version_id=version.id, completed_at=now,
        score=status.score, ce_hours=ce_hours, hands_on_hours=hands_on,
        certificate_code=new_certificate_code(),
        expires_at=(now + timedelta(days=version.certificate_valid_days)
                    if version.certificate_valid_days else None),
    )
    db.session.add(record)
    try:
        db.session.flush()
        record_event("completion.created", {
            "record": record.id, "user": user.id, "course_version": version.id,
            "score": record.score, "ce_hours": record.ce_hours,
            "certificate_code": record.certificate_code}, actor_of(actor or user), now)
        announce.completion_issued(record, now)
        db.session.commit()
    except IntegrityError:  # issued by a concurrent request: there is still exactly one
        db.session.rollback()
        return record_for(user, course_id)
    return record


def earned_hours(user_id: int, version: CourseVersion) -> tuple[float, float | None]:
    """Return the CE hours a completion earns and its hands-on part from live sessions.

    Without attended sessions: the course's hours, as declared (hands-on part None). With
    them: the home-study hours plus the attended hours, capped at the declared hands-on hours
    when the course declares some (its approval covers that many), added in full otherwise.
    """
    from ..sessions.attendance import hands_on_hours

    attended = hands_on_hours(user_id, version.course_id)
    if not attended:
        return version.ce_hours, None
    declared = version.hands_on_ce_hours or 0.0
    hands_on = min(attended, declared) if declared else attended
    return round(version.ce_hours - declared + hands_on, 2), hands_on


def records_of(user: AnyUser) -> list[CompletionRecord]:
    """Return the user's completion records, newest first."""
    return list(db.session.execute(
        select(CompletionRecord).filter_by(user_id=user.id)
        .order_by(CompletionRecord.completed_at.desc())
    ).scalars())


def find_by_code(code: str) -> CompletionRecord | None:
    """Look a certificate up by its code (case-insensitive)."""
    return db.session.execute(
        select(CompletionRecord).where(CompletionRecord.certificate_code == code.strip().upper())
    ).scalar_one_or_none()
