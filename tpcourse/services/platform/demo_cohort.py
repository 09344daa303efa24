"""The demo school's class: a dozen trainees at different stages of the course.

Built once, through the same services a real class goes through (lessons read, attempts
started and graded, skills signed off, an evaluation sent, records issued), so the school
dashboard, item analysis, the skills sheet and the "expiring soon" list show something real on
the first run. Dates are spread over the past weeks; one trainee was certified long enough ago
that the certificate expires within the month.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ...extensions import db
from ...grading.types import question_type
from ...models import PASSWORD_NOT_CHOSEN, Cohort, School, User
from ...models.types import utcnow
from ..accounts.accounts import create_user, find_user_by_email
from ..certification.evaluation import submit_evaluation
from ..certification.skills import sign_off
from ..exams.attempts import StartRefused, finish_saved, get_quiz, start_attempt
from ..learning.learning import current_version, enroll, mark_lesson_read
from ..schools.cohorts import create_cohort

COHORT_NAME = "Spring class (demo)"


@dataclass(frozen=True)
class Stage:
    """How far a demo trainee got: lessons read, module quizzes passed, final, sign-offs."""

    lessons: float  # share of the lessons read (at least one when above 0)
    quizzes_passed: int | str = 0
    quiz_failed: bool = False  # one failed attempt at the next module quiz
    final: str = ""  # "", "failed", "passed"
    certified_days_ago: int | None = None  # the whole course done this long ago
    expiring: bool = False  # certified so long ago that the certificate expires in 25 days


CLASS = (
    ("Amara Okafor", Stage(lessons=0)),
    ("Ben Castillo", Stage(lessons=0.1)),
    ("Chloe Nguyen", Stage(lessons=0.25)),
    ("Dev Patel", Stage(lessons=0.35, quizzes_passed=1)),
    ("Elena Rossi", Stage(lessons=0.5, quizzes_passed=1, quiz_failed=True)),
    ("Farid Haddad", Stage(lessons=0.7, quizzes_passed=2)),
    ("Grace Kim", Stage(lessons=1, quizzes_passed=3, quiz_failed=True)),
    ("Hugo Lindqvist", Stage(lessons=1, quizzes_passed="all")),
    ("Isla Murphy", Stage(lessons=1, quizzes_passed="all", final="failed")),
    ("Jonas Weber", Stage(lessons=1, quizzes_passed="all", final="passed")),
    ("Keiko Tanaka", Stage(lessons=1, quizzes_passed="all", final="passed",
                           certified_days_ago=12)),
    ("Luis Romero", Stage(lessons=1, quizzes_passed="all", final="passed",
                          certified_days_ago=0, expiring=True)),
)


def demo_email(name: str) -> str:
    """The demo address of a class member (example.org: forms accept it, nothing is sent)."""
    return name.lower().replace(" ", ".") + "@example.org"


def build_demo_class(school: School, course_slug: str, instructor: User,
                     now: datetime | None = None) -> Cohort | None:
    """Create the demo cohort and its trainees once; None when it exists already."""
    now = now or utcnow()
    existing = db.session.execute(select(Cohort).filter_by(
        school_id=school.id, name=COHORT_NAME)).scalar_one_or_none()
    if existing is not None:
        return None
    version = current_version(course_slug, with_lessons=True)
    course = Outline(
        course_id=version.course_id, slug=course_slug,
        lessons=[f"{m.slug}/{lesson.slug}" for m in version.modules for lesson in m.lessons],
        quizzes=[m.quiz_slug for m in version.modules if m.quiz_slug],
        final=version.final_exam_slug,
        skills=[skill["key"] for skill in version.practical_skills or []],
        evaluation=list(version.evaluation or []),
        valid_days=version.certificate_valid_days)
    cohort = create_cohort(school, COHORT_NAME, course.course_id, "demo", now - timedelta(60))
    rng = random.Random(20261203)
    for index, (name, stage) in enumerate(CLASS):
        user = find_user_by_email(demo_email(name))
        if user is None:
            user = create_user(demo_email(name), name, None, "trainee", school.slug,
                               password_hash=PASSWORD_NOT_CHOSEN)
        enroll(user, course.course_id, cohort.id)
        days_ago = 40 - 3 * index
        if stage.certified_days_ago is not None:
            days_ago = stage.certified_days_ago
            if stage.expiring and course.valid_days:
                days_ago = course.valid_days - 25
        _progress(user, course, stage, instructor, now - timedelta(days=days_ago), rng)
    return cohort


@dataclass(frozen=True)
class Outline:
    """What the walk through the course needs, read once (rows expire at every commit)."""

    course_id: int
    slug: str
    lessons: list[str]
    quizzes: list[str]
    final: str | None
    skills: list[str]
    evaluation: list[dict]
    valid_days: int | None


def _progress(user: User, course: Outline, stage: Stage, instructor: User,
              start: datetime, rng: random.Random) -> None:
    """Walk one trainee through the course from `start`, an hour per step."""
    clock = [start]

    def tick() -> datetime:
        clock[0] += timedelta(hours=1)
        return clock[0]

    keys, quizzes = course.lessons, course.quizzes
    read = max(round(len(keys) * stage.lessons), 1 if stage.lessons else 0)
    for key in keys[:read]:
        mark_lesson_read(user, course.course_id, key, tick())
    passed = len(quizzes) if stage.quizzes_passed == "all" else stage.quizzes_passed
    for slug in quizzes[:passed]:
        _sit(user, slug, 1.0, tick(), rng)
    if stage.quiz_failed and passed < len(quizzes):
        _sit(user, quizzes[passed], 0.3, tick(), rng)
    if stage.final and course.final:
        _sit(user, course.final, 0.95 if stage.final == "passed" else 0.4, tick(),
             rng)
    if stage.certified_days_ago is None:
        return
    for skill in course.skills:
        when = tick()
        sign_off(instructor, course.slug, user.id, skill, when.date(),
                 "Assessed in the demo practical session.", when)
    if course.evaluation:
        answers = {q["id"]: "5" if q["type"] == "rating" else "More practice time, please."
                   for q in course.evaluation}
        submit_evaluation(user, course.slug, answers, tick())


def _sit(user: User, slug: str, share_right: float, when: datetime,
         rng: random.Random) -> None:
    """Start an attempt and submit it with about `share_right` of the questions answered
    right (the rest left blank), graded by the real grading path."""
    quiz, version = get_quiz(slug)
    try:
        attempt = start_attempt(user, quiz, version, when, rng=rng)
    except StartRefused:  # a locked step (the course's sequencing): this trainee is not there
        db.session.rollback()
        return
    by_id = {q["id"]: q for q in version.data["questions"]}
    ids = list(attempt.question_ids)
    right = set(ids if share_right >= 1 else rng.sample(ids, round(len(ids) * share_right)))
    if share_right < 1:  # a "nearly" attempt still misses a must-pass question sometimes
        right |= {qid for qid in ids if by_id[qid].get("must_pass")} if share_right > 0.9 else set()
    attempt.responses = {qid: question_type(by_id[qid]["type"]).key_response(by_id[qid])
                         for qid in ids if qid in right}
    db.session.commit()
    finish_saved(attempt.id, user, when + timedelta(minutes=12))
