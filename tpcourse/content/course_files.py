"""A whole course as one dict, and that dict as the files of CONTENT_FORMAT.md.

The course editor in the browser keeps a course as a "course dict": course.yaml's keys, and
`modules`, each with module.yaml's keys and its `lessons` (slug, title, minutes, objectives,
body). `course_files` turns it (with the quizzes it uses) into the `lessons/` + `quizzes/`
files, so the very loader of `content check` validates it and `content sync` versions it;
exporting a course is the same function. Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Any

from .export import dump_yaml, lesson_markdown, normalise_body, quiz_yaml
from .model import CourseSpec
from .translations import split_translation_name, translation_name
from .yamlsrc import LineDict, YamlSyntaxError, load_yaml

SETTING_KEYS = ("title", "summary", "ce_hours", "certificate_valid_days", "course_type",
                "final_exam", "completion", "practical_skills", "evaluation",
                "hands_on_minutes", "hands_on_ce_hours", "ce_approval")
"""course.yaml's keys other than slug and modules, in the order files are written."""

LABELS = {
    "title": "Title", "summary": "Summary", "ce_hours": "CE hours",
    "certificate_valid_days": "Certificate validity (days)", "course_type": "Course type",
    "final_exam": "Final exam", "completion": "Completion rules",
    "completion.lessons": "Lessons to read", "completion.quizzes": "Module quizzes to pass",
    "completion.final_exam": "Final exam to pass", "completion.skills": "Practical skills",
    "completion.evaluation": "Course evaluation", "practical_skills": "Practical skills",
    "evaluation": "Evaluation questions", "hands_on_minutes": "Hands-on minutes",
    "hands_on_ce_hours": "Hands-on CE hours", "ce_approval": "CE approval",
    "ce_approval.approver": "Approver", "ce_approval.provider_name": "Provider name",
    "ce_approval.provider_number": "Provider number",
    "ce_approval.provider_contact": "Provider contact", "ce_approval.signatory": "Signatory",
    "renewal": "Renewal", "renewal.path": "Renewal by", "renewal.window_days":
    "Renewal window (days before expiry)", "renewal.quiz": "Renewal quiz",
    "renewal.ce_hours": "CE hours to renew", "sequencing": "Order of the steps",
    "sequencing.module_quiz_after_lessons": "Module quizzes after their lessons",
    "sequencing.final_after_module_quizzes": "Final exam after the module quizzes",
    "sequencing.quiz_dates": "Quiz dates",
}
"""How each setting is named to people (version history, error summaries)."""

_PREFIX = re.compile(r"^\d+-")


def course_dict(spec: CourseSpec) -> dict[str, Any]:
    """Return a course (a spec loaded from files or rebuilt from a version) as a course dict."""
    data = asdict(spec)
    course = {"slug": spec.slug, **{key: data[key] for key in SETTING_KEYS if key in data}}
    course["practical_skills"] = dict(spec.practical_skills)
    course["skill_rubrics"] = {key: [dict(c) for c in criteria]
                               for key, criteria in (spec.skill_rubrics or {}).items()}
    course["renewal"] = dict(spec.renewal) if spec.renewal is not None else None
    course["sequencing"] = dict(spec.sequencing) if spec.sequencing is not None else None
    course["modules"] = [{
        "slug": m.slug, "title": m.title, "objectives": dict(m.objectives), "quiz": m.quiz,
        "safety": m.safety,
        "lessons": [{"slug": lesson.slug, "title": lesson.title, "minutes": lesson.minutes,
                     "objectives": list(lesson.objectives), "body": lesson.body}
                    for lesson in m.lessons]} for m in spec.modules]
    if spec.translations:  # left out when there are none, so older drafts compare equal
        course["translations"] = dict(spec.translations)
    return course


