"""The kinds of notification, and which of them a person may turn off."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    """A kind of notification: its label on the preferences page, whether it is optional, and
    (for an optional kind) the sentence its emails end with: why the person gets them."""

    name: str
    label: str
    optional: bool
    reason: str = ""


KINDS = {kind.name: kind for kind in (
    Kind("certificate_issued", _l("A certificate of mine is issued"), optional=False),
    Kind("certificate_renewed", _l("A certificate of mine is renewed"), optional=False),
    Kind("certificate_expiring", _l("A certificate of mine will expire soon (renewal reminders)"),
         optional=True,
         reason=_l("You get this email because you asked for renewal reminders.")),
    Kind("skill_signed_off", _l("An instructor signs off one of my practical skills"),
         optional=True,
         reason=_l("You get this email because you asked to hear when an instructor signs off "
                   "one of your practical skills.")),
    Kind("attempt_graded", _l("An instructor finishes grading or changes the grade of an "
                              "attempt of mine"), optional=False),
    Kind("session_invitation", _l("I sign up for a live practical session (calendar "
                                  "invitation)"), optional=False),
    Kind("accommodation_granted", _l("I am granted extra attempts or time on a quiz"),
         optional=True,
         reason=_l("You get this email because you asked to hear when you are granted extra "
                   "attempts or time on a quiz.")),
)}
OPTIONAL = tuple(name for name, kind in KINDS.items() if kind.optional)
