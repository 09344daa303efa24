"""Turn a page of roster rows into export rows and progress figures, one query per kind of data.

Shared by the dashboard and the exports, so both show the same completion dates, scores and
certificate statuses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select

from ...extensions import db
from ...grading.attempts import counting_attempt
from ...grading.practical import describe_levels
from ...models import (
    Attempt,
    Course,
    CourseVersion,
    Lesson,
    LessonProgress,
    Module,
    Quiz,
    QuizVersion,
    School,
    SkillSignoff,
    User,
)
from ...records.rows import CompletionRow, QuizOutcome, SkillOutcome

Key = tuple[int, int]  # (user id, course id)


@dataclass(frozen=True)
class Outline:
    """What progress is measured against in one course version."""

    lesson_keys: frozenset[str]
    module_quizzes: tuple[str, ...]


@dataclass(frozen=True)
class Progress:
    """One trainee's progress in one course, as the dashboard shows it."""

    lessons_read: int
    lessons_total: int
    quizzes_passed: int
    quizzes_total: int
    final_exam: str  # none | not_taken | passed | failed
    final_percent: float | None

    @staticmethod
    def share(done: int, total: int) -> int:
        """Percent of `total` that `done` is (100 when there is nothing to do)."""
        return round(100 * done / total) if total else 100


def attempts_query() -> Select:
    """Select the submitted, graded attempts with what an outcome shows, oldest first (to be
    narrowed to some trainees and courses)."""
    return (select(Attempt.id, Attempt.user_id, Attempt.submitted_at, Attempt.score,
                   Attempt.max_score, Attempt.percent, Attempt.passed, Quiz.slug, Quiz.course_id,
                   QuizVersion.title,
                   QuizVersion.data["grading"].as_string().label("grading"))
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .join(QuizVersion, QuizVersion.id == Attempt.quiz_version_id)
            .where(Attempt.submitted_at.is_not(None),
                   Attempt.passed.is_not(None))  # essays awaiting grading: no outcome yet
            .order_by(Attempt.submitted_at, Attempt.id))


def outcomes_of(found: Iterable[Any], wanted: set[Key]) -> dict[Key, list[Any]]:
    """Group attempts by (user, course), keeping the wanted keys only."""
    outcomes: dict[Key, list[Any]] = defaultdict(list)
    for attempt in found:
        key = (attempt.user_id, attempt.course_id)
        if key in wanted:
            outcomes[key].append(attempt)
    return outcomes


def quiz_outcomes_for(page: Sequence[Any]) -> dict[Key, list[Any]]:
    """Load every submitted attempt of the page's trainees on the page's courses (one query)."""
    if not page:
        return {}
    wanted = {(row.user_id, row.course_id) for row in page}
    found = db.session.execute(attempts_query().where(
        Attempt.user_id.in_({user for user, _ in wanted}),
        Quiz.course_id.in_({course for _, course in wanted}))).all()
    return outcomes_of(found, wanted)


def outlines_for(version_ids: Iterable[int]) -> dict[int, Outline]:
    """Load lesson keys and module quizzes of some course versions (one query)."""
    ids = set(version_ids)
    if not ids:
        return {}
    found = db.session.execute(
        select(Module.course_version_id, Module.slug, Module.quiz_slug, Lesson.slug.label("lesson"))
        .outerjoin(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_version_id.in_(ids))
        .order_by(Module.course_version_id, Module.position, Lesson.position)).all()
    lessons: dict[int, set[str]] = defaultdict(set)
    quizzes: dict[int, dict[str, str | None]] = defaultdict(dict)
    for row in found:
        if row.lesson is not None:
            lessons[row.course_version_id].add(f"{row.slug}/{row.lesson}")
        quizzes[row.course_version_id][row.slug] = row.quiz_slug
    return {vid: Outline(frozenset(lessons[vid]), tuple(q for q in quizzes[vid].values() if q))
            for vid in ids}


def _read_keys(page: Sequence[Any]) -> dict[Key, set[str]]:
    """Load the lessons the page's trainees read in the page's courses (one query)."""
    wanted = {(row.user_id, row.course_id) for row in page}
    found = db.session.execute(
        select(LessonProgress.user_id, LessonProgress.course_id, LessonProgress.lesson_key)
        .where(LessonProgress.user_id.in_({u for u, _ in wanted}),
               LessonProgress.course_id.in_({c for _, c in wanted}))).all()
    read: dict[Key, set[str]] = defaultdict(set)
    for row in found:
        read[(row.user_id, row.course_id)].add(row.lesson_key)
    return read


def counted_final(attempts: Sequence[Any], final_exam: str | None) -> Any | None:
    """Return the final-exam attempt that counts under the quiz's grading mode, if any."""
    finals = [a for a in attempts if final_exam and a.slug == final_exam]
    return counting_attempt(finals, finals[0].grading or "highest") if finals else None


def progress_for(page: Sequence[Any], outlines: dict[int, Outline],
                 outcomes: dict[Key, list[Any]]) -> dict[Key, Progress]:
    """Work out each row's lessons read, quizzes passed and final-exam state (one query)."""
    read = _read_keys(page) if page else {}
    progress = {}
    for row in page:
        key = (row.user_id, row.course_id)
        outline = outlines.get(row.version_id, Outline(frozenset(), ()))
        attempts = outcomes.get(key, [])
        passed = {a.slug for a in attempts if a.passed}
        counted = counted_final(attempts, row.final_exam)
        if not row.final_exam:
            final = "none"
        elif row.final_exam in passed:
            final = "passed"
        else:
            final = "failed" if counted is not None else "not_taken"
        progress[key] = Progress(
            lessons_read=len(read.get(key, set()) & outline.lesson_keys),
            lessons_total=len(outline.lesson_keys),
            quizzes_passed=sum(1 for slug in outline.module_quizzes if slug in passed),
            quizzes_total=len(outline.module_quizzes),
            final_exam=final,
            final_percent=counted.percent if counted is not None else None,
        )
    return progress


