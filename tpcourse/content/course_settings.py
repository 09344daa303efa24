"""Course settings about the certification cycle in course.yaml: the renewal path and window.

    renewal: final                 # final | renewal_quiz | ce_hours | full (default: full)
    renewal_window_days: 90        # the window opens this many days before expiry (default 90)
    renewal_quiz: tp-renewal       # renewal_quiz only: the shorter quiz to pass
    renewal_ce_hours: 6            # ce_hours only: CE hours earned in other courses

Stored on the course version as `renewal` (`{"path", "window_days", "quiz", "ce_hours"}`); a
course that sets none of them stores None and gets the defaults (`renewal_settings`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .yamlsrc import LineDict

Report = Callable[[int, str], None]

RENEWAL_PATHS = {
    "final": "pass the final exam again",
    "renewal_quiz": "pass the renewal quiz",
    "ce_hours": "earn CE hours in other courses",
    "full": "pass every module quiz and the final exam again",
}
DEFAULT_RENEWAL = {"path": "full", "window_days": 90, "quiz": None, "ce_hours": None}
RENEWAL_KEYS = {"renewal", "renewal_window_days", "renewal_quiz", "renewal_ce_hours"}


def renewal_settings(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return a version's renewal settings with the defaults filled in."""
    return {**DEFAULT_RENEWAL, **(stored or {})}


def parse_renewal(doc: LineDict, final_exam: str | None, report: Report) -> dict | None:
    """Validate the renewal keys of a course.yaml; None when it sets none of them."""
    if not RENEWAL_KEYS & set(doc):
        return None
    settings = dict(DEFAULT_RENEWAL)
    path = doc.get("renewal", "full")
    if path not in RENEWAL_PATHS:
        report(doc.line_of("renewal"), f"'renewal' must be one of: {', '.join(RENEWAL_PATHS)}")
        path = "full"
    settings["path"] = path
    days = doc.get("renewal_window_days", 90)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        report(doc.line_of("renewal_window_days"),
               "'renewal_window_days' must be a whole number of days (0 or more)")
        days = 90
    settings["window_days"] = days
    quiz = doc.get("renewal_quiz")
    if path == "renewal_quiz" and not (isinstance(quiz, str) and quiz.strip()):
        report(doc.line_of("renewal"), "renewal: renewal_quiz needs 'renewal_quiz' (a quiz slug)")
    elif quiz is not None and path != "renewal_quiz":
        report(doc.line_of("renewal_quiz"), "'renewal_quiz' is only read with renewal: "
                                            "renewal_quiz")
    settings["quiz"] = str(quiz).strip() if path == "renewal_quiz" and quiz else None
    hours = doc.get("renewal_ce_hours")
    if path == "ce_hours" and (isinstance(hours, bool) or not isinstance(hours, int | float)
                               or hours <= 0):
        report(doc.line_of("renewal_ce_hours" if hours is not None else "renewal"),
               "renewal: ce_hours needs 'renewal_ce_hours', a number of hours above 0")
        hours = None
    elif hours is not None and path != "ce_hours":
        report(doc.line_of("renewal_ce_hours"), "'renewal_ce_hours' is only read with renewal: "
                                                "ce_hours")
    settings["ce_hours"] = float(hours) if path == "ce_hours" and hours else None
    if path in ("final", "full") and not final_exam:
        report(doc.line_of("renewal"), f"renewal: {path} needs the course's 'final_exam'")
    return settings
