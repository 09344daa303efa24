"""Find the translation files of a content set, check them, and report their state per locale.

Course translations are kept on the course spec as texts (`CourseSpec.translations`,
relative path -> text) and quiz translations on the quiz's data (`data["translations"]`),
so they are hashed, synced and exported with the content they belong to; which of their
parts are current is decided again from those texts wherever they are stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import CourseSpec, Problem
from .quiz_translation import quiz_translation
from .translation_rules import course_translation, lesson_translation, module_translation, zones_translation
from .translations import (
    CURRENT,
    MISSING,
    STALE,
    UNSTAMPED,
    TranslationFile,
    pass_on,
    split_translation_name,
    translation_name,
)

INCOMPLETE = "incomplete"
_WORST = (MISSING, STALE, UNSTAMPED, INCOMPLETE, CURRENT)

Reporter = Callable[[str], Callable[[int, str], None]]
"""Given a translation file's shown path, return its report(line, message, warning=False)."""


def course_translation_files(course: CourseSpec, report_for: Reporter) -> list[TranslationFile]:
    """Check each of the course's translation texts against the course; return them read."""
    modules = {m.slug: m for m in course.modules}
    files = []
    for relative, text in sorted(course.translations.items()):
        path = f"{course.path}/{relative}"
        report, noted = report_for(path), []

        def note(line: int, message: str, noted: list = noted) -> None:
            noted.append((line, message))

        folder, _, name = relative.rpartition("/")
        source_name, locale = split_translation_name(name) or (name, "")
        source_path = f"{course.path}/{folder + '/' if folder else ''}{source_name}"
        module = modules.get(folder)
        if not folder and source_name == "course.yaml":
            target, part = "course", course_translation(text, course, note)
        elif module and source_name == "module.yaml":
            target, part = f"module:{module.slug}", module_translation(text, module, note)
        elif module and any(f"{lesson.slug}.md" == source_name for lesson in module.lessons):
            lesson = next(x for x in module.lessons if f"{x.slug}.md" == source_name)
            target = f"lesson:{module.slug}/{lesson.slug}"
            part = lesson_translation(text, lesson, note)
        else:
            report(1, f"translates {source_path}, which this course does not have")
            continue
        pass_on(noted, part, report)
        if part is not None:
            files.append(TranslationFile(locale, target, path, relative, text, source_path,
                                         {"": part}))
    return files


def quiz_translation_file(quiz: dict[str, Any], locale: str, text: str, path: str,
                          source_path: str, report) -> TranslationFile | None:
    """Check a quiz's translation text; return it read, or None when unreadable."""
    read = quiz_translation(text, quiz, report)
    if read is None:
        return None
    parts, missing = read
    return TranslationFile(locale, f"quiz:{quiz['slug']}", path,
                           translation_name(f"{quiz['slug']}.yaml", locale), text,
                           source_path, parts, missing)


def stored_quiz_translation(translation: TranslationFile) -> dict[str, Any]:
    """Return what a quiz version keeps of a translation: its file, and its current texts."""
    stored: dict[str, Any] = {"file": translation.text}
    stored.update(translation.current("") or {})
    stored["questions"] = {qid: part.fields for qid, part in translation.parts.items()
                           if qid and part.state == CURRENT}
    return stored


def carried_quiz_translations(quiz: dict[str, Any], stored: dict[str, dict[str, Any]]
                              ) -> dict[str, dict[str, Any]]:
    """Check a quiz's stored translations against its new data (a draft published in the
    browser): questions whose source changed go stale and are no longer shown."""
    carried = {}
    for locale, translation in sorted(stored.items()):
        read = quiz_translation_file(quiz, locale, translation["file"], "", "",
                                     lambda *found: None)
        if read is not None:
            carried[locale] = stored_quiz_translation(read)
    return carried


