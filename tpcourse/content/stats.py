"""Curriculum statistics per course: coverage of objectives, question types, safety items."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .loader import ContentSet

MIN_QUESTIONS_PER_OBJECTIVE = 3


@dataclass
class CourseStats:
    """Numbers an instructor checks before publishing a course."""

    slug: str
    lessons: int = 0
    words: int = 0
    minutes: int = 0
    questions: int = 0
    by_type: Counter = field(default_factory=Counter)
    by_objective: Counter = field(default_factory=Counter)
    must_pass: int = 0
    under_covered: list[str] = field(default_factory=list)
    missing_explanation: list[str] = field(default_factory=list)
    missing_feedback: list[str] = field(default_factory=list)
    quizzes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every objective is covered and every question explained."""
        return not self.under_covered and not self.missing_explanation


def course_stats(content: ContentSet) -> list[CourseStats]:
    """Compute the statistics of every course in a loaded content set."""
    result = []
    for course in content.courses:
        stats = CourseStats(course.slug)
        for module in course.modules:
            stats.lessons += len(module.lessons)
            stats.words += sum(lesson.words for lesson in module.lessons)
            stats.minutes += sum(lesson.minutes for lesson in module.lessons)
        slugs = [m.quiz for m in course.modules if m.quiz] + (
            [course.final_exam] if course.final_exam else [])
        stats.quizzes = [s for s in slugs if s in content.quizzes]
        for slug in stats.quizzes:
            for question in content.quizzes[slug].data["questions"]:
                _count(stats, slug, question)
        stats.under_covered = sorted(
            code for code in course.objective_codes()
            if stats.by_objective[code] < MIN_QUESTIONS_PER_OBJECTIVE)
        result.append(stats)
    return result


def _count(stats: CourseStats, slug: str, question: dict) -> None:
    where = f"{slug}/{question['id']}"
    stats.questions += 1
    stats.by_type[question["type"]] += 1
    if question.get("objective"):
        stats.by_objective[question["objective"]] += 1
    stats.must_pass += bool(question.get("must_pass"))
    if not question.get("explanation"):
        stats.missing_explanation.append(where)
    if question["type"] in ("single", "multiple") and any(
        not o["correct"] and not o.get("feedback") for o in question["options"]
    ):
        stats.missing_feedback.append(where)


def format_stats(stats: CourseStats) -> list[str]:
    """Render one course's statistics as lines for the terminal."""
    lines = [
        f"course {stats.slug}",
        f"  lessons {stats.lessons}, words {stats.words}, minutes {stats.minutes}",
        f"  quizzes {', '.join(stats.quizzes)}",
        f"  questions {stats.questions}, must_pass {stats.must_pass}",
        "  by type: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.by_type.items())),
        "  by objective: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.by_objective.items())),
    ]
    if stats.under_covered:
        lines.append(f"  objectives with fewer than {MIN_QUESTIONS_PER_OBJECTIVE} questions: "
                     + ", ".join(stats.under_covered))
    if stats.missing_explanation:
        lines.append("  questions without an explanation: " + ", ".join(stats.missing_explanation))
    if stats.missing_feedback:
        lines.append("  choice questions with a wrong option lacking feedback: "
                     + ", ".join(stats.missing_feedback))
    return lines
