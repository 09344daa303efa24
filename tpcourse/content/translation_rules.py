"""Check one translation file against its source and read its translated texts.

Each reader takes the file's text, the parsed source and a `report(line, message)`, and
returns the file's parts (content/translations.py): what the trainee would read in the
translation, with the `source:` fingerprint it was stamped against. Ids, codes, keys and
counts must be the source's; only texts are translated. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .lessonfile import split_front_matter
from .markdown import image_references, render_markdown
from .model import CourseSpec, LessonSpec, ModuleSpec
from .translations import (
    Part,
    course_fingerprint,
    lesson_fingerprint,
    module_fingerprint,
    zones_fingerprint,
)
from .yamlsrc import LineDict, YamlSyntaxError, load_yaml

Report = Callable[[int, str], None]

LESSON_KEYS = {"title", "source"}
MODULE_KEYS = {"source", "title", "objectives"}
COURSE_KEYS = {"source", "title", "summary", "practical_skills", "skill_rubrics", "evaluation"}
ZONES_KEYS = {"source", "names"}


def read_yaml(text: str, report: Report) -> LineDict | None:
    """Parse a translation's YAML into a mapping, reporting a syntax error or another shape."""
    try:
        doc = load_yaml(text)
    except YamlSyntaxError as exc:
        report(exc.line, exc.message)
        return None
    if not isinstance(doc, LineDict):
        report(1, "a translation must be a YAML mapping (source, title, ...)")
        return None
    return doc


def unknown_keys(doc: LineDict, allowed: set[str], report: Report, where: str = "") -> None:
    """Report every key of `doc` that is not allowed."""
    for key in sorted(set(doc) - allowed):
        report(doc.line_of(key), f"unknown key '{key}'{where} (allowed: "
                                 f"{', '.join(sorted(allowed))})")


def text_of(doc: LineDict, key: str, report: Report, required: bool = True) -> str | None:
    """Return a translated text, reporting it when missing (and `required`) or not text."""
    value = doc.get(key)
    if value is None:
        if required:
            report(doc.line, f"missing '{key}'")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(
            value).strip():
        report(doc.line_of(key), f"'{key}' must be a text")
        return None
    return str(value).strip()


def stamp_of(doc: LineDict, report: Report) -> str | None:
    """Return the `source:` fingerprint a translation carries, or None."""
    value = doc.get("source")
    if value is None:
        return None
    text = str(value).strip()
    if len(text) != 12 or any(c not in "0123456789abcdef" for c in text):
        report(doc.line_of("source"), "'source' must be the 12 hex digits written by "
                                      "`flask content translations stamp`")
    return text


def texts_by_key(doc: LineDict, key: str, expected: dict[str, str], report: Report,
                 what: str) -> dict[str, str]:
    """Read `key: {id: text}` holding every id of `expected` and no other."""
    raw = doc.get(key)
    if raw is None:
        if expected:
            report(doc.line, f"missing '{key}': translate every {what} of the source "
                             f"({', '.join(expected)})")
        return {}
    if not isinstance(raw, LineDict):
        report(doc.line_of(key), f"'{key}' must map each {what} of the source to its text")
        return {}
    texts = {}
    for item in raw:
        if item not in expected:
            report(raw.line_of(item), f"{what} '{item}' is not in the source")
        else:
            value = text_of(raw, item, report)
            if value is not None:
                texts[item] = value
    for item in expected:
        if item not in raw:
            report(raw.line, f"{what} '{item}' of the source is not translated")
    return texts


def file_part(doc: LineDict, expected: str, report: Report, fields: dict[str, Any]) -> Part:
    """Return the part of a YAML translation file as a whole."""
    stamped = stamp_of(doc, report)
    line = doc.line_of("source") if stamped is not None else doc.line
    return Part(stamped, expected, line, fields)


def lesson_translation(text: str, lesson: LessonSpec, report: Report) -> Part | None:
    """Read `NN-slug.<locale>.md`: front matter with title (and source), then the body."""
    found = split_front_matter(text, report, "a translated lesson must start with '---' and "
                               "front matter (title)", "title")
    if found is None:
        return None
    meta, lines, end = found
    unknown_keys(meta, LESSON_KEYS, report, " (minutes and objectives come from the source)")
    title = text_of(meta, "title", report)
    body = "\n".join(lines[end + 1:])
    if not body.strip():
        report(end + 1, "the translated lesson has no body")
    _same_images(lesson.body, body, end + 1, report)
    stamped = stamp_of(meta, report)
    line = meta.line_of("source") if stamped is not None else end + 1
    return Part(stamped, lesson_fingerprint(lesson.title, lesson.body), line,
                {"title": title or lesson.title, "body": body, "html": render_markdown(body)})


def _same_images(source: str, body: str, offset: int, report: Report) -> None:
    """Report an image the source lesson does not show (a translation keeps the files)."""
    known = {ref for _line, ref in image_references(source)}
    for line, ref in image_references(body):
        if ref not in known:
            report(offset + line, f"image '{ref}' is not in the source lesson: keep its "
                                  "images, translate their alt text")


