"""Parse course.yaml, module.yaml and lesson Markdown files."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .course_settings import RENEWAL_KEYS, parse_renewal, parse_sequencing
from .markdown import render_markdown, word_count
from .model import CompletionRules, CourseSpec, LessonSpec, ModuleSpec
from .yamlsrc import LineDict, LineList, YamlSyntaxError, load_yaml

Report = Callable[[int, str], None]

COURSE_KEYS = {"slug", "title", "summary", "ce_hours", "certificate_valid_days", "modules",
               "final_exam", "completion", "course_type", "practical_skills", "evaluation",
               "hands_on_minutes", "hands_on_ce_hours", "ce_approval",
               "sequencing"} | RENEWAL_KEYS
COURSE_TYPES = ("Live", "Home Study", "Webinar")
"""The course types an approver such as NCBTMB names on a CE certificate."""
APPROVAL_KEYS = {"approver": "who approved the course, e.g. NCBTMB",
                 "provider_name": "the Approved Provider's name",
                 "provider_number": "the Approved Provider number",
                 "provider_contact": "the provider's address or email",
                 "signatory": "who signs the certificates for the provider, e.g. Dr Ana Ruiz, "
                              "Education Director"}
COMPLETION_KEYS = {"lessons": ("all", "none"), "quizzes": ("all", "none"),
                   "final_exam": ("passed", "none"), "skills": ("all", "none"),
                   "evaluation": ("required", "none")}
EVALUATION_KEYS = {"id", "prompt", "type", "required"}
EVALUATION_TYPES = ("rating", "text")
SKILL_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MODULE_KEYS = {"title", "summary", "objectives", "quiz", "safety"}
LESSON_KEYS = {"title", "minutes", "objectives"}
MAX_LESSON_MINUTES = 10_000  # a week of reading: past it, a typo (and past 2**31, a column overflow)
MAX_HANDS_ON_MINUTES = 100_000
OBJECTIVE_CODE = re.compile(r"^[A-Z][A-Z0-9]*-\d+$")


def parse_course(doc: Any, folder: str, report: Report) -> CourseSpec | None:
    """Validate a loaded course.yaml."""
    if not isinstance(doc, LineDict):
        report(1, "course.yaml must be a mapping with slug, title and modules")
        return None
    _unknown(doc, COURSE_KEYS, report)
    slug = _required_text(doc, "slug", report) or folder
    if slug != folder:
        report(doc.line_of("slug"), f"slug '{slug}' must match the folder name '{folder}'")
    ce_hours = doc.get("ce_hours", 0)
    if isinstance(ce_hours, bool) or not isinstance(ce_hours, int | float) or ce_hours < 0:
        report(doc.line_of("ce_hours"), "'ce_hours' must be a number of zero or more")
        ce_hours = 0
    valid_days = doc.get("certificate_valid_days")
    if valid_days is not None and (isinstance(valid_days, bool) or not isinstance(valid_days, int)
                                   or valid_days < 1):
        report(doc.line_of("certificate_valid_days"), "'certificate_valid_days' must be a whole "
                                                      "number of days, or left out")
        valid_days = None
    modules = doc.get("modules")
    if not isinstance(modules, LineList) or not modules or not all(
        isinstance(m, str) for m in modules
    ):
        report(doc.line_of("modules"), "'modules' must list the module folder names in order")
        modules = []
    rubrics: dict[str, list[dict[str, Any]]] = {}
    course = CourseSpec(
        slug=slug,
        title=_required_text(doc, "title", report) or slug,
        summary=str(doc.get("summary") or "").strip(),
        ce_hours=float(ce_hours),
        certificate_valid_days=valid_days,
        final_exam=str(doc["final_exam"]) if doc.get("final_exam") else None,
        completion=_completion(doc, report),
        course_type=_course_type(doc, report),
        practical_skills=_skills(doc, report, rubrics),
        skill_rubrics=rubrics,
        evaluation=_evaluation(doc, report),
        ce_approval=_approval(doc, report),
    )
    course.renewal = parse_renewal(doc, course.final_exam, report)
    course.sequencing = parse_sequencing(doc, report)
    _hands_on(doc, course, report)
    course.lines = {key: doc.line_of(key) for key in COURSE_KEYS}
    if course.completion.skills == "all" and not course.practical_skills:
        report(doc.line_of("completion"), "completion requires skills but 'practical_skills' "
                                          "lists none")
    if course.completion.evaluation == "required" and not course.evaluation:
        report(doc.line_of("completion"), "completion requires the evaluation but 'evaluation' "
                                          "lists no questions")
    course.modules = [ModuleSpec(slug=m, title=m, objectives={}, quiz=None) for m in modules]
    return course


def _course_type(doc: LineDict, report: Report) -> str:
    """Return Live, Home Study or Webinar; other text is kept only in a course not approved."""
    raw = str(doc.get("course_type") or "Home Study").strip()
    canonical = {kind.casefold(): kind for kind in COURSE_TYPES}.get(" ".join(raw.split()).casefold())
    if canonical:
        return canonical
    if doc.get("ce_approval") is not None:
        report(doc.line_of("course_type"), f"'course_type' must be one of {', '.join(COURSE_TYPES)} "
                                           "in a course that claims CE approval (got "
                                           f"'{raw}'); state hands-on time with "
                                           "hands_on_minutes and hands_on_ce_hours")
    return raw


def _approval(doc: LineDict, report: Report) -> dict[str, str] | None:
    """Validate `ce_approval`: a course that claims approval carries every required field."""
    raw = doc.get("ce_approval")
    if raw is None:
        return None
    if not isinstance(raw, LineDict):
        report(doc.line_of("ce_approval"), "'ce_approval' must be a mapping with "
                                           + ", ".join(APPROVAL_KEYS))
        return None
    _unknown(raw, set(APPROVAL_KEYS), report)
    approval = {}
    for key, meaning in APPROVAL_KEYS.items():
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(
                value).strip():
            line = raw.line_of(key) if key in raw else doc.line_of("ce_approval")
            report(line, f"a course that claims CE approval must give "
                         f"ce_approval.{key}: {meaning}")
        else:
            approval[key] = " ".join(str(value).split())
    contact = approval.get("provider_contact", "")
    if contact and "@" not in contact and not any(ch.isdigit() for ch in contact):
        report(raw.line_of("provider_contact"), "ce_approval.provider_contact must be the "
                                                "provider's postal address or email")
    if not isinstance(doc.get("ce_hours"), int | float) or not doc.get("ce_hours"):
        report(doc.line_of("ce_hours"), "a course that claims CE approval must state its "
                                        "'ce_hours'")
    return approval


def _hands_on(doc: LineDict, course: CourseSpec, report: Report) -> None:
    """Read the declared hands-on time and the CE hours earned by it."""
    minutes = doc.get("hands_on_minutes", 0)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not \
            0 <= minutes <= MAX_HANDS_ON_MINUTES:
        report(doc.line_of("hands_on_minutes"), "'hands_on_minutes' must be a whole number of "
                                                "minutes of scheduled, supervised practice")
        minutes = 0
    hours = doc.get("hands_on_ce_hours", 0)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
        report(doc.line_of("hands_on_ce_hours"), "'hands_on_ce_hours' must be a number of "
                                                 "zero or more")
        hours = 0
    if hours > course.ce_hours:
        report(doc.line_of("hands_on_ce_hours"), f"'hands_on_ce_hours' ({hours:g}) cannot be "
                                                 f"more than 'ce_hours' ({course.ce_hours:g})")
        hours = course.ce_hours
    if hours and not minutes:
        report(doc.line_of("hands_on_ce_hours"), "hands-on CE hours need 'hands_on_minutes': "
                                                 "the scheduled practice time they stand for")
    course.hands_on_minutes, course.hands_on_ce_hours = minutes, float(hours)


def module_lines(doc: Any) -> dict[str, int]:
    """Return the line of each module name in course.yaml's `modules` list."""
    modules = doc.get("modules") if isinstance(doc, LineDict) else None
    if not isinstance(modules, LineList):
        return {}
    return {str(m): modules.line_of(i) for i, m in enumerate(modules)}


