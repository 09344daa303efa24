"""Build a sized world for page-query tests and benchmarks: one viewer among many trainees.

`build_world(trainees=1000, questions=50)` loads the fixture course with an intro quiz of
`questions` questions (cycling through every question type), then bulk-inserts the other
trainees with their enrolments, lessons read, a graded attempt each and, for half of them, a
completion record. The viewer is made through the real services (logged in by the caller),
with `own_attempts` submitted attempts, one open attempt and a completion record.
"""

from __future__ import annotations

import copy
import random
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import delete, insert, select

from tests.conftest import CONTENT
from tests.helpers import answer_form
from tpcourse.extensions import db
from tpcourse.models import (
    Attempt,
    CompletionRecord,
    Course,
    CourseVersion,
    Enrollment,
    LessonProgress,
    QuizVersion,
    User,
)

QUIZ = "intro-quiz"
COURSE = "basics"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHEAP_HASH = "pbkdf2:sha256:1$bench$0"  # never matches: bulk trainees do not log in


def write_content(questions: int, root: Path) -> tuple[Path, Path]:
    """Copy the fixture course; write an intro quiz of `questions` questions of every type."""
    lessons, quizzes = root / "lessons", root / "quizzes"
    shutil.copytree(CONTENT / "lessons", lessons)
    shutil.copytree(CONTENT / "quizzes", quizzes)
    source = yaml.safe_load((CONTENT / "quizzes" / f"{QUIZ}.yaml").read_text())
    templates = source["questions"]
    generated = []
    for n in range(questions):
        question = copy.deepcopy(templates[n % len(templates)])
        question["id"] = f"{question['id']}-{n}"
        generated.append(question)
    quiz = {key: value for key, value in source.items()
            if key not in ("max_attempts", "cooldown_minutes")}
    quiz["questions"] = generated
    (quizzes / f"{QUIZ}.yaml").write_text(yaml.safe_dump(quiz, sort_keys=False))
    return lessons, quizzes


@dataclass
class World:
    """What a page test needs to build its URLs."""

    viewer: User
    open_attempt: str
    submitted_attempt: str
    certificate_code: str
    trainees: int
    questions: int


def build_world(make_user, trainees: int, questions: int, own_attempts: int = 1,
                now: datetime = T0) -> World:
    """Load content and people into the (empty) database; return the viewer and ids."""
    from tpcourse.content.loader import load_content
    from tpcourse.services.authoring.content_sync import sync_content
    from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
    from tpcourse.services.learning.learning import enroll, mark_lesson_read

    with tempfile.TemporaryDirectory() as tmp:
        content = load_content(*write_content(questions, Path(tmp)))
        assert content.ok, content.problems
        sync_content(content)
    course = db.session.execute(select(Course).filter_by(slug=COURSE)).scalar_one()
    version = db.session.execute(select(CourseVersion).filter_by(course_id=course.id)).scalar_one()
    quiz, quiz_version = get_quiz(QUIZ)
    viewer = make_user()
    enroll(viewer, course.id)
    mark_lesson_read(viewer, course.id, "01-intro/01-welcome", now)
    rng = random.Random(1)
    submitted = None
    for n in range(own_attempts):
        attempt = start_attempt(viewer, quiz, quiz_version, now + timedelta(minutes=n), rng)
        submit_attempt(attempt.id, viewer, answer_form(attempt, correct=n % 2 == 1),
                       now + timedelta(minutes=n, seconds=30))
        submitted = attempt.id
    open_attempt = start_attempt(viewer, quiz, quiz_version, now + timedelta(hours=1), rng).id
    code = f"TP-VIEW-{trainees:04d}-{questions:04d}"
    db.session.add(CompletionRecord(user_id=viewer.id, course_id=course.id,
                                    course_version_id=version.id, completed_at=now, score=90.0,
                                    ce_hours=version.ce_hours, certificate_code=code))
    db.session.commit()
    add_trainees(trainees - 1, course.id, version.id, quiz.id, quiz_version, now)
    return World(viewer, open_attempt, submitted, code, trainees, questions)


def add_trainees(count: int, course_id: int, course_version_id: int, quiz_id: int,
                 quiz_version: QuizVersion, now: datetime) -> None:
    """Bulk-insert `count` trainees, each enrolled, two lessons read, one graded attempt."""
    if count <= 0:
        return
    ids = [q["id"] for q in quiz_version.data["questions"]]
    first = (db.session.execute(select(db.func.max(User.id))).scalar() or 0) + 1
    users = [{"id": first + n, "email": f"bulk{first + n}@example.com",
              "name": f"Bulk Trainee {n}", "password_hash": CHEAP_HASH, "role": "trainee",
              "active": True, "created_at": now} for n in range(count)]
    db.session.execute(insert(User), users)
    db.session.execute(insert(Enrollment), [
        {"user_id": u["id"], "course_id": course_id, "enrolled_at": now} for u in users])
    db.session.execute(insert(LessonProgress), [
        {"user_id": u["id"], "course_id": course_id, "lesson_key": key, "completed_at": now}
        for u in users for key in ("01-intro/01-welcome", "01-intro/02-holding")])
    db.session.execute(insert(Attempt), [{
        "id": f"bulk-{u['id']}", "user_id": u["id"], "quiz_id": quiz_id,
        "quiz_version_id": quiz_version.id, "number": 1, "status": "submitted",
        "started_at": now, "submitted_at": now, "question_ids": ids, "orders": {},
        "responses": {}, "results": [{"id": q, "points": 1.0, "score": 1.0, "must_pass": False}
                                     for q in ids],
        "score": float(len(ids)), "max_score": float(len(ids)), "percent": 100.0,
        "passed": True} for u in users])
    db.session.execute(insert(CompletionRecord), [{
        "user_id": u["id"], "course_id": course_id, "course_version_id": course_version_id,
        "completed_at": now, "score": 100.0, "ce_hours": 2.5,
        "certificate_code": f"TP-BULK-{u['id']:06d}"} for u in users[::2]])
    db.session.commit()


def empty_database() -> None:
    """Delete every row, children first (between two worlds in one test)."""
    db.session.remove()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()

