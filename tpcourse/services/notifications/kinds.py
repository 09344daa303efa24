"""The kinds of notification, and which of them a person may turn off."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its label on the preferences page, and whether it is optional."""

    name: str
    label: str
    optional: bool


KINDS = {kind.name: kind for kind in (
    Kind("certificate_issued", "A certificate of mine is issued", optional=False),
    Kind("certificate_renewed", "A certificate of mine is renewed", optional=False),
    Kind("certificate_expiring", "A certificate of mine will expire soon (renewal reminders)",
         optional=True),
    Kind("skill_signed_off", "An instructor signs off one of my practical skills", optional=True),
    Kind("attempt_graded", "An instructor finishes grading or changes the grade of an attempt "
                           "of mine", optional=False),
    Kind("session_invitation", "I sign up for a live practical session (calendar invitation)",
         optional=False),
    Kind("accommodation_granted", "I am granted extra attempts or time on a quiz",
         optional=True),
)}
OPTIONAL = tuple(name for name, kind in KINDS.items() if kind.optional)