def certificate_status(row: Any, now: datetime) -> str | None:
    """Return valid, expired or revoked for a completed row (as CompletionRecord.status does)."""
    if row.completed_at is None:
        return None
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and now >= row.expires_at:
        return "expired"
    return "valid"


def _outcome(attempt: Any, final_exam: str | None) -> QuizOutcome:
    return QuizOutcome(
        quiz_slug=attempt.slug, quiz_title=attempt.title, attempt_id=attempt.id,
        submitted_at=attempt.submitted_at, score=float(attempt.score or 0),
        max_score=float(attempt.max_score or 0), percent=float(attempt.percent or 0),
        passed=bool(attempt.passed), is_final_exam=attempt.slug == final_exam)


def _in_cycle(attempts: list[Any], row: Any) -> list[Any]:
    """The attempts of the row's certification cycle: after the record it renews was issued,
    and up to its own issue unless it is the newest (later attempts belong to the newest).
    Each attempt lands in exactly one row, so no statement is exported twice."""
    after = getattr(row, "renews_completed_at", None)
    newest = getattr(row, "newest", True) or row.completed_at is None
    return [a for a in attempts
            if (after is None or a.submitted_at > after)
            and (newest or a.submitted_at <= row.completed_at)]


def signoffs_query() -> Select:
    """Select the practical-skill sign-offs with their assessors and the course's skills, in
    the order signed (to be narrowed to some trainees and courses)."""
    return (select(SkillSignoff.user_id, SkillSignoff.course_id, SkillSignoff.skill_key,
                   SkillSignoff.signed_at, SkillSignoff.place, SkillSignoff.levels,
                   User.name, CourseVersion.practical_skills)
            .join(User, User.id == SkillSignoff.signed_by_id)
            .join(Course, Course.id == SkillSignoff.course_id)
            .join(CourseVersion, (CourseVersion.course_id == Course.id)
                  & (CourseVersion.version == Course.current_version))
            .order_by(SkillSignoff.signed_at, SkillSignoff.id))


def skills_of(found: Iterable[Any], wanted: set[Key]) -> dict[Key, list[SkillOutcome]]:
    """Turn sign-off rows into SkillOutcomes by (user, course), keeping the wanted keys only."""
    skills: dict[Key, list[SkillOutcome]] = defaultdict(list)
    for user_id, course_id, skill_key, signed_at, place, levels, assessor, practical in found:
        key = (user_id, course_id)
        skill = next((s for s in practical or [] if s["key"] == skill_key), None)
        if key in wanted and skill is not None:
            skills[key].append(SkillOutcome(
                skill_key, skill["text"], signed_at, assessor, place,
                tuple(describe_levels(skill.get("rubric") or [], levels))))
    return skills


def skill_outcomes_for(page: Sequence[Any]) -> dict[Key, list[SkillOutcome]]:
    """Load the practical-skill sign-offs of the page's trainees in the page's courses, with
    their assessors and the rubric's levels (one query)."""
    if not page:
        return {}
    wanted = {(row.user_id, row.course_id) for row in page}
    found = db.session.execute(signoffs_query().where(
        SkillSignoff.user_id.in_({user for user, _ in wanted}),
        SkillSignoff.course_id.in_({course for _, course in wanted}))).all()
    return skills_of(found, wanted)


def build_rows(page: Sequence[Any], school: School, outcomes: dict[Key, list[Any]],
               now: datetime, site_url: str,
               skills: dict[Key, list[SkillOutcome]] | None = None) -> list[CompletionRow]:
    """Build the export rows of a page; no query."""
    return list(each_row(page, school, outcomes, now, site_url, skills))


def each_row(page: Iterable[Any], school: School, outcomes: dict[Key, list[Any]],
             now: datetime, site_url: str,
             skills: dict[Key, list[SkillOutcome]] | None = None) -> Iterator[CompletionRow]:
    """Yield the export rows of a page one at a time (an export formats each and lets it go,
    so a page's rows are never all alive at once); no query. What is the same for every row
    is looked up once, before the loop."""
    verify = f"{site_url.rstrip('/')}/verify/"
    school_slug, school_name = school.slug, school.name
    skills = skills or {}
    for row in page:
        key = (row.user_id, row.course_id)
        found = outcomes.get(key)
        attempts = _in_cycle(found, row) if found else ()
        completed_at, final_exam = row.completed_at, row.final_exam
        if completed_at is not None:
            final_score = row.score
        else:
            counted = counted_final(attempts, final_exam)
            final_score = counted.percent if counted is not None else None
        code = row.certificate_code
        signoffs = skills.get(key)
        yield CompletionRow(
            trainee_id=row.user_id, name=row.name, email=row.email,
            school_slug=school_slug, school_name=school_name, cohort=row.cohort,
            course_slug=row.course_slug, course_title=row.course_title,
            course_version=row.course_version, ce_hours=float(row.ce_hours),
            enrolled_at=row.enrolled_at, completed_at=completed_at,
            final_score=final_score, certificate_code=code,
            certificate_status=certificate_status(row, now),
            issued_at=completed_at, expires_at=row.expires_at,
            verify_url=verify + code if code else None,
            quiz_outcomes=tuple([_outcome(a, final_exam) for a in attempts]) if attempts else (),
            cycle=getattr(row, "cycle", None),
            renews_certificate_code=getattr(row, "renews_code", None),
            skill_signoffs=tuple(signoffs) if signoffs else (),
        )
