"""Who may look after integrations: LMS registrations, school logins, LMS links."""

from __future__ import annotations

from typing import Any

from .roles import can_see_school, has_role, is_admin


def can_configure_integrations(user: Any, school_id: int | None) -> bool:
    """A school's admins (and site admins) register its LMSs and its login provider."""
    return can_see_school(user, school_id)


def can_manage_link(user: Any, instructs: bool, school_id: int | None) -> bool:
    """An LMS link's page and roster sync: the linked course's instructors, the school's
    admins, site admins."""
    return is_admin(user) or (has_role(user, "instructor") and instructs) \
        or can_see_school(user, school_id)
