"""Who may grade essays, override grades, assess practical skills and run live sessions.

Pure predicates, used by the grading services and by templates alike.
"""

from __future__ import annotations

from typing import Any

from .roles import can_author


def can_grade(user: Any, instructs: bool) -> bool:
    """A course's instructors, and admins, grade its essays and override its grades."""
    return can_author(user, instructs)


def can_run_sessions(user: Any, instructs: bool) -> bool:
    """A course's instructors, and admins, schedule its practical sessions and take attendance."""
    return can_author(user, instructs)


__all__ = ["can_grade", "can_run_sessions"]