def zones_translation_file(path: Path, names: list[str], shown: str, source_shown: str,
                           report) -> TranslationFile | None:
    """Check a drawing's translated zone names; return the file read."""
    text = path.read_text(encoding="utf-8")
    part = zones_translation(text, names, report)
    source_name, locale = split_translation_name(path.name) or (path.name, "")
    if part is None:
        return None
    return TranslationFile(locale, f"zones:{source_name.removesuffix('.zones.yaml')}", shown,
                           path.name, text, source_shown, {"": part})


@dataclass(frozen=True)
class TranslationState:
    """How far one source file is translated into one locale."""

    locale: str
    path: str  # the translation file (which may not exist yet)
    source_path: str
    state: str  # current, stale, not stamped, incomplete or missing
    line: int = 1
    detail: str = ""


def file_state(translation: TranslationFile) -> TranslationState:
    """Summarise a translation file: its worst part, and which questions need work."""
    states = {key: part.state for key, part in translation.parts.items()}
    worst = min(states.values(), key=_WORST.index, default=CURRENT)
    if worst == CURRENT and translation.missing:
        worst = INCOMPLETE
    bad = [key or "title" for key, state in states.items() if state != CURRENT]
    detail = "; ".join(filter(None, [
        f"not current: {_listed(bad)}" if bad and len(states) > 1 else "",
        f"not translated: {_listed(translation.missing)}" if translation.missing else ""]))
    line = next((part.line for part in translation.parts.values()
                 if part.state in (STALE, UNSTAMPED)), 1)
    return TranslationState(translation.locale, translation.path, translation.source_path,
                            worst, line, detail)


def _listed(keys: list[str], most: int = 5) -> str:
    """Name a few keys, and count the rest."""
    more = f" and {len(keys) - most} more" if len(keys) > most else ""
    return ", ".join(keys[:most]) + more


def translation_states(sources: list[tuple[str, str]], found: list[TranslationFile],
                       locales: list[str]) -> list[TranslationState]:
    """Return the state of every (target, source path) in every locale, missing ones too."""
    by_key = {(t.locale, t.target): t for t in found}
    states = []
    for locale in locales:
        for target, source_path in sources:
            translation = by_key.get((locale, target))
            if translation is not None:
                states.append(file_state(translation))
            else:
                folder, _, name = source_path.rpartition("/")
                expected = f"{folder}/{translation_name(name, locale)}" if folder else \
                    translation_name(name, locale)
                states.append(TranslationState(locale, expected, source_path, MISSING))
    return states


def state_warning(state: TranslationState) -> Problem | None:
    """Return the warning `content check` shows for a translation that is not current."""
    stamp = f"check it, then run `flask content translations stamp {state.locale}`"
    detail = f" ({state.detail})" if state.detail else ""
    if state.state == MISSING:
        return Problem(state.source_path, 1, f"no {state.locale} translation "
                                             f"({Path(state.path).name})", True)
    if state.state == STALE:
        return Problem(state.path, state.line, f"{state.locale} translation is stale: "
                                               f"{state.source_path} changed since it was "
                                               f"stamped{detail}; {stamp}", True)
    if state.state == UNSTAMPED:
        return Problem(state.path, state.line, f"{state.locale} translation is not stamped"
                                               f"{detail}; {stamp}", True)
    if state.state == INCOMPLETE:
        return Problem(state.path, 1, f"{state.locale} translation is incomplete{detail}",
                       True)
    return None


def locale_summaries(states: list[TranslationState]) -> list[str]:
    """Return one line per locale: how many translations are current, missing, stale."""
    lines = []
    for locale in dict.fromkeys(s.locale for s in states):
        mine = [s for s in states if s.locale == locale]
        count = {name: sum(1 for s in mine if s.state == name) for name in _WORST}
        lines.append(f"{locale}: {count[CURRENT]} of {len(mine)} translations current, "
                     f"{count[MISSING]} missing, {count[STALE] + count[UNSTAMPED]} stale "
                     f"or not stamped, {count[INCOMPLETE]} incomplete.")
    return lines
