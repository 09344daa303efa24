"""Who may use the authoring studio, item analysis and accommodations: pure predicates."""

from __future__ import annotations

from typing import Any

from .roles import can_author, has_role, is_admin


def can_open_studio(user: Any) -> bool:
    """Instructors, school admins (for accommodations) and admins see the studio's front page."""
    return has_role(user, "instructor", "school_admin")


def can_create_course(user: Any) -> bool:
    """Only admins create courses and choose who teaches them."""
    return is_admin(user)


def can_assign_instructors(user: Any) -> bool:
    """Only admins assign instructors to courses and remove them."""
    return is_admin(user)


def can_see_analysis(user: Any, instructs: bool) -> bool:
    """Item analysis is for the course's instructors and admins, like authoring."""
    return can_author(user, instructs)


def can_grant_accommodation(user: Any, instructs: bool, school_trainees: bool) -> bool:
    """Instructors of the course and admins grant anyone on it; a school admin only their own.

    `school_trainees` says whether the school admin's school has trainees on the course.
    """
    if is_admin(user) or can_author(user, instructs):
        return True
    return (getattr(user, "is_authenticated", False) and user.role == "school_admin"
            and user.school_id is not None and school_trainees)


__all__ = ["can_assign_instructors", "can_author", "can_create_course", "can_grant_accommodation",
           "can_open_studio", "can_see_analysis"]
