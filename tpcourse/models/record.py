"""Completion records: the trainee's proof of finishing a course, with its certificate code."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .course import CourseVersion
from .types import UTCDateTime, utcnow
from .user import User


class CompletionRecord(db.Model):
    """Created once per certification cycle when a trainee meets a course's completion rules
    (cycle 1) or its renewal path (cycle 2, 3 ... each `renews_id` the one before); never edited
    after issue apart from revocation, never hard-deleted (docs/certificates.md)."""

    __tablename__ = "completion_records"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "cycle"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    score: Mapped[float | None]
    ce_hours: Mapped[float]
    # The part of ce_hours earned hands-on when live practical sessions were attended (issue
    # 25); None: the course's declared hands-on hours (course.yaml hands_on_ce_hours).
    hands_on_hours: Mapped[float | None]
    certificate_code: Mapped[str] = mapped_column(String(40), unique=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    cycle: Mapped[int] = mapped_column(default=1, server_default="1")
    # The record this one renews; unique, so a record is renewed at most once.
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("completion_records.id"),
                                                  unique=True)

    user: Mapped[User] = relationship(lazy="joined")
    course_version: Mapped[CourseVersion] = relationship(lazy="joined")

    def status(self, now: datetime) -> str:
        """Return valid, expired or revoked."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "valid"
