"""What certification needs beyond quizzes: reminders, practical sign-offs, evaluations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONType, UTCDateTime, utcnow


class ReminderSent(db.Model):
    """A renewal reminder sent for one certificate at one threshold (never sent twice)."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("record_id", "threshold_days"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("completion_records.id"))
    threshold_days: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SkillSignoff(db.Model):
    """An instructor's sign-off of one practical skill for one trainee on one course."""

    __tablename__ = "skill_signoffs"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "skill_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    skill_key: Mapped[str] = mapped_column(String(100))
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class EvaluationResponse(db.Model):
    """A trainee's course evaluation, completed before the certificate is issued."""

    __tablename__ = "evaluation_responses"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    answers: Mapped[dict] = mapped_column(JSONType)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
