"""Live practical sessions: scheduled by a course's instructors, signed up for by its
trainees (a waitlist once full), attendance taken by the instructor."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONType, UTCDateTime, utcnow


class PracticalSession(db.Model):
    """One in-person session: when, where, how many places, which skills are assessed."""

    __tablename__ = "practical_sessions"
    __table_args__ = (Index("ix_practical_sessions_course_start", "course_id", "starts_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int]
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int]
    skills: Mapped[list] = mapped_column(JSONType, default=list)  # skill keys assessed there
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SessionSignup(db.Model):
    """A trainee's place on a session: admitted or waitlisted (in sign-up order), and whether
    they attended. One per trainee and session (the unique key)."""

    __tablename__ = "session_signups"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),
                      Index("ix_session_signups_user", "user_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("practical_sessions.id",
                                                       ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))  # admitted | waitlisted | cancelled
    signed_up_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attended: Mapped[bool | None]
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
