"""What the studio shows beyond editing: course listings, version history, previews."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from ...content.drafts import QuizDiff, diff_quizzes
from ...extensions import db
from ...grading.attempts import draw_attempt, grade_attempt
from ...grading.types import FormData
from ...models import (
    Attempt,
    Course,
    CourseInstructor,
    CourseVersion,
    Quiz,
    QuizDraft,
    QuizVersion,
    User,
)
from ...permissions.roles import is_admin
from ..exams.attempts import read_responses, response_errors
from .quizzes import Workspace, preview_data, workspace


def authored_courses(user: User) -> list[CourseVersion]:
    """Return the current version of each course the user may author (every one for admins)."""
    query = (select(CourseVersion).join(Course, Course.id == CourseVersion.course_id)
             .where(CourseVersion.version == Course.current_version)
             .order_by(CourseVersion.title))
    if not is_admin(user):
        query = query.join(CourseInstructor, CourseInstructor.course_id == Course.id).where(
            CourseInstructor.user_id == user.id)
    return list(db.session.execute(query).scalars())


@dataclass
class QuizSummary:
    """One quiz of a course as the studio lists it."""

    slug: str
    title: str
    version: int | None
    draft_saved: datetime | None
    module: str | None


def course_quizzes(version: CourseVersion) -> list[QuizSummary]:
    """List a course's quizzes, published or only drafted, in module order (three queries)."""
    quizzes = db.session.execute(
        select(Quiz, QuizVersion).join(QuizVersion, QuizVersion.quiz_id == Quiz.id)
        .where(Quiz.course_id == version.course_id, QuizVersion.version == Quiz.current_version)
    ).all()
    drafts = {d.slug: d for d in db.session.execute(
        select(QuizDraft).where(QuizDraft.course_id == version.course_id)).scalars()}
    modules = {m.quiz_slug: m.title for m in version.modules if m.quiz_slug}
    if version.final_exam_slug:
        modules[version.final_exam_slug] = "Final exam"
    rows = {}
    for quiz, current in quizzes:
        draft = drafts.get(quiz.slug)
        rows[quiz.slug] = QuizSummary(quiz.slug, current.title, current.version,
                                      draft.updated_at if draft else None, modules.get(quiz.slug))
    for slug, draft in drafts.items():
        if slug not in rows:
            rows[slug] = QuizSummary(slug, str(draft.data.get("title") or slug), None,
                                     draft.updated_at, modules.get(slug))
    order = list(modules)
    return sorted(rows.values(), key=lambda q: (order.index(q.slug) if q.slug in order
                                                else len(order), q.slug))


@dataclass
class VersionEntry:
    """One published version, what changed from the one before, and its attempts."""

    version: QuizVersion
    diff: QuizDiff
    attempts: int


def quiz_history(user: User, slug: str) -> tuple[Workspace, list[VersionEntry], QuizDiff | None]:
    """Return every version newest first with its diff, and the draft's diff from current."""
    ws = workspace(user, slug)
    if ws.quiz is None:
        return ws, [], diff_quizzes(None, ws.data) if ws.draft else None
    versions = list(db.session.execute(select(QuizVersion).filter_by(quiz_id=ws.quiz.id)
                                       .order_by(QuizVersion.version)).scalars())
    counts = dict(db.session.execute(
        select(Attempt.quiz_version_id, func.count()).where(Attempt.quiz_id == ws.quiz.id)
        .group_by(Attempt.quiz_version_id)).all())
    entries, previous = [], None
    for version in versions:
        entries.append(VersionEntry(version, diff_quizzes(previous, version.data),
                                    counts.get(version.id, 0)))
        previous = version.data
    pending = diff_quizzes(ws.version.data if ws.version else None, ws.data) if ws.draft else None
    return ws, list(reversed(entries)), pending


@dataclass
class PreviewAttempt:
    """Stands in for an Attempt in the quiz templates; never stored."""

    quiz_version: SimpleNamespace
    question_ids: list[str]
    orders: dict[str, list[str]]
    deadline: datetime | None
    responses: dict[str, Any] = field(default_factory=dict)
    results: list[dict[str, Any]] | None = None
    number: int = 1
    status: str = "in_progress"
    score: float | None = None
    max_score: float | None = None
    percent: float | None = None
    passed: bool | None = None
    submitted_at: datetime | None = None


def preview_attempt(user: User, slug: str, seed: int, now: datetime,
                    form: FormData | None = None, grade: bool = False
                    ) -> tuple[PreviewAttempt, dict[str, str]]:
    """Draw the quiz as a trainee would get it (same seed, same draw) and grade it if asked.

    Nothing is written: the instructor's preview attempt is not an Attempt row.
    """
    data = preview_data(user, slug)
    draw = draw_attempt(data, random.Random(seed))
    limit = data.get("time_limit_minutes")
    attempt = PreviewAttempt(SimpleNamespace(data=data, quiz=SimpleNamespace(slug=slug)),
                             draw.question_ids, draw.orders,
                             now + timedelta(minutes=limit) if limit else None)
    if form is None:
        return attempt, {}
    attempt.responses.update(read_responses(attempt, form))
    errors = response_errors(attempt, attempt.responses)
    if grade and not errors:
        result = grade_attempt(data, attempt.question_ids, attempt.responses)
        attempt.results = [{"id": r.question_id, "points": r.points, "score": r.score,
                            "must_pass": r.must_pass} for r in result.results]
        attempt.status, attempt.submitted_at = "submitted", now
        attempt.score, attempt.max_score = result.score, result.max_score
        attempt.percent, attempt.passed = result.percent, result.passed
    return attempt, errors