def course_yaml_data(course: dict[str, Any]) -> dict[str, Any]:
    """Return course.yaml's content for a course dict, leaving out what the parser fills in."""
    out: dict[str, Any] = {"slug": course["slug"], "title": course.get("title")}
    if course.get("summary"):
        out["summary"] = course["summary"]
    out["ce_hours"] = course.get("ce_hours", 0)
    for key in ("certificate_valid_days", "course_type"):
        if course.get(key) is not None:
            out[key] = course[key]
    if course.get("hands_on_minutes"):
        out["hands_on_minutes"] = course["hands_on_minutes"]
    if course.get("hands_on_ce_hours"):
        out["hands_on_ce_hours"] = course["hands_on_ce_hours"]
    out["modules"] = [m["slug"] for m in course.get("modules", [])]
    if course.get("final_exam"):
        out["final_exam"] = course["final_exam"]
    completion = dict(course.get("completion") or {})
    if completion:
        if completion.get("final_exam") is None:
            completion["final_exam"] = "none"
        out["completion"] = completion
    if course.get("practical_skills"):
        rubrics = course.get("skill_rubrics") or {}
        out["practical_skills"] = {
            key: {"text": text, "rubric": [dict(c) for c in rubrics[key]]} if rubrics.get(key)
            else text for key, text in course["practical_skills"].items()}
    if course.get("evaluation"):
        out["evaluation"] = [dict(q) for q in course["evaluation"]]
    if course.get("ce_approval"):
        out["ce_approval"] = dict(course["ce_approval"])
    out.update(_cycle_settings(course))
    return out


def _cycle_settings(course: dict[str, Any]) -> dict[str, Any]:
    """course.yaml's sequencing and renewal keys (content/course_settings.py) for a course
    dict: none when the course sets none, so older courses keep their files and hash."""
    out: dict[str, Any] = {}
    sequencing = course.get("sequencing")
    if sequencing is not None:
        out["sequencing"] = {key: bool(sequencing.get(key, True)) for key in
                             ("module_quiz_after_lessons", "final_after_module_quizzes")}
        if sequencing.get("quiz_dates"):
            out["sequencing"]["quiz_dates"] = {slug: dict(window) for slug, window in
                                               sequencing["quiz_dates"].items()}
    renewal = course.get("renewal")
    if renewal is not None:
        out["renewal"] = renewal.get("path", "full")
        out["renewal_window_days"] = renewal.get("window_days", 90)
        if renewal.get("quiz"):
            out["renewal_quiz"] = renewal["quiz"]
        if renewal.get("ce_hours"):
            out["renewal_ce_hours"] = renewal["ce_hours"]
    return out


def module_yaml_data(module: dict[str, Any]) -> dict[str, Any]:
    """Return module.yaml's content for a module of a course dict."""
    out: dict[str, Any] = {"title": module.get("title"),
                           "objectives": dict(module.get("objectives") or {})}
    if module.get("quiz"):
        out["quiz"] = module["quiz"]
    if module.get("safety"):
        out["safety"] = True
    return out


def course_files(course: dict[str, Any], quizzes: dict[str, dict[str, Any]]
                 ) -> dict[str, str]:
    """Return {relative path: text} for the course's files and the quizzes it uses.

    Paths are `lessons/<course>/course.yaml`, `lessons/<course>/<module>/module.yaml`,
    `lessons/<course>/<module>/<lesson>.md` and `quizzes/<quiz>.yaml`, and the translations
    beside them (`module.es.yaml`, `<lesson>.es.md`, `quizzes/<quiz>.es.yaml`, ...).
    """
    root = f"lessons/{course['slug']}"
    files = {f"{root}/course.yaml": dump_yaml(course_yaml_data(course))}
    for module in course.get("modules", []):
        folder = f"{root}/{module['slug']}"
        files[f"{folder}/module.yaml"] = dump_yaml(module_yaml_data(module))
        for lesson in module.get("lessons", []):
            files[f"{folder}/{lesson['slug']}.md"] = lesson_markdown(
                lesson["title"], lesson["minutes"], list(lesson.get("objectives") or []),
                normalise_body(lesson.get("body", "")))
    for relative, text in sorted((course.get("translations") or {}).items()):
        folder, _, name = relative.rpartition("/")
        source = split_translation_name(name)
        # a translation of a lesson or module removed in the browser goes with it
        if source and f"{root}/{folder + '/' if folder else ''}{source[0]}" in files:
            files[f"{root}/{relative}"] = text
    for slug, data in sorted(quizzes.items()):
        files[f"quizzes/{slug}.yaml"] = quiz_yaml(data)
        for locale, stored in sorted((data.get("translations") or {}).items()):
            files[f"quizzes/{translation_name(slug + '.yaml', locale)}"] = stored["file"]
    return files


