"""Indexes for the hot read queries, declared apart from the models they speed up.

Each is created by migration 0003e; docs/performance.md shows the query plans before and after.
"""

from __future__ import annotations

from sqlalchemy import Index

from .quiz import Attempt
from .record import CompletionRecord

# Item analysis and attempt counts per version: WHERE quiz_version_id = ? AND status IN (...)
ATTEMPTS_BY_VERSION = Index("ix_attempts_version_status", Attempt.quiz_version_id, Attempt.status)
# Attempts of a whole quiz (all trainees): WHERE quiz_id = ? AND status IN (...) GROUP BY version
ATTEMPTS_BY_QUIZ = Index("ix_attempts_quiz_status", Attempt.quiz_id, Attempt.status)
# Exports and the completions API: WHERE completed_at >= since AND completed_at < until
RECORDS_BY_DATE = Index("ix_completion_records_completed_at", CompletionRecord.completed_at)
