"""Validate drafts edited in the browser with the very checks `content check` runs.

A draft is a dict in quiz-file shape. It is turned into the LineDict/LineList document the
file parser reads, with a made-up "line" for every mapping, key and list item; each problem
the parser reports on a line is mapped back to the path of the value it concerns
(`("questions", 2, "options", 1)`), so a form can show it beside the field. Pure: no Flask,
no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..grading.types import ValidationContext
from .export import lesson_markdown, quiz_file_data
from .lessonfile import parse_lesson
from .markdown import image_references
from .model import LessonSpec, ModuleSpec, QuizSpec
from .quizfile import parse_quiz
from .yamlsrc import LineDict, LineList

Path = tuple[str | int, ...]
_MISSING = re.compile(r"missing '(\w+)'")


@dataclass(frozen=True)
class FieldProblem:
    """A problem with the value at `path` in a draft (an empty path is the whole quiz)."""

    path: Path
    message: str


class _Lines:
    """Hands out fake line numbers and remembers which path each one stands for."""

    def __init__(self) -> None:
        self.paths: dict[int, Path] = {}

    def new(self, path: Path) -> int:
        line = len(self.paths) + 1
        self.paths[line] = path
        return line


def line_document(value: Any, lines: _Lines, path: Path = ()) -> Any:
    """Return `value` as LineDict/LineList whose lines stand for their paths."""
    if isinstance(value, dict):
        doc = LineDict()
        doc.line = lines.new(path)
        doc.key_lines = {}
        for key, item in value.items():
            doc.key_lines[str(key)] = lines.new((*path, str(key)))
            doc[str(key)] = line_document(item, lines, (*path, str(key)))
        return doc
    if isinstance(value, list | tuple):
        seq = LineList()
        seq.line = lines.new(path)
        seq.item_lines = []
        for index, item in enumerate(value):
            child = line_document(item, lines, (*path, index))
            line = child.line if isinstance(child, LineDict | LineList) else lines.new(
                (*path, index))
            seq.item_lines.append(line)
            seq.append(child)
        return seq
    return value


def _problem(paths: dict[int, Path], line: int, message: str) -> FieldProblem:
    path = paths.get(line, ())
    missing = _MISSING.search(message)
    if missing and (not path or not isinstance(path[-1], str) or path[-1] != missing.group(1)):
        path = (*path, missing.group(1))
    return FieldProblem(path, message)


def validate_quiz_draft(data: dict[str, Any], ctx: ValidationContext,
                        objectives: set[str] | None = None
                        ) -> tuple[QuizSpec | None, list[FieldProblem]]:
    """Parse a draft as `content check` would; also check objectives against the course's."""
    lines = _Lines()
    doc = line_document(quiz_file_data(data), lines)
    problems: list[FieldProblem] = []
    stem = str(data.get("slug") or "")
    spec = parse_quiz(doc, stem, lambda line, msg: problems.append(
        _problem(lines.paths, line, msg)), ctx)
    if spec is not None and objectives is not None:
        index = {q.get("id"): i for i, q in reversed(list(enumerate(data.get("questions", []))))}
        for question in spec.data["questions"]:
            code = question.get("objective")
            if code and code not in objectives:
                problems.append(FieldProblem(
                    ("questions", index.get(question["id"], 0), "objective"),
                    f"objective '{code}' is not declared by any module of the course"))
    return spec, problems


def problems_under(problems: list[FieldProblem], prefix: Path) -> list[FieldProblem]:
    """Return the problems at or below `prefix`, with the prefix removed from their paths."""
    size = len(prefix)
    return [FieldProblem(p.path[size:], p.message) for p in problems if p.path[:size] == prefix]


@dataclass
class QuizDiff:
    """What changed between two versions of a quiz."""

    settings: list[tuple[str, Any, Any]] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    edited: list[tuple[str, list[str]]] = field(default_factory=list)
    reordered: bool = False

    @property
    def empty(self) -> bool:
        """Whether nothing changed."""
        return not (self.settings or self.added or self.removed or self.edited or self.reordered)


def diff_quizzes(old: dict[str, Any] | None, new: dict[str, Any]) -> QuizDiff:
    """Compare two quizzes (version data or drafts): settings and questions by id."""
    before = quiz_file_data(old or {"questions": []})
    after = quiz_file_data(new)
    diff = QuizDiff()
    for key in dict.fromkeys([*before, *after]):
        if key != "questions" and before.get(key) != after.get(key):
            diff.settings.append((key, before.get(key), after.get(key)))
    old_q = {q.get("id"): q for q in before["questions"]}
    new_q = {q.get("id"): q for q in after["questions"]}
    diff.added = [qid for qid in new_q if qid not in old_q]
    diff.removed = [qid for qid in old_q if qid not in new_q]
    for qid, question in new_q.items():
        if qid in old_q and old_q[qid] != question:
            keys = dict.fromkeys([*old_q[qid], *question])
            diff.edited.append((qid, [k for k in keys if old_q[qid].get(k) != question.get(k)]))
    kept_old = [qid for qid in old_q if qid in new_q]
    kept_new = [qid for qid in new_q if qid in old_q]
    diff.reordered = kept_old != kept_new
    return diff


LESSON_FIELDS = ("title", "minutes", "objectives")


def validate_lesson_draft(title: str, minutes: Any, objectives: list[str], body: str,
                          module: ModuleSpec, slug: str, asset_exists: Callable[[str], bool]
                          ) -> tuple[LessonSpec | None, dict[str, list[str]]]:
    """Check a lesson edit as `content check` checks its file; problems keyed by field."""
    text = lesson_markdown(title, minutes, objectives, body)
    front_end = text.index("\n---\n") + 1  # index of the closing '---' line's start
    body_first_line = text[:front_end].count("\n") + 2
    errors: dict[str, list[str]] = {}

    def report(line: int, message: str) -> None:
        name = next((f for f in LESSON_FIELDS if f"'{f}'" in message), None)
        if name is None and "objective '" in message:
            name = "objectives"
        if name is None:
            name = "body" if line >= body_first_line else "title"
        errors.setdefault(name, []).append(message)

    lesson = parse_lesson(text, slug, module, slug, report)
    for line, ref in image_references(body):
        if ref.startswith(("http://", "https://", "//")):
            errors.setdefault("body", []).append(
                f"line {line}: image '{ref}' is remote: put it in lessons/assets/")
        elif not ref.startswith("assets/") or not asset_exists(ref[len("assets/"):]):
            errors.setdefault("body", []).append(
                f"line {line}: image '{ref}' not found: use assets/<file> from lessons/assets/")
    return lesson, errors
