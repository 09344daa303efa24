"""How much measured time a course holds, and so how many CE hours it may honestly claim.

A CE hour is a measured hour of instruction: NCBTMB counts 50 to 60 minutes. Home study is
the lessons' stated minutes plus the time the quizzes take (a minute per drawn question,
never more than a quiz's time limit); hands-on time is the scheduled, supervised practice a
course declares in `hands_on_minutes`. A course may claim at most one CE hour per
MINUTES_PER_CE_HOUR of each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import CourseSpec, QuizSpec

MINUTES_PER_CE_HOUR = 50
"""The shortest CE hour an approver counts; no course claims an hour for less time."""
MINUTES_PER_QUESTION = 1
"""Assessment time counted for each question an attempt draws."""


def drawn_count(quiz: Mapping[str, Any]) -> int:
    """Return how many questions one attempt holds."""
    questions, draw = quiz["questions"], quiz.get("draw") or {}
    fixed = sum(1 for q in questions if q.get("pool") not in draw)
    pooled = sum(min(count, sum(1 for q in questions if q.get("pool") == pool))
                 for pool, count in draw.items())
    return fixed + pooled


def quiz_minutes(quiz: Mapping[str, Any]) -> float:
    """Return the assessment time counted for one pass through a quiz."""
    minutes = drawn_count(quiz) * MINUTES_PER_QUESTION
    limit = quiz.get("time_limit_minutes")
    return float(min(minutes, limit) if limit else minutes)


@dataclass
class CourseTime:
    """A course's measured time, in minutes, and the CE hours it can carry."""

    lesson_minutes: int = 0
    quiz_minutes: dict[str, float] = field(default_factory=dict)
    hands_on_minutes: int = 0

    @property
    def home_study_minutes(self) -> float:
        """Lessons plus quizzes."""
        return self.lesson_minutes + sum(self.quiz_minutes.values())

    @property
    def most_home_study_hours(self) -> float:
        """The most home-study CE hours the time holds."""
        return self.home_study_minutes / MINUTES_PER_CE_HOUR

    @property
    def most_hands_on_hours(self) -> float:
        """The most hands-on CE hours the declared practice time holds."""
        return self.hands_on_minutes / MINUTES_PER_CE_HOUR


def course_time(course: CourseSpec, quizzes: Mapping[str, QuizSpec]) -> CourseTime:
    """Measure a course: its lessons, its module quizzes and final exam, its hands-on time."""
    slugs = [m.quiz for m in course.modules if m.quiz] + (
        [course.final_exam] if course.final_exam else [])
    return CourseTime(
        lesson_minutes=sum(lesson.minutes for m in course.modules for lesson in m.lessons),
        quiz_minutes={s: quiz_minutes(quizzes[s].data) for s in slugs if s in quizzes},
        hands_on_minutes=course.hands_on_minutes)


def ce_hour_problems(course: CourseSpec, time: CourseTime) -> list[str]:
    """Return a sentence for each CE claim the course's time does not hold."""
    problems = []
    home = course.home_study_ce_hours
    if home > time.most_home_study_hours + 1e-9:
        problems.append(
            f"the course claims {home:g} home-study CE hours but holds "
            f"{time.lesson_minutes} lesson minutes + {sum(time.quiz_minutes.values()):g} quiz "
            f"minutes = {time.home_study_minutes:g} minutes: at {MINUTES_PER_CE_HOUR} minutes "
            f"per CE hour that is at most {_down(time.most_home_study_hours)} hours. Add "
            "instruction or state the hours it earns")
    if course.hands_on_ce_hours > time.most_hands_on_hours + 1e-9:
        problems.append(
            f"the course claims {course.hands_on_ce_hours:g} hands-on CE hours but declares "
            f"{time.hands_on_minutes} minutes of hands-on practice: at most "
            f"{_down(time.most_hands_on_hours)} hours")
    return problems


def _down(hours: float) -> str:
    """Write hours rounded down to the quarter hour, so the figure is itself claimable."""
    return f"{int(hours * 4) / 4:g}"
