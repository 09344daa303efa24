"""Translated course content: sidecar file names, source fingerprints, stamping.

A translation lives beside its source with the locale before the extension
(`01-what-is-a-trigger-point.es.md`, `module.es.yaml`, `quizzes/<slug>.es.yaml`,
`<drawing>.zones.es.yaml`). It carries `source: <12 hex>`, the fingerprint of the source's
translatable content when it was last checked; a translation stamped against another
fingerprint (or never stamped) is stale and never shown (docs/content-format.md,
"Translations"). Pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SOURCE_LOCALE = "en"
"""The language course files are written in."""

_NAME = re.compile(r"^(?P<stem>.+)\.(?P<locale>[a-z]{2,3}(?:_[A-Z]{2})?)\.(?P<ext>md|yaml)$")
_LOCALE = re.compile(r"^[a-z]{2,3}(?:_[A-Z]{2})?$")
_STAMP = re.compile(r"^[0-9a-f]{12}$")
_SOURCE_LINE = re.compile(r"^(?P<head>\s*source\s*:\s*)(?P<value>[^\s#]*)(?P<tail>.*)$")

QUESTION_KEYS_NOT_SHOWN = frozenset({"pool", "objective", "points", "tags", "name", "category",
                                     "excludes", "must_pass"})
"""Question keys that neither a trainee reads nor grading depends on: changing them leaves
a question's translations current."""

CURRENT, STALE, UNSTAMPED, MISSING = "current", "stale", "not stamped", "missing"


def split_translation_name(name: str) -> tuple[str, str] | None:
    """Return (source file name, locale) for a translation's file name, else None."""
    match = _NAME.match(name)
    if not match:
        return None
    return f"{match['stem']}.{match['ext']}", match["locale"]


def is_translation_name(name: str) -> bool:
    """Whether a file name is a translation (`x.es.md`, `x.es.yaml`), not a source file."""
    return split_translation_name(name) is not None


def translation_name(source_name: str, locale: str) -> str:
    """Return the name of `source_name`'s translation into `locale` (`a.md` -> `a.es.md`)."""
    stem, ext = source_name.rsplit(".", 1)
    return f"{stem}.{locale}.{ext}"


def parse_locales(setting: str | Iterable[str]) -> list[str]:
    """Return the target locales of a setting like "en,es" (the source language left out)."""
    items = setting.split(",") if isinstance(setting, str) else list(setting)
    locales = [item.strip() for item in items if item and item.strip()]
    return [loc for loc in dict.fromkeys(locales) if loc != SOURCE_LOCALE and _LOCALE.match(loc)]


def fingerprint(*parts: Any) -> str:
    """Return 12 hex digits identifying the given content."""
    blob = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def lesson_fingerprint(title: str, body: str) -> str:
    """Fingerprint a lesson's title and Markdown body."""
    return fingerprint("lesson", title, body)


def module_fingerprint(title: str, objectives: Mapping[str, str]) -> str:
    """Fingerprint a module's title and objectives."""
    return fingerprint("module", title, dict(objectives))


def course_fingerprint(course: Any) -> str:
    """Fingerprint the trainee-visible texts of a course (a CourseSpec)."""
    rubrics = {key: [{"id": c["id"], "text": c["text"], "levels": c["levels"]} for c in crit]
               for key, crit in (course.skill_rubrics or {}).items()}
    evaluation = {q["id"]: q["prompt"] for q in course.evaluation}
    return fingerprint("course", course.title, course.summary, dict(course.practical_skills),
                       rubrics, evaluation)


def quiz_fingerprint(data: Mapping[str, Any]) -> str:
    """Fingerprint a quiz's title and description."""
    return fingerprint("quiz", data.get("title", ""), data.get("description", ""))


def question_fingerprint(question: Mapping[str, Any]) -> str:
    """Fingerprint what a trainee reads of a question and its key (rendered HTML aside)."""
    shown = {key: value for key, value in question.items()
             if key not in QUESTION_KEYS_NOT_SHOWN and not key.endswith("_html")}
    if "options" in shown:
        shown["options"] = [{k: v for k, v in option.items() if not k.endswith("_html")}
                            for option in shown["options"]]
    return fingerprint("question", shown)


def zones_fingerprint(names: Iterable[str]) -> str:
    """Fingerprint the zone names of a drawing."""
    return fingerprint("zones", list(names))


@dataclass
class Part:
    """One translated unit of a file (the file itself, or one quiz question)."""

    stamped: str | None  # the `source:` the translation carries
    expected: str  # the source's fingerprint now
    line: int  # the line of `source:`, or of the unit's first key when it has none
    fields: dict[str, Any] = field(default_factory=dict)
    indent: str = ""  # how a `source:` line inserted for it is indented

    @property
    def state(self) -> str:
        """Current, stale, or not stamped."""
        if self.stamped is None or not _STAMP.match(self.stamped):
            return UNSTAMPED
        return CURRENT if self.stamped == self.expected else STALE


@dataclass
class TranslationFile:
    """A translation file read and checked against its source.

    `target` names what it translates: "course", "module:<slug>", "lesson:<module>/<slug>",
    "quiz:<slug>" or "zones:<drawing>". `parts` holds the file's own unit under "" and, for a
    quiz, one per question id.
    """

    locale: str
    target: str
    path: str  # shown in messages
    relative: str  # inside the course folder (course files) or its folder (quizzes, zones)
    text: str
    source_path: str
    parts: dict[str, Part] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)  # quiz questions with no translation

    def current(self, key: str = "") -> dict[str, Any] | None:
        """Return the translated fields of a part when it is current, else None."""
        part = self.parts.get(key)
        return part.fields if part is not None and part.state == CURRENT else None


def pass_on(found: list[tuple[int, str]], part: Part | None, report) -> None:
    """Report what was found in a translated unit: errors, but only warnings when the unit
    is stale — its source changed (a code renamed, an option removed), so the mismatch is
    the translator's next task, not a reason to refuse the source's change."""
    stale = part is not None and part.state == STALE
    for line, message in found:
        if stale:
            report(line, f"{message} (the source changed since this translation was stamped: "
                         "update it)", True)
        else:
            report(line, message)


def stamp_text(text: str, parts: Iterable[Part]) -> str:
    """Return `text` with each part's `source:` set to its source's fingerprint now.

    An existing `source:` line keeps everything but its value; a missing one is inserted
    at the part's line with the part's indentation. Every other byte stays as it was.
    """
    lines = text.splitlines(keepends=True)
    ending = "\r\n" if text.count("\r\n") > text.count("\n") / 2 else "\n"
    inserts = []
    for part in parts:
        if part.stamped is not None:
            index = part.line - 1
            match = _SOURCE_LINE.match(lines[index].rstrip("\r\n"))
            if match:
                newline = lines[index][len(lines[index].rstrip("\r\n")):]
                lines[index] = f"{match['head']}{part.expected}{match['tail']}{newline}"
        else:
            inserts.append(part)
    for part in sorted(inserts, key=lambda p: p.line, reverse=True):
        lines.insert(part.line - 1, f"{part.indent}source: {part.expected}{ending}")
    return "".join(lines)
