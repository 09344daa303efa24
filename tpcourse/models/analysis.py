"""Item analysis kept between page loads: one snapshot per quiz version and selection mode."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime


class AnalysisSnapshot(db.Model):
    """The analysis of a version's graded attempts as it stood when computed.

    `graded`, `last_submitted_at` and `score_sum` are the stamp of the attempts it was computed
    from: the page compares them with the attempts now (one aggregate query) to tell a current
    snapshot from a stale one (a new grade changes the count and the latest submission; an
    override changes the score sum)."""

    __tablename__ = "analysis_snapshots"
    __table_args__ = (UniqueConstraint("quiz_version_id", "mode",
                                       name="uq_analysis_snapshots_version_mode"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_version_id: Mapped[int] = mapped_column(ForeignKey("quiz_versions.id",
                                                            ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(10))
    graded: Mapped[int]
    last_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_sum: Mapped[float | None]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    report: Mapped[str] = mapped_column(Text)  # the QuizAnalysis as JSON (msgspec)
