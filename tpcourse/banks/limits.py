"""How much one bank import may hold, so an import stays linear in the file and bounded.

Every limit is refused with a `line N:` message naming what to do; docs/question-banks.md and
docs/security.md ("Resource bounds") list them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

MAX_BANK_BYTES = 2_000_000
"""Largest bank file (or unpacked package) any parser reads."""
MAX_QUESTIONS = 1_000
"""Questions in one import; a bigger bank is refused as a whole (split it)."""
MAX_CHOICES = 100
"""Options, pairs, distractors, items, accepted or partial answers of one question."""
MAX_TEXT_CHARS = 20_000
"""Characters in one text: a prompt, an option, a feedback, an explanation."""
MAX_QUIZ_QUESTIONS = 2_000
"""Questions a quiz draft may reach through imports."""
MAX_PACKAGE_FILES = 2_000
"""Members of a QTI .zip package."""
MAX_FILE_BYTES = 1_000_000
"""One embedded file (an image) once decoded or unpacked."""

LIST_KEYS = ("options", "pairs", "distractors", "items", "accept", "partial")
TEXT_KEYS = ("name", "prompt", "explanation", "feedback_true", "feedback_false")


def too_many_questions(count: int) -> str:
    """The message for the question past MAX_QUESTIONS."""
    return (f"this is question {count:,}; one import takes at most {MAX_QUESTIONS:,} questions "
            "— split the bank into smaller files and import each; nothing was imported")


def choice_count_message(count: int, what: str = "answers") -> str:
    """The message for a question with more than MAX_CHOICES answers."""
    return (f"the question has {count:,} {what}; a question may have at most {MAX_CHOICES} "
            "— the question was skipped")


def oversize_text(question: dict[str, Any]) -> str | None:
    """Say which list or text of a built question is over its limit, or None."""
    for key in LIST_KEYS:
        value = question.get(key)
        if isinstance(value, list) and len(value) > MAX_CHOICES:
            return choice_count_message(len(value), key)
    for key, text in _texts(question):
        if len(text) > MAX_TEXT_CHARS:
            return (f"the {key} is {len(text):,} characters long; texts are limited to "
                    f"{MAX_TEXT_CHARS:,} — the question was skipped")
    return None


def _texts(question: dict[str, Any]) -> Iterable[tuple[str, str]]:
    for key in TEXT_KEYS:
        if isinstance(question.get(key), str):
            yield key, question[key]
    for option in question.get("options") or ():
        yield "option text", str(option.get("text", ""))
        yield "option feedback", str(option.get("feedback", ""))
    for pair in question.get("pairs") or ():
        yield from (("matching text", str(side)) for side in pair)
    for key in ("items", "accept", "distractors"):
        yield from ((key[:-1] if key.endswith("s") else key, str(v))
                    for v in question.get(key) or ())


def within_limits(question: dict[str, Any], line: int,
                  error: Callable[[int, str], None]) -> bool:
    """Whether a built question fits the limits; report the first excess otherwise."""
    problem = oversize_text(question)
    if problem:
        error(line, problem)
    return problem is None
