"""Curriculum statistics per course: coverage, item quality, safety draws and CE time."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..grading.draws import always_drawn, always_examines
from .ce_time import MINUTES_PER_CE_HOUR, CourseTime, course_time
from .clues import find_clues
from .loader import ContentSet, guessable_must_pass

MIN_QUESTIONS_PER_OBJECTIVE = 3
NEAR_CHANCE = 0.10
"""How far above chance the share of longest-option keys may sit before a quiz is flagged."""
ABSOLUTE_WORDS = ("always", "never", "all", "none", "every", "only", "fully", "completely",
                  "entirely", "definitely", "certainly", "guaranteed", "impossible", "nothing",
                  "nobody", "must")
"""Words that tend to mark a statement false, so a test-wise trainee can guess."""
_ABSOLUTE = re.compile(r"\b(" + "|".join(ABSOLUTE_WORDS) + r")\b", re.I)
_PLAIN_ENGLISH = {"all", "only", "must"}  # too common in options to mark them false by themselves


@dataclass
class QuizStats:
    """Item-quality and safety figures for one quiz."""

    slug: str
    singles: int = 0
    longest_keys: int = 0
    chance: float = 0.0
    must_pass: int = 0
    must_pass_always: int = 0
    clue_pairs: list[tuple[str, str]] = field(default_factory=list)
    absolute_words: list[str] = field(default_factory=list)
    guessable_must_pass: list[str] = field(default_factory=list)

    @property
    def longest_key_share(self) -> float:
        """The share of single-choice keys that are strictly the longest option."""
        return self.longest_keys / self.singles if self.singles else 0.0

    @property
    def key_length_flagged(self) -> bool:
        """Whether the longest option is the key noticeably more often than chance."""
        return self.singles >= 5 and self.longest_key_share > self.chance + NEAR_CHANCE


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
    quiz_stats: list[QuizStats] = field(default_factory=list)
    safety_left_out: list[str] = field(default_factory=list)
    time: CourseTime = field(default_factory=CourseTime)
    ce_hours: float = 0.0
    hands_on_ce_hours: float = 0.0

    @property
    def ce_over(self) -> bool:
        """Whether the course claims more CE hours than its measured time holds."""
        return (self.ce_hours - self.hands_on_ce_hours > self.time.most_home_study_hours + 1e-9
                or self.hands_on_ce_hours > self.time.most_hands_on_hours + 1e-9)

    @property
    def ok(self) -> bool:
        """Whether the course is covered, explained, safely drawn, honestly timed, well written."""
        return not (self.under_covered or self.missing_explanation or self.safety_left_out
                    or self.ce_over or any(
                        q.key_length_flagged or q.absolute_words or q.clue_pairs
                        or q.guessable_must_pass or q.must_pass_always < q.must_pass
                        for q in self.quiz_stats))


def course_stats(content: ContentSet) -> list[CourseStats]:
    """Compute the statistics of every course in a loaded content set."""
    result = []
    for course in content.courses:
        stats = CourseStats(course.slug, ce_hours=course.ce_hours,
                            hands_on_ce_hours=course.hands_on_ce_hours)
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
            stats.quiz_stats.append(quiz_stats(slug, content.quizzes[slug].data))
        stats.under_covered = sorted(
            code for code in course.objective_codes()
            if stats.by_objective[code] < MIN_QUESTIONS_PER_OBJECTIVE)
        final = content.quizzes.get(course.final_exam or "")
        stats.safety_left_out = sorted(
            code for code in course.safety_objectives()
            if final is not None and not always_examines(final.data, code))
        stats.time = course_time(course, content.quizzes)
        result.append(stats)
    return result


def quiz_stats(slug: str, quiz: dict) -> QuizStats:
    """Return the item-quality and must-pass figures of one quiz."""
    stats = QuizStats(slug)
    always = always_drawn(quiz)
    chances = []
    for question in quiz["questions"]:
        if question.get("must_pass"):
            stats.must_pass += 1
            stats.must_pass_always += question["id"] in always
            if guessable_must_pass(question):
                stats.guessable_must_pass.append(question["id"])
        if question["type"] == "single":
            stats.singles += 1
            chances.append(1 / len(question["options"]))
            stats.longest_keys += _key_is_longest(question)
        stats.absolute_words += [f"{question['id']}: {word}" for word in _absolutes(question)]
    stats.chance = sum(chances) / len(chances) if chances else 0.0
    stats.clue_pairs = sorted({tuple(sorted((c.answered, c.giver)))
                               for c in find_clues(slug, quiz)})
    return stats


def _key_is_longest(question: dict) -> bool:
    key = max(len(o["text"]) for o in question["options"] if o["correct"])
    return all(len(o["text"]) < key for o in question["options"] if not o["correct"])


def _absolutes(question: dict) -> list[str]:
    """Absolute words in a true/false statement, or in distractors but no key."""
    if question["type"] == "true_false":
        return sorted({w.lower() for w in _ABSOLUTE.findall(question["prompt"])})
    if question["type"] not in ("single", "multiple"):
        return []
    in_keys = {w.lower() for o in question["options"] if o["correct"]
               for w in _ABSOLUTE.findall(o["text"])}
    in_others = {w.lower() for o in question["options"] if not o["correct"]
                 for w in _ABSOLUTE.findall(o["text"])}
    return sorted(in_others - in_keys - _PLAIN_ENGLISH)


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
    time = stats.time
    lines = [
        f"course {stats.slug}",
        f"  lessons {stats.lessons}, words {stats.words}, minutes {stats.minutes}",
        f"  quizzes {', '.join(stats.quizzes)}",
        f"  questions {stats.questions}, must_pass {stats.must_pass}",
        "  by type: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.by_type.items())),
        "  by objective: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.by_objective.items())),
        f"  home study: {time.lesson_minutes} lesson minutes + "
        f"{sum(time.quiz_minutes.values()):g} quiz minutes = {time.home_study_minutes:g} min "
        f"({time.home_study_minutes / 60:.2f} h of 60 min, {time.most_home_study_hours:.2f} h of "
        f"{MINUTES_PER_CE_HOUR} min); hands-on: {time.hands_on_minutes} min",
        f"  CE hours claimed: {stats.ce_hours:g} ({stats.ce_hours - stats.hands_on_ce_hours:g} "
        f"home study, {stats.hands_on_ce_hours:g} hands-on)"
        + ("  <- MORE THAN THE TIME HOLDS" if stats.ce_over else ""),
    ]
    for quiz in stats.quiz_stats:
        lines.append(
            f"  quiz {quiz.slug}: longest option is the key in {quiz.longest_keys} of "
            f"{quiz.singles} single-choice ({quiz.longest_key_share:.0%}, chance {quiz.chance:.0%})"
            + (" <- REWRITE" if quiz.key_length_flagged else "")
            + f"; must-pass in every attempt {quiz.must_pass_always} of {quiz.must_pass}"
            + f"; clue pairs {len(quiz.clue_pairs)}")
        if quiz.guessable_must_pass:
            lines.append("    must-pass questions a guess can pass: "
                         + ", ".join(quiz.guessable_must_pass))
        if quiz.absolute_words:
            lines.append("    absolute words marking false statements: "
                         + ", ".join(quiz.absolute_words))
        if quiz.clue_pairs:
            lines.append("    may answer each other: "
                         + ", ".join(f"{a} ~ {b}" for a, b in quiz.clue_pairs))
    if stats.safety_left_out:
        lines.append("  safety objectives the final exam can leave out: "
                     + ", ".join(stats.safety_left_out))
    if stats.under_covered:
        lines.append(f"  objectives with fewer than {MIN_QUESTIONS_PER_OBJECTIVE} questions: "
                     + ", ".join(stats.under_covered))
    if stats.missing_explanation:
        lines.append("  questions without an explanation: " + ", ".join(stats.missing_explanation))
    if stats.missing_feedback:
        lines.append("  choice questions with a wrong option lacking feedback: "
                     + ", ".join(stats.missing_feedback))
    return lines