def used_quizzes(course: dict[str, Any]) -> list[str]:
    """Return the slugs of the module quizzes and the final exam a course dict names."""
    slugs = [m["quiz"] for m in course.get("modules", []) if m.get("quiz")]
    if course.get("final_exam"):
        slugs.append(course["final_exam"])
    return list(dict.fromkeys(slugs))


def setting_at(course_yaml: str, line: int) -> str | None:
    """Return which setting of course.yaml a line belongs to ('ce_approval.provider_name')."""
    try:
        doc = load_yaml(course_yaml)
    except YamlSyntaxError:
        return None
    if not isinstance(doc, LineDict):
        return None
    starts = sorted((doc.line_of(key), str(key)) for key in doc)
    found = None
    for start, key in starts:
        if start <= line:
            found = key
    if found in ("ce_approval", "completion") and isinstance(doc.get(found), LineDict):
        inner = doc[found]
        for key in inner:
            if inner.line_of(key) == line:
                return f"{found}.{key}"
    return found


def numbered_slug(slug: str, position: int) -> str:
    """Give a lesson slug the two-digit prefix of its position: files sort in lesson order."""
    return f"{position:02d}-{_PREFIX.sub('', slug)}"


def _shown(value: Any) -> str:
    if value is None or value == {} or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value)
    return str(value)


def diff_courses(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """Describe what changed between two course dicts, one sentence a line.

    Settings read "CE hours 8 → 10"; modules and lessons are named by their titles.
    """
    if old is None:
        return ["First version."]
    lines: list[str] = []
    for key in (*SETTING_KEYS, "renewal", "sequencing"):
        before, after = old.get(key), new.get(key)
        if key in ("completion", "ce_approval", "renewal", "sequencing") \
                and isinstance(after or before, dict):
            for sub in dict.fromkeys([*(before or {}), *(after or {})]):
                b, a = (before or {}).get(sub), (after or {}).get(sub)
                if b != a:
                    lines.append(f"{LABELS.get(f'{key}.{sub}', sub)} {_shown(b)} → {_shown(a)}")
        elif before != after and not (_empty(before) and _empty(after)):
            if key == "summary":
                lines.append("Summary rewritten")
            else:
                lines.append(f"{LABELS[key]} {_shown(before)} → {_shown(after)}")
    old_modules = {m["slug"]: m for m in old.get("modules", [])}
    new_modules = {m["slug"]: m for m in new.get("modules", [])}
    for slug, module in new_modules.items():
        if slug not in old_modules:
            lines.append(f"Module added: {module['title']}")
            continue
        lines += _module_changes(old_modules[slug], module)
    for slug, module in old_modules.items():
        if slug not in new_modules:
            lines.append(f"Module removed: {module['title']}")
    kept_old = [s for s in old_modules if s in new_modules]
    if kept_old != [s for s in new_modules if s in old_modules]:
        lines.append("Modules reordered")
    return lines


def _empty(value: Any) -> bool:
    return value in (None, "", 0, {}, [])


def _module_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    name = new["title"]
    lines = []
    if old.get("title") != new.get("title"):
        lines.append(f"Module renamed: {old.get('title')} → {new.get('title')}")
    if old.get("quiz") != new.get("quiz"):
        lines.append(f"{name}: module quiz {_shown(old.get('quiz'))} → {_shown(new.get('quiz'))}")
    if old.get("objectives") != new.get("objectives"):
        lines.append(f"{name}: objectives changed")
    if bool(old.get("safety")) != bool(new.get("safety")):
        lines.append(f"{name}: safety module {_shown(bool(old.get('safety')))} → "
                     f"{_shown(bool(new.get('safety')))}")
    before = {_PREFIX.sub("", lesson["slug"]): lesson for lesson in old.get("lessons", [])}
    after = {_PREFIX.sub("", lesson["slug"]): lesson for lesson in new.get("lessons", [])}
    for key, lesson in after.items():
        if key not in before:
            lines.append(f"{name}: lesson added: {lesson['title']}")
        elif {k: v for k, v in before[key].items() if k not in ("slug", "was")} != {
                k: v for k, v in lesson.items() if k not in ("slug", "was")}:
            lines.append(f"{name}: lesson edited: {lesson['title']}")
    for key, lesson in before.items():
        if key not in after:
            lines.append(f"{name}: lesson removed: {lesson['title']}")
    if [k for k in before if k in after] != [k for k in after if k in before]:
        lines.append(f"{name}: lessons reordered")
    return lines
