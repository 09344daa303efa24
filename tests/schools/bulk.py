"""Fill a school with many trainees fast (bulk inserts), for streaming tests and the benchmark."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from tpcourse.extensions import db
from tpcourse.models import Attempt, CompletionRecord, Enrollment, Quiz, QuizVersion, User

BATCH = 2000


def populate(school_id: int, course_id: int, version_id: int, cohort_id: int | None, count: int,
             now: datetime, start: int = 0) -> None:
    """Add `count` trainees enrolled in the course; every other one completed with a record
    and a passed final-exam attempt."""
    final = db.session.execute(
        select(Quiz.id, QuizVersion.id).join(QuizVersion, QuizVersion.quiz_id == Quiz.id)
        .where(Quiz.slug == "basics-final")).first()
    for offset in range(start, start + count, BATCH):
        size = min(BATCH, start + count - offset)
        users = [{"email": f"bulk{offset + i}@bulk.example", "name": f"Bulk Trainee {offset + i}",
                  "password_hash": "!", "role": "trainee", "school_id": school_id,
                  "active": True, "created_at": now} for i in range(size)]
        ids = list(db.session.execute(
            insert(User).returning(User.id, sort_by_parameter_order=True), users).scalars())
        db.session.execute(insert(Enrollment), [
            {"user_id": uid, "course_id": course_id, "cohort_id": cohort_id,
             "enrolled_at": now - timedelta(days=30)} for uid in ids])
        done = ids[::2]
        if done:
            db.session.execute(insert(CompletionRecord), [
                {"user_id": uid, "course_id": course_id, "course_version_id": version_id,
                 "completed_at": now - timedelta(minutes=uid % 1000), "score": 80.0,
                 "ce_hours": 2.5, "certificate_code": "TP-BULK-" + secrets.token_hex(8).upper(),
                 "expires_at": now + timedelta(days=365)} for uid in done])
            if final is not None:
                db.session.execute(insert(Attempt), [
                    {"id": secrets.token_urlsafe(16), "user_id": uid, "quiz_id": final[0],
                     "quiz_version_id": final[1], "number": 1, "status": "submitted",
                     "started_at": now - timedelta(hours=1), "submitted_at": now,
                     "question_ids": ["f1", "f2"], "orders": {}, "responses": {},
                     "results": [], "score": 2.0, "max_score": 2.0, "percent": 100.0,
                     "passed": True} for uid in done])
        db.session.commit()
