"""Quizzes as immutable versions, attempts at them, and per-trainee accommodations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType, UTCDateTime, utcnow


class Quiz(db.Model):
    """A quiz, identified by its slug; settings and questions live in versions."""

    __tablename__ = "quizzes"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuizVersion(db.Model):
    """One immutable snapshot of a quiz: settings and questions as stored JSON.

    `data` (30-50 kB of JSON) is deferred: reading a version or an attempt does not fetch or
    parse it. `tpcourse.services.cache` fills it from a per-process cache keyed by (id,
    content_hash) when a version is loaded, so `version.data` costs nothing once warm; on a
    miss the first access reads the column once and the cache keeps it.
    """

    __tablename__ = "quiz_versions"
    __table_args__ = (UniqueConstraint("quiz_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict] = mapped_column(JSONType, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    quiz: Mapped[Quiz] = relationship(lazy="joined")


class Attempt(db.Model):
    """One trainee's attempt at a quiz version; graded once, on the server."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        Index("ix_attempts_user_quiz", "user_id", "quiz_id"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, not guessable
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_versions.id"))
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    question_ids: Mapped[list] = mapped_column(JSONType)
    orders: Mapped[dict] = mapped_column(JSONType)
    responses: Mapped[dict] = mapped_column(JSONType, default=dict)
    # Question ids the trainee flagged for review (a reminder to themselves, never graded).
    flags: Mapped[list | None] = mapped_column(JSONType)
    results: Mapped[list | None] = mapped_column(JSONType)
    score: Mapped[float | None]
    max_score: Mapped[float | None]
    percent: Mapped[float | None]
    passed: Mapped[bool | None]
    # Set when an instructor graded an essay of the attempt or overrode its grade: the
    # result page reads essay_grades and grade_overrides only then (no query otherwise).
    regraded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    quiz_version: Mapped[QuizVersion] = relationship(lazy="joined")


class Accommodation(db.Model):
    """Extra time or attempts granted to one trainee on one quiz."""

    __tablename__ = "accommodations"
    __table_args__ = (UniqueConstraint("user_id", "quiz_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    extra_attempts: Mapped[int] = mapped_column(default=0)
    extra_minutes: Mapped[int] = mapped_column(default=0)
    extra_percent: Mapped[int] = mapped_column(default=0)
    # Lifts the course's sequencing locks (lessons first, quizzes first, dates, the cohort's
    # deadline) on this quiz for this trainee.
    lift_locks: Mapped[bool] = mapped_column(default=False, server_default=false())
    note: Mapped[str] = mapped_column(String(500), default="")
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