def _skills(doc: LineDict, report: Report,
            rubrics: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, str]:
    """Read `practical_skills`: key -> description, or key -> {text, rubric} (the rubric's
    criteria go into `rubrics`)."""
    raw = doc.get("practical_skills", LineDict())
    if not isinstance(raw, LineDict):
        report(doc.line_of("practical_skills"), "'practical_skills' must map a short key to a "
                                                "description, e.g. pincer-upper-trap: ...")
        return {}
    skills = {}
    for key, text in raw.items():
        if isinstance(text, LineDict):
            text = _skill_with_rubric(key, text, report, rubrics if rubrics is not None else {})
        if not SKILL_KEY.match(key):
            report(raw.line_of(key), f"skill key '{key}' must be lowercase words joined by '-'")
        elif not isinstance(text, str) or not text.strip():
            report(raw.line_of(key), f"skill '{key}' needs a description")
        else:
            skills[key] = text.strip()
    return skills


def _skill_with_rubric(key: str, entry: LineDict, report: Report,
                       rubrics: dict[str, list[dict[str, Any]]]) -> str | None:
    """Read `{text, rubric: [{id, text, levels: [lowest, ..., highest]}]}`; return the text."""
    for unknown in sorted(set(entry) - {"text", "rubric"}):
        report(entry.line_of(unknown), f"unknown key '{unknown}' in skill '{key}' (allowed: "
                                       "text, rubric)")
    rubric = entry.get("rubric")
    if rubric is None:
        return entry.get("text")
    if not isinstance(rubric, list) or not rubric:
        report(entry.line_of("rubric"), f"skill '{key}': 'rubric' must list criteria")
        return entry.get("text")
    criteria, seen = [], set()
    for index, item in enumerate(rubric):
        line = rubric.line_of(index) if isinstance(rubric, LineList) else entry.line_of("rubric")
        if not isinstance(item, dict) or set(item) - {"id", "text", "levels"}:
            report(line, f"skill '{key}': each criterion is {{id, text, levels}}")
            continue
        cid, text, levels = item.get("id"), item.get("text"), item.get("levels")
        if not isinstance(cid, str) or not SKILL_KEY.match(cid) or cid in seen:
            report(line, f"skill '{key}': each criterion needs a unique 'id' of lowercase "
                         "words joined by '-'")
            continue
        if not isinstance(text, str) or not text.strip():
            report(line, f"skill '{key}': criterion '{cid}' needs 'text'")
            continue
        if not isinstance(levels, list) or not 2 <= len(levels) <= 6 or not all(
                isinstance(level, str) and level.strip() for level in levels) \
                or len({level.strip().casefold() for level in levels}) != len(levels):
            report(line, f"skill '{key}': criterion '{cid}' needs 'levels', 2 to 6 different "
                         "names, lowest first (e.g. [not yet, meets, exceeds])")
            continue
        seen.add(cid)
        criteria.append({"id": cid, "text": text.strip(),
                         "levels": [level.strip() for level in levels]})
    if criteria:
        rubrics[key] = criteria
    return entry.get("text")


