"""What certification needs beyond quizzes: reminders, practical sign-offs, evaluations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
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
    # The rubric's level for each criterion (criterion id -> level name), where the skill has
    # a rubric; and where the assessment took place (issue 25).
    levels: Mapped[dict | None] = mapped_column(JSONType)
    place: Mapped[str] = mapped_column(String(200), default="", server_default="")


class SkillEvidence(db.Model):
    """A photo or short video showing a trainee's practical skill, uploaded by the trainee or
    an assessor. The bytes live in the evidence store (services/storage) under `storage_key`;
    they are served only through an authorised route, by this random id."""

    __tablename__ = "skill_evidence"
    __table_args__ = (Index("ix_skill_evidence_user_course", "user_id", "course_id"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, not guessable
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    skill_key: Mapped[str] = mapped_column(String(100))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    caption: Mapped[str] = mapped_column(String(200), default="")


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
