"""Sequencing: which quizzes of a course are locked for a trainee now, why, and what unlocks them.

Pure: the services read the settings (content/course_settings.py), the lessons read, the quizzes
passed and the cohort's deadline, and pass them in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..i18n_markers import N_, Sentence


@dataclass(frozen=True)
class Lock:
    """Why a quiz cannot be started now (`reason`) and what would open it (`unlock`)."""

    reason: Sentence
    unlock: Sentence
    until: datetime | None = None  # when it opens by itself, if it does


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def quiz_lock(slug: str, settings: Mapping[str, Any] | None, now: datetime, *,
              module_lessons: Sequence[str] = (), lessons_read: Collection[str] = (),
              is_final: bool = False, module_quizzes: Sequence[str] = (),
              passed: Collection[str] = (), cohort_deadline: datetime | None = None,
              lesson_titles: Mapping[str, str] | None = None,
              quiz_titles: Mapping[str, str | Sentence] | None = None) -> Lock | None:
    """Return the lock on quiz `slug` for one trainee at `now`, or None when it may start.

    `module_lessons` are the lesson keys of the module whose quiz this is (empty for the final);
    the checks run in the order a trainee can act on them: dates, then lessons, then quizzes.
    """
    if cohort_deadline is not None and now >= cohort_deadline:
        return Lock(Sentence(N_("Your cohort's deadline passed on %(moment)s."),
                             {"moment": cohort_deadline}),
                    Sentence(N_("Ask your instructor or school: they can lift the lock for you.")))
    settings = settings or {}
    window = (settings.get("quiz_dates") or {}).get(slug) or {}
    opens, closes = _moment(window.get("opens")), _moment(window.get("closes"))
    if opens is not None and now < opens:
        return Lock(Sentence(N_("This quiz opens on %(moment)s."), {"moment": opens}),
                    Sentence(N_("Wait until it opens.")), opens)
    if closes is not None and now >= closes:
        return Lock(Sentence(N_("This quiz closed on %(moment)s."), {"moment": closes}),
                    Sentence(N_("Ask your instructor: they can lift the lock for you.")))
    titles = lesson_titles or {}
    if settings.get("module_quiz_after_lessons") and module_lessons:
        unread = [key for key in module_lessons if key not in lessons_read]
        if unread:
            names = tuple(titles.get(key, key) for key in unread)
            # The English keeps "lesson(s)" in both forms; translations write real plurals.
            return Lock(Sentence(N_("This module's quiz opens when you have read its lessons.")),
                        Sentence.ngettext("Read %(num)d more lesson(s): %(names)s.",
                                          "Read %(num)d more lesson(s): %(names)s.",
                                          len(unread), {"names": names}))
    if settings.get("final_after_module_quizzes") and is_final:
        missing = [q for q in module_quizzes if q not in passed]
        if missing:
            names = tuple((quiz_titles or {}).get(q, q) for q in missing)
            return Lock(Sentence(N_("The final exam opens when you have passed every module quiz.")),
                        Sentence.ngettext("Pass %(num)d more quiz(zes): %(names)s.",
                                          "Pass %(num)d more quiz(zes): %(names)s.",
                                          len(missing), {"names": names}))
    return None
