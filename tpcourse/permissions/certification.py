"""Who may see, download and revoke certificates, sign off skills and read evaluations.

Pure predicates, used by the certificate services and by templates alike.
"""

from __future__ import annotations

from typing import Any

from .roles import can_author, has_role, is_admin


def can_see_certificate(user: Any, holder_id: int, holder_school_id: int | None) -> bool:
    """The holder, school admins of the holder's school and admins see a certificate's file."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.id == holder_id or can_revoke_certificate(user, holder_school_id)


def can_revoke_certificate(user: Any, holder_school_id: int | None) -> bool:
    """The issuing school's admins and site admins revoke certificates; holders cannot."""
    return is_admin(user) or (
        has_role(user, "school_admin") and holder_school_id is not None
        and user.school_id == holder_school_id)


def can_see_expiring(user: Any) -> bool:
    """School admins (their own school's trainees) and admins see certificates expiring soon."""
    return has_role(user, "school_admin")


def can_sign_off_skills(user: Any, instructs: bool) -> bool:
    """Only instructors assigned to the course, and admins, sign off its practical skills."""
    return can_author(user, instructs)


def can_see_evaluations(user: Any, instructs: bool) -> bool:
    """A course's instructors and admins read its aggregated evaluations."""
    return can_author(user, instructs)


def can_see_evidence(user: Any, trainee_id: int, trainee_school_id: int | None,
                     instructs: bool) -> bool:
    """A skill's evidence is seen by the trainee, the course's instructors, the trainee's
    school admins and site admins; by nobody else."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (user.id == trainee_id or can_author(user, instructs)
            or can_revoke_certificate(user, trainee_school_id))


__all__ = ["can_see_evidence", "can_revoke_certificate", "can_see_certificate", "can_see_evaluations",
           "can_see_expiring", "can_sign_off_skills"]
