"""Drafts instructors edit in the browser before publishing them as new versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONType, UTCDateTime, utcnow


class QuizDraft(db.Model):
    """Unpublished quiz settings and questions (the quiz-file shape); trainees never see it."""

    __tablename__ = "quiz_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    data: Mapped[dict] = mapped_column(JSONType)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LessonDraft(db.Model):
    """An unpublished edit of one lesson, keyed by course and `module/lesson` slug."""

    __tablename__ = "lesson_drafts"
    __table_args__ = (UniqueConstraint("course_id", "lesson_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    lesson_key: Mapped[str] = mapped_column(String(210))
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]
    objectives: Mapped[list] = mapped_column(JSONType)
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BankUpload(db.Model):
    """A question-bank file uploaded to the studio, kept while its import is previewed.

    The file is parsed again when the author confirms, so nothing parsed is trusted from the
    browser; rows older than a day are deleted when the next upload arrives.
    """

    __tablename__ = "bank_uploads"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, unguessable
    quiz_slug: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(20))
    scoring: Mapped[str] = mapped_column(String(20))
    replace: Mapped[bool] = mapped_column(Boolean, default=False)
    filename: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class CourseDraft(db.Model):
    """Unpublished course settings, modules and new lessons (a course dict, in file shape).

    A course made in the browser has only its draft until it is first published.
    """

    __tablename__ = "course_drafts"
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), unique=True)
    data: Mapped[dict] = mapped_column(JSONType)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
