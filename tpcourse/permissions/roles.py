"""Who may do what: pure predicates used by route decorators and templates alike."""

from __future__ import annotations

from typing import Any

STAFF_ROLES = ("instructor", "admin")


def is_admin(user: Any) -> bool:
    """Admins may do everything."""
    return bool(getattr(user, "is_authenticated", False)) and user.role == "admin"


def has_role(user: Any, *roles: str) -> bool:
    """Whether a logged-in user has one of the roles (admins always do)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role in roles or user.role == "admin"


def can_read_course(user: Any, enrolled: bool, instructs: bool) -> bool:
    """Trainees read courses they are enrolled in; instructors of the course and admins too."""
    return is_admin(user) or enrolled or instructs


def can_take_quiz(user: Any, enrolled: bool, instructs: bool) -> bool:
    """Taking a quiz needs the same right as reading its course."""
    return can_read_course(user, enrolled, instructs)


def can_author(user: Any, instructs: bool) -> bool:
    """Instructors author the courses they are assigned to; admins author any."""
    return is_admin(user) or (has_role(user, "instructor") and instructs)


def can_see_school(user: Any, school_id: int | None) -> bool:
    """School admins see their own school only; admins see every school."""
    return is_admin(user) or (
        has_role(user, "school_admin") and school_id is not None and user.school_id == school_id
    )