def module_translation(text: str, module: ModuleSpec, report: Report) -> Part | None:
    """Read `module.<locale>.yaml`: title and every objective of the source."""
    doc = read_yaml(text, report)
    if doc is None:
        return None
    unknown_keys(doc, MODULE_KEYS, report)
    fields = {"title": text_of(doc, "title", report) or module.title,
              "objectives": texts_by_key(doc, "objectives", module.objectives, report,
                                         "objective")}
    return file_part(doc, module_fingerprint(module.title, module.objectives), report, fields)


def course_translation(text: str, course: CourseSpec, report: Report) -> Part | None:
    """Read `course.<locale>.yaml`: title, summary, skills, rubric texts, evaluation prompts."""
    doc = read_yaml(text, report)
    if doc is None:
        return None
    unknown_keys(doc, COURSE_KEYS, report)
    summary = text_of(doc, "summary", report, required=bool(course.summary))
    if summary and not course.summary:
        report(doc.line_of("summary"), "the source has no summary to translate")
    fields = {
        "title": text_of(doc, "title", report) or course.title,
        "summary": summary or course.summary,
        "practical_skills": texts_by_key(doc, "practical_skills", course.practical_skills,
                                         report, "skill"),
        "skill_rubrics": _rubrics(doc, course, report),
        "evaluation": texts_by_key(doc, "evaluation", {q["id"]: q["prompt"]
                                                       for q in course.evaluation},
                                   report, "evaluation question"),
    }
    return file_part(doc, course_fingerprint(course), report, fields)


def _rubrics(doc: LineDict, course: CourseSpec, report: Report) -> dict[str, Any]:
    """Read `skill_rubrics: {skill: {criterion: {text, levels}}}` for every criterion."""
    expected = {key: {c["id"]: c for c in crit} for key, crit in course.skill_rubrics.items()}
    raw = doc.get("skill_rubrics")
    if raw is None:
        if expected:
            report(doc.line, "missing 'skill_rubrics': translate every rubric criterion")
        return {}
    skills = texts_by_shape(raw, expected, report, "skill with a rubric", doc.line_of(
        "skill_rubrics"))
    out: dict[str, Any] = {}
    for key, criteria in skills.items():
        found = texts_by_shape(criteria, expected[key], report, f"criterion of '{key}'",
                               raw.line_of(key))
        out[key] = {}
        for cid, entry in found.items():
            line = criteria.line_of(cid)
            if not isinstance(entry, LineDict) or set(entry) - {"text", "levels"}:
                report(line, f"criterion '{cid}' of '{key}' is {{text, levels}}")
                continue
            levels = entry.get("levels")
            count = len(expected[key][cid]["levels"])
            if not isinstance(levels, list) or len(levels) != count or not all(
                    isinstance(level, str) and level.strip() for level in levels):
                report(entry.line_of("levels"), f"criterion '{cid}' of '{key}' needs its "
                                                f"{count} levels translated, lowest first")
                continue
            out[key][cid] = {"text": text_of(entry, "text", report) or "",
                             "levels": [level.strip() for level in levels]}
    return out


def texts_by_shape(raw: Any, expected: dict[str, Any], report: Report, what: str,
                   line: int) -> dict[str, Any]:
    """Check that a mapping has exactly the keys of `expected`; return its known entries."""
    if not isinstance(raw, LineDict):
        report(line, f"each {what} of the source must be a key here")
        return {}
    for key in raw:
        if key not in expected:
            report(raw.line_of(key), f"{what} '{key}' is not in the source")
    for key in expected:
        if key not in raw:
            report(raw.line, f"{what} '{key}' of the source is not translated")
    return {key: value for key, value in raw.items() if key in expected}


def zones_translation(text: str, names: list[str], report: Report) -> Part | None:
    """Read `<drawing>.zones.<locale>.yaml`: `names: {source name: translated name}`."""
    doc = read_yaml(text, report)
    if doc is None:
        return None
    unknown_keys(doc, ZONES_KEYS, report)
    fields = {"names": texts_by_key(doc, "names", dict.fromkeys(names, ""), report, "zone")}
    return file_part(doc, zones_fingerprint(names), report, fields)


def list_of_texts(raw: Any, line: int, count: int, report: Report, what: str) -> list[Any]:
    """Check a list of `count` non-empty texts (or text pairs, for `pairs`)."""
    pairs = what == "pairs"
    ok = isinstance(raw, list) and all(
        (isinstance(v, list) and len(v) == 2 and all(_is_text(x) for x in v)) if pairs
        else _is_text(v) for v in raw)
    if not ok:
        shape = "[left, right] pairs" if pairs else "non-empty texts"
        report(line, f"'{what}' must be a list of {shape}")
        return []
    if len(raw) != count:
        report(line, f"'{what}' must have {count} entries, in the source's order "
                     f"(it has {len(raw)})")
        return []
    if pairs:
        return [[str(a).strip(), str(b).strip()] for a, b in raw]
    return [str(v).strip() for v in raw]


def _is_text(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool) and bool(
        str(value).strip())
