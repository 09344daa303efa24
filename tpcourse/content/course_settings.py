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
from datetime import UTC, date, datetime
from typing import Any

from ..i18n_markers import N_
from .yamlsrc import LineDict

Report = Callable[[int, str], None]

RENEWAL_PATHS = {  # shown to trainees: translated where shown
    "final": N_("pass the final exam again"),
    "renewal_quiz": N_("pass the renewal quiz"),
    "ce_hours": N_("earn CE hours in other courses"),
    "full": N_("pass every module quiz and the final exam again"),
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


# Sequencing (docs/exams.md, "Locked steps"):
#
#     sequencing:
#       module_quiz_after_lessons: true     # a module's quiz opens when its lessons are read
#       final_after_module_quizzes: true    # the final exam opens when every module quiz passed
#       quiz_dates:                         # optional, per quiz: UTC moments (or dates)
#         trigger-point-final: {opens: 2027-01-10T09:00:00Z, closes: 2027-06-30}
#
# No `sequencing` key: nothing is locked (files written before it existed). Inside it, the two
# locks default to on. Stored on the course version as `sequencing`.
SEQUENCING_KEYS = {"module_quiz_after_lessons", "final_after_module_quizzes", "quiz_dates"}


def parse_sequencing(doc: LineDict, report: Report) -> dict | None:
    """Validate the `sequencing` mapping of a course.yaml; None when absent."""
    raw = doc.get("sequencing")
    if raw is None:
        return None
    if not isinstance(raw, LineDict):
        report(doc.line_of("sequencing"), "'sequencing' must be a mapping (see docs/exams.md)")
        return None
    for key in sorted(set(raw) - SEQUENCING_KEYS):
        report(raw.line_of(key), f"unknown sequencing key '{key}' "
                                 f"(allowed: {', '.join(sorted(SEQUENCING_KEYS))})")
    settings: dict[str, Any] = {"module_quiz_after_lessons": True,
                                "final_after_module_quizzes": True, "quiz_dates": {}}
    for key in ("module_quiz_after_lessons", "final_after_module_quizzes"):
        if key in raw:
            if not isinstance(raw[key], bool):
                report(raw.line_of(key), f"'{key}' must be true or false")
            else:
                settings[key] = raw[key]
    dates = raw.get("quiz_dates")
    if dates is not None and not isinstance(dates, LineDict):
        report(raw.line_of("quiz_dates"), "'quiz_dates' must map quiz slugs to {opens, closes}")
    if not isinstance(dates, LineDict):
        dates = LineDict()
    for slug, window in dates.items():
        line = dates.line_of(slug)
        if not isinstance(window, LineDict) or not set(window) <= {"opens", "closes"} or not window:
            report(line, f"quiz_dates '{slug}' must be a mapping with opens and/or closes")
            continue
        moments = {}
        for edge in ("opens", "closes"):
            if edge in window:
                moment = _moment(window[edge])
                if moment is None:
                    report(window.line_of(edge), f"quiz_dates '{slug}' {edge}: write a date "
                                                 "(2027-01-10) or a UTC time (2027-01-10T09:00:00Z)")
                else:
                    moments[edge] = moment
        if "opens" in moments and "closes" in moments and moments["closes"] <= moments["opens"]:
            report(line, f"quiz_dates '{slug}': closes must come after opens")
        settings["quiz_dates"][str(slug)] = moments
    return settings


def _moment(value: Any) -> str | None:
    """A date or a date-time (read as UTC) as an ISO string in UTC, or None if neither."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).isoformat()
    return None
