"""Question banks in and out of quizzes: GIFT, Moodle XML and Aiken, plus quiz-file export.

Imports go into the quiz's draft (never straight to trainees): every malformed or unsupported
question is reported with its line and the rest are added. The converters in
`tpcourse.banks` never execute anything in a file and read XML through defusedxml.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...banks import (
    BankExport,
    BankImport,
    BankProblem,
    export_aiken,
    export_gift,
    export_moodle_xml,
    parse_aiken,
    parse_gift,
    parse_moodle_xml,
)
from ...banks.model import too_big
from ...content.drafts import FieldProblem
from ...content.export import quiz_file_data, quiz_yaml
from ...extensions import db
from ...models import Course, QuizVersion, User
from ..errors import NotFound
from .quizzes import Workspace, add_questions, course_objectives, load_workspace, workspace


@dataclass(frozen=True)
class BankFormat:
    """One bank file format: how to read and write it, and how to name a download."""

    label: str
    parse: Callable[[Any], BankImport]
    export: Callable[[list[dict[str, Any]]], BankExport]
    binary: bool
    suffix: str
    mimetype: str


FORMATS = {
    "gift": BankFormat("GIFT (Moodle text)", parse_gift, export_gift, False, ".gift.txt",
                       "text/plain; charset=utf-8"),
    "moodle-xml": BankFormat("Moodle XML", parse_moodle_xml, export_moodle_xml, True, ".xml",
                             "application/xml"),
    "aiken": BankFormat("Aiken", parse_aiken, export_aiken, False, ".aiken.txt",
                        "text/plain; charset=utf-8"),
}


def bank_format(name: str) -> BankFormat:
    """Return a bank format by name; NotFound for anything else."""
    if name not in FORMATS:
        raise NotFound("Unknown question-bank format: use gift, moodle-xml or aiken.")
    return FORMATS[name]


def read_bank(data: bytes, fmt: str) -> BankImport:
    """Parse an uploaded bank file; size, encoding and content problems become report lines."""
    kind = bank_format(fmt)
    oversized = too_big(len(data))
    if oversized is not None:
        return oversized
    if kind.binary:
        return kind.parse(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result = BankImport()
        result.error(data[:exc.start].count(b"\n") + 1,
                     "the file is not UTF-8 text: save it as UTF-8 (Unicode) and import again")
        return result
    return kind.parse(text)


@dataclass
class ImportOutcome:
    """What an import added, what the file had wrong, and what the draft now needs fixed."""

    added: list[str] = field(default_factory=list)
    problems: list[BankProblem] = field(default_factory=list)
    draft_problems: list[FieldProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[BankProblem]:
        """The problems that kept a question out."""
        return [p for p in self.problems if p.severity == "error"]


def _import(ws: Workspace, data: bytes, fmt: str, replace: bool, user: User | None,
            now: datetime) -> ImportOutcome:
    result = read_bank(data, fmt)
    outcome = ImportOutcome(problems=sorted(result.problems, key=lambda p: p.line))
    if result.questions:
        outcome.added = add_questions(ws, result.questions, replace, user, now)
        outcome.draft_problems = ws.problems()
    return outcome


def import_bank(user: User, slug: str, data: bytes, fmt: str, replace: bool,
                now: datetime) -> ImportOutcome:
    """Add a bank's questions to the quiz's draft, for an author of the quiz."""
    return _import(workspace(user, slug), data, fmt, replace, user, now)


def import_bank_cli(slug: str, data: bytes, fmt: str, replace: bool, now: datetime,
                    course_slug: str | None = None) -> ImportOutcome:
    """The command line's import: no person, so no permission check; may start a new quiz."""
    try:
        ws = load_workspace(slug)
    except NotFound:
        if course_slug is None:
            raise NotFound(f"No quiz '{slug}': give --course COURSE to start a new one.") \
                from None
        course = db.session.execute(select(Course).filter_by(slug=course_slug)
                                    ).scalar_one_or_none()
        if course is None:
            raise NotFound(f"No course '{course_slug}'.") from None
        ws = Workspace(slug, course, None, None, None,
                       {"slug": slug, "title": slug, "questions": []}, course_objectives(course.id))
    return _import(ws, data, fmt, replace, None, now)


def _source(ws: Workspace, draft: bool, number: int | None = None) -> dict[str, Any]:
    if number is not None and ws.quiz is not None:
        version = db.session.execute(select(QuizVersion).filter_by(
            quiz_id=ws.quiz.id, version=number)).scalar_one_or_none()
        if version is None:
            raise NotFound("No such version of this quiz.")
        return version.data
    if draft or ws.version is None:
        return ws.data
    return ws.version.data


def export_bank(ws: Workspace, fmt: str, draft: bool = False) -> tuple[str, BankExport]:
    """Write the quiz's questions (published, or the draft) as a bank; (file name, export)."""
    kind = bank_format(fmt)
    questions = quiz_file_data(_source(ws, draft))["questions"]
    return ws.slug + kind.suffix, kind.export(questions)


def export_quiz_file(ws: Workspace, draft: bool = False,
                     number: int | None = None) -> tuple[str, str]:
    """Return the quiz (current, a given version, or the draft) as (file name, file text)."""
    return f"{ws.slug}.yaml", quiz_yaml(_source(ws, draft, number))