def _evaluation(doc: LineDict, report: Report) -> list[dict[str, Any]]:
    raw = doc.get("evaluation", [])
    if not isinstance(raw, list):
        report(doc.line_of("evaluation"), "'evaluation' must list questions")
        return []
    questions, seen = [], set()
    for index, item in enumerate(raw):
        line = raw.line_of(index) if isinstance(raw, LineList) else doc.line_of("evaluation")
        if not isinstance(item, LineDict):
            report(line, "each evaluation question needs id, prompt and type (rating or text)")
            continue
        _unknown(item, EVALUATION_KEYS, report)
        qid, prompt, kind = str(item.get("id", "")), item.get("prompt"), item.get("type")
        if not qid or qid in seen:
            report(line, f"evaluation question id '{qid}' is missing or repeated")
        elif not isinstance(prompt, str) or not prompt.strip():
            report(line, f"evaluation question '{qid}' needs a prompt")
        elif kind not in EVALUATION_TYPES:
            report(item.line_of("type"), "evaluation 'type' must be rating (1-5) or text")
        else:
            questions.append({"id": qid, "prompt": prompt.strip(), "type": kind,
                              "required": item.get("required", kind == "rating") is True})
        seen.add(qid)
    return questions


def _completion(doc: LineDict, report: Report) -> CompletionRules:
    raw = doc.get("completion")
    rules = CompletionRules(final_exam="passed" if doc.get("final_exam") else None)
    if raw is None:
        return rules
    if not isinstance(raw, LineDict):
        report(doc.line_of("completion"), "'completion' must be a mapping")
        return rules
    for key in raw:
        if key not in COMPLETION_KEYS:
            report(raw.line_of(key), f"unknown completion rule '{key}' "
                                     f"(allowed: {', '.join(COMPLETION_KEYS)})")
        elif raw[key] not in COMPLETION_KEYS[key]:
            report(raw.line_of(key), f"completion '{key}' must be one of: "
                                     f"{', '.join(COMPLETION_KEYS[key])}")
        else:
            setattr(rules, key, raw[key])
    if rules.final_exam == "none":
        rules.final_exam = None
    if rules.final_exam and not doc.get("final_exam"):
        report(raw.line_of("final_exam"), "completion needs a final exam but the course names "
                                          "no 'final_exam'")
        rules.final_exam = None
    return rules


