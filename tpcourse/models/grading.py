"""Grading by hand: instructors' grades of essays, and overrides of an attempt's grade."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONType, UTCDateTime, utcnow


class EssayGrade(db.Model):
    """An instructor's grade of one essay of one attempt: a score and a comment per rubric
    criterion. Once per essay (the unique key): a second grader gets "already graded"."""

    __tablename__ = "essay_grades"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    grader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    criteria: Mapped[list] = mapped_column(JSONType)  # [{id, score, points, feedback}]
    points: Mapped[float]
    feedback: Mapped[str] = mapped_column(Text, default="")


class GradeOverride(db.Model):
    """An instructor's change to an attempt's grade, with the reason and the grade before it
    (so the original stays visible); also chained in the audit log."""

    __tablename__ = "grade_overrides"
    __table_args__ = (Index("ix_grade_overrides_attempt", "attempt_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    from_score: Mapped[float | None]
    from_percent: Mapped[float | None]
    from_passed: Mapped[bool | None]
    to_score: Mapped[float]
    to_percent: Mapped[float]
    to_passed: Mapped[bool]
