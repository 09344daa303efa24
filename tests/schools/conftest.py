"""Two schools with cohorts and trainees at every stage, built through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.helpers import answer_form
from tpcourse.models import Cohort, Course, School, User
from tpcourse.services.accounts.accounts import ensure_school
from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
from tpcourse.services.learning.learning import mark_lesson_read
from tpcourse.services.schools import cohorts

LESSONS = ("01-intro/01-welcome", "01-intro/02-holding", "02-safety/01-red-flags")
QUIZZES = ("intro-quiz", "safety-quiz", "basics-final")


def take_quiz(user: User, slug: str, now, correct: bool = True):
    """Start and submit an attempt, answering every question right (or wrong)."""
    quiz, version = get_quiz(slug)
    attempt = start_attempt(user, quiz, version, now)
    form = {key: value if isinstance(value, list) else [value]
            for key, value in answer_form(attempt, correct).items()}
    return submit_attempt(attempt.id, user, form, now).attempt


def complete_course(user: User, course_id: int, clock) -> None:
    """Read every lesson and pass every quiz: the completion record is created."""
    for key in LESSONS:
        mark_lesson_read(user, course_id, key, clock.now)
    for slug in QUIZZES:
        clock.advance(minutes=5)
        take_quiz(user, slug, clock.now)


@dataclass
class World:
    """Who and what the school tests use."""

    north: School
    south: School
    course: Course
    spring: Cohort  # north's cohort
    autumn: Cohort  # south's cohort
    north_admin: User
    south_admin: User
    done: User      # north, completed
    partial: User   # north, one lesson read and the final failed
    idle: User      # north, joined only
    loner: User     # north by school, enrolled without a cohort
    south_done: User


@pytest.fixture(autouse=True)
def fast_passwords(monkeypatch):
    """Hash test passwords with one PBKDF2 round: the real cost is tested elsewhere."""
    from werkzeug.security import generate_password_hash

    monkeypatch.setattr("tpcourse.services.accounts.accounts.generate_password_hash",
                        lambda password: generate_password_hash(password, "pbkdf2:sha256:1"))


@pytest.fixture
def world(make_user, content, db, clock) -> World:
    """Build two schools, one cohort each on the fixture course, and trainees at each stage."""
    from tpcourse.services.learning.learning import enroll

    north = ensure_school("north", "North Massage School", provider_name="North CE Institute",
                          provider_number="CE-N-0001", contact_email="office@north.example")
    south = ensure_school("south", "South Bodywork College")
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    spring = cohorts.create_cohort(north, "Spring 2026", course.id, None, clock.now)
    autumn = cohorts.create_cohort(south, "Autumn 2026", course.id, None, clock.now)
    people = {
        "north_admin": make_user(role="school_admin", school="north"),
        "south_admin": make_user(role="school_admin", school="south"),
        "done": make_user(name="Zoë Müller", email="zoe@north.example"),
        "partial": make_user(name="Ann Partial", email="ann@north.example"),
        "idle": make_user(name="Ian Idle", email="ian@north.example"),
        "loner": make_user(name="Lou Loner", email="lou@north.example", school="north"),
        "south_done": make_user(name="Sam South", email="sam@south.example"),
    }
    for key in ("done", "partial", "idle"):
        cohorts.join_cohort(people[key], spring.invite_code, clock.now)
    cohorts.join_cohort(people["south_done"], autumn.invite_code, clock.now)
    enroll(people["loner"], course.id)
    complete_course(people["done"], course.id, clock)
    complete_course(people["south_done"], course.id, clock)
    mark_lesson_read(people["partial"], course.id, LESSONS[0], clock.now)
    clock.advance(minutes=5)
    take_quiz(people["partial"], "basics-final", clock.now, correct=False)
    clock.advance(hours=1)
    db.session.expire_all()
    return World(north=north, south=south, course=course, spring=spring, autumn=autumn,
                 **people)


def later(clock, **delta):
    """Move the clock on and return the new time."""
    clock.now += timedelta(**delta)
    return clock.now