def parse_module(doc: Any, module: ModuleSpec, report: Report) -> None:
    """Validate a loaded module.yaml into `module`."""
    if not isinstance(doc, LineDict):
        report(1, "module.yaml must be a mapping with title and objectives")
        return
    _unknown(doc, MODULE_KEYS, report)
    module.title = _required_text(doc, "title", report) or module.slug
    objectives = doc.get("objectives", LineDict())
    if not isinstance(objectives, LineDict):
        report(doc.line_of("objectives"), "'objectives' must map codes to text, e.g. LOC-1: ...")
        objectives = LineDict()
    for code, text in objectives.items():
        if not OBJECTIVE_CODE.match(code):
            report(objectives.line_of(code), f"objective code '{code}' must look like ABC-1")
        elif not isinstance(text, str) or not text.strip():
            report(objectives.line_of(code), f"objective '{code}' needs a description")
        else:
            module.objectives[code] = text.strip()
    module.quiz = str(doc["quiz"]) if doc.get("quiz") else None
    module.quiz_line = doc.line_of("quiz")
    safety = doc.get("safety", False)
    if not isinstance(safety, bool):
        report(doc.line_of("safety"), "'safety' must be true or false")
        safety = False
    module.safety = safety


def split_front_matter(text: str, report: Report, missing: str, keys: str
                       ) -> tuple[LineDict, list[str], int] | None:
    """Read a Markdown file's YAML front matter: (the mapping, the file's lines, the line index
    of the closing '---'), or None after reporting why not (`missing`: the message for a file
    without front matter; `keys`: what the mapping should hold)."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        report(1, missing)
        return None
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        report(1, "front matter is not closed: add a line with '---' after it")
        return None
    try:
        meta = load_yaml("\n".join(lines[1:end]), line_offset=1)
    except YamlSyntaxError as exc:
        report(exc.line, exc.message)
        return None
    if not isinstance(meta, LineDict):
        report(2, f"front matter must be a mapping with {keys}")
        return None
    return meta, lines, end


def parse_lesson(text: str, slug: str, module: ModuleSpec, path: str,
                 report: Report) -> LessonSpec | None:
    """Split front matter from the Markdown body, validate it and render the body."""
    found = split_front_matter(text, report, "a lesson must start with '---' and YAML front "
                               "matter (title, minutes)", "title and minutes")
    if found is None:
        return None
    meta, lines, end = found
    _unknown(meta, LESSON_KEYS, report)
    minutes = meta.get("minutes", 0)
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not \
            1 <= minutes <= MAX_LESSON_MINUTES:
        report(meta.line_of("minutes"), "'minutes' must be a whole number from 1 to "
                                        f"{MAX_LESSON_MINUTES}")
        minutes = 1
    objectives = meta.get("objectives", [])
    if not isinstance(objectives, list) or not all(isinstance(o, str) for o in objectives):
        report(meta.line_of("objectives"), "'objectives' must be a list of codes, e.g. [LOC-1]")
        objectives = []
    for code in objectives:
        if code not in module.objectives:
            report(meta.line_of("objectives"), f"objective '{code}' is not declared in "
                                               f"{module.slug}/module.yaml")
    body = "\n".join(lines[end + 1:])
    return LessonSpec(slug=slug, title=_required_text(meta, "title", report) or slug,
                      minutes=minutes, objectives=list(objectives), body=body,
                      html=render_markdown(body), words=word_count(body), path=path)


def _unknown(doc: LineDict, allowed: set[str], report: Report) -> None:
    for key in sorted(set(doc) - allowed):
        report(doc.line_of(key), f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")


def _required_text(doc: LineDict, key: str, report: Report) -> str | None:
    value = doc.get(key)
    if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
        report(doc.line_of(key), f"missing '{key}'" if key not in doc else f"'{key}' must be text")
        return None
    return str(value).strip()
