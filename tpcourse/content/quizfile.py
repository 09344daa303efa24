"""Parse and validate one quiz file (`quizzes/<slug>.yaml`)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..grading.attempts import GRADING_MODES, REVIEW_POLICIES
from ..grading.draws import draw_problems
from ..grading.types import QUESTION_TYPES, ValidationContext
from .markdown import render_inline, render_markdown
from .model import QuizSpec
from .yamlsrc import LineDict, LineList

# Upper bounds that keep every later sum and date in range (a cooldown of 10**30 minutes
# cannot be added to a date): a year's wait, a day's time limit.
MAX_ATTEMPTS = 100
MAX_COOLDOWN_MINUTES = 525_600
MAX_TIME_LIMIT_MINUTES = 1_440
MAX_POINTS = 1_000
QUIZ_KEYS = {
    "slug", "title", "description", "pass_mark", "max_attempts", "cooldown_minutes",
    "time_limit_minutes", "shuffle_questions", "shuffle_options", "draw", "review", "grading",
    "questions_per_page", "questions",
}
COMMON_QUESTION_KEYS = {
    "id", "pool", "objective", "type", "points", "prompt", "explanation", "must_pass", "tags",
    "name", "category", "excludes",
}
NAME_KEYS = ("name", "category")
"""Kept from question banks for their round trip (the author's title, the Moodle category
path); authors see them in the studio, trainees never do."""

Report = Callable[[int, str], None]


def parse_quiz(doc: Any, stem: str, report: Report, ctx: ValidationContext) -> QuizSpec | None:
    """Validate a loaded quiz document and return it normalised, reporting every problem."""
    if not isinstance(doc, LineDict):
        report(1, "a quiz file must be a YAML mapping with slug, title and questions")
        return None
    for key in sorted(set(doc) - QUIZ_KEYS):
        report(doc.line_of(key), f"unknown key '{key}' (allowed: {', '.join(sorted(QUIZ_KEYS))})")
    slug = _text(doc, "slug", report, required=True)
    if slug and slug != stem:
        report(doc.line_of("slug"), f"slug '{slug}' must match the file name '{stem}.yaml'")
    data: dict[str, Any] = {
        "slug": slug or stem,
        "title": _text(doc, "title", report, required=True) or stem,
        "description": _text(doc, "description", report) or "",
        "pass_mark": _number(doc, "pass_mark", report, default=80, low=0, high=100),
        "max_attempts": _number(doc, "max_attempts", report, default=None, low=1,
                                high=MAX_ATTEMPTS, whole=True),
        "cooldown_minutes": _number(doc, "cooldown_minutes", report, default=0, low=0,
                                    high=MAX_COOLDOWN_MINUTES),
        "time_limit_minutes": _number(doc, "time_limit_minutes", report, default=None, low=1,
                                      high=MAX_TIME_LIMIT_MINUTES),
        "shuffle_questions": _flag(doc, "shuffle_questions", report),
        "shuffle_options": _flag(doc, "shuffle_options", report),
        "review": _choice(doc, "review", REVIEW_POLICIES, report),
        "grading": _choice(doc, "grading", GRADING_MODES, report),
    }
    per_page = _number(doc, "questions_per_page", report, default=None, low=1, whole=True)
    if per_page is not None:  # left out when unset, so existing quizzes keep their hash
        data["questions_per_page"] = per_page
    questions, lines = _questions(doc, report, ctx)
    data["questions"] = questions
    data["draw"] = _draw(doc, questions, report)
    _check_excludes(questions, lines, report)
    for question_id, message in draw_problems(data):
        where = lines.get(question_id, {}) if question_id else {}
        report(where.get("excludes") or where.get("pool") or where.get("line")
               or doc.line_of("draw"), message)
    return QuizSpec(slug=data["slug"], data=data, question_lines=lines,
                    draw_line=doc.line_of("draw"))


def _check_excludes(questions: list[dict[str, Any]], lines: dict[str, dict[str, int]],
                    report: Report) -> None:
    known = {q["id"] for q in questions}
    for question in questions:
        line = lines.get(question["id"], {}).get("excludes", 1)
        for other in question.get("excludes", []):
            if other == question["id"]:
                report(line, f"question '{other}' cannot exclude itself")
            elif other not in known:
                report(line, f"'excludes' names '{other}', which is not a question of this quiz")


def _questions(doc: LineDict, report: Report,
               ctx: ValidationContext) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    raw = doc.get("questions")
    if not isinstance(raw, LineList) or not raw:
        report(doc.line_of("questions"), "'questions' must list at least one question")
        return [], {}
    questions, seen, lines = [], {}, {}
    for index, item in enumerate(raw):
        if not isinstance(item, LineDict):
            report(raw.line_of(index), "each question must be a mapping with id, type and prompt")
            continue
        question = _question(item, report, ctx)
        if question is None:
            continue
        if question["id"] in seen:
            report(item.line_of("id"), f"duplicate question id '{question['id']}' "
                                       f"(first used on line {seen[question['id']]})")
            continue
        seen[question["id"]] = item.line_of("id")
        lines[question["id"]] = {"line": item.line, "objective": item.line_of("objective"),
                                 "pool": item.line_of("pool"), "excludes": item.line_of("excludes")}
        questions.append(question)
    return questions, lines


def _question(item: LineDict, report: Report, ctx: ValidationContext) -> dict[str, Any] | None:
    qtype = item.get("type")
    if qtype not in QUESTION_TYPES:
        report(item.line_of("type"), f"question type must be one of: {', '.join(QUESTION_TYPES)}"
                                     f" (got '{qtype}')")
        return None
    kind = QUESTION_TYPES[qtype]
    for key in sorted(set(item) - COMMON_QUESTION_KEYS - kind.keys):
        report(item.line_of(key), f"unknown key '{key}' for a {qtype} question")
    for key in sorted(kind.required - set(item)):
        report(item.line, f"{qtype} question '{item.get('id', '?')}' is missing '{key}'")
    question_id = _text(item, "id", report, required=True)
    prompt = _text(item, "prompt", report, required=True) or ""
    explanation = _text(item, "explanation", report) or ""
    points = _number(item, "points", report, default=1, low=0, high=MAX_POINTS)
    if points == 0:
        report(item.line_of("points"), "'points' must be more than 0")
    tags = item.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        report(item.line_of("tags"), "'tags' must be a list of words")
        tags = []
    question = {
        "id": question_id or f"line-{item.line}",
        "type": qtype,
        "pool": _text(item, "pool", report),
        "objective": _text(item, "objective", report),
        "points": points or 1,
        "must_pass": _flag(item, "must_pass", report),
        "tags": list(tags),
        "prompt": prompt,
        "prompt_html": render_inline(prompt),
        "explanation": explanation,
        "explanation_html": render_markdown(explanation),
    }
    for key in NAME_KEYS:
        value = _text(item, key, report)
        if value:
            question[key] = value
    excludes = _excludes(item, report)
    if excludes:
        question["excludes"] = excludes
    question.update(kind.validate(item, item.line_of, report, ctx))
    if qtype == "hotspot" and ctx.region_errors and question.get("regions"):
        for message in ctx.region_errors(question):
            report(item.line_of("regions"), f"'{question['id']}': {message}")
    for option in question.get("options", []):
        option["text_html"] = render_inline(option["text"])
        if option.get("feedback"):
            option["feedback_html"] = render_inline(option["feedback"])
    if question.get("model_answer"):  # graders only (tpcourse.grading.types.essay)
        question["model_answer_html"] = render_markdown(question["model_answer"])
    for key in ("feedback_true", "feedback_false"):
        if question.get(key):
            question[key + "_html"] = render_inline(question[key])
    return question


def _excludes(item: LineDict, report: Report) -> list[str]:
    raw = item.get("excludes", [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        report(item.line_of("excludes"), "'excludes' must list question ids, e.g. [dvt-term]")
        return []
    return sorted({x.strip() for x in raw})


def _draw(doc: LineDict, questions: list[dict[str, Any]], report: Report) -> dict[str, int]:
    raw = doc.get("draw")
    if raw is None:
        return {}
    if not isinstance(raw, LineDict):
        report(doc.line_of("draw"), "'draw' must map pool names to counts, e.g. {core: 8}")
        return {}
    draw = {}
    for pool, count in raw.items():
        size = sum(1 for q in questions if q.get("pool") == pool)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            report(raw.line_of(pool), f"draw count for pool '{pool}' must be a whole number ≥ 1")
        elif size == 0:
            report(raw.line_of(pool), f"draw names pool '{pool}' but no question is in it")
        elif count > size:
            report(raw.line_of(pool), f"draw asks for {count} questions from pool '{pool}' "
                                      f"but it has only {size}")
        else:
            draw[str(pool)] = count
    return draw


def _text(doc: LineDict, key: str, report: Report, required: bool = False) -> str | None:
    value = doc.get(key)
    if value is None:
        if required:
            report(doc.line, f"missing '{key}'")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        report(doc.line_of(key), f"'{key}' must be text")
        return None
    text = str(value).strip()
    if required and not text:
        report(doc.line_of(key), f"'{key}' must not be empty")
    return text or None


def _number(doc: LineDict, key: str, report: Report, default, low=None, high=None, whole=False):
    value = doc.get(key, default)
    if value is None or value is default:
        return default
    bad = isinstance(value, bool) or not isinstance(value, int | float)
    bad = bad or (whole and not isinstance(value, int)) or not math.isfinite(value)
    if bad or (low is not None and value < low) or (high is not None and value > high):
        bounds = f" between {low} and {high}" if high is not None else f" of {low} or more"
        report(doc.line_of(key), f"'{key}' must be a {'whole ' if whole else ''}number{bounds}")
        return default
    return value


def _flag(doc: LineDict, key: str, report: Report) -> bool:
    value = doc.get(key, False)
    if not isinstance(value, bool):
        report(doc.line_of(key), f"'{key}' must be true or false")
        return False
    return value


def _choice(doc: LineDict, key: str, allowed: tuple[str, ...], report: Report) -> str:
    value = doc.get(key, allowed[0])
    if value not in allowed:
        report(doc.line_of(key), f"'{key}' must be one of: {', '.join(allowed)}")
        return allowed[0]
    return value
