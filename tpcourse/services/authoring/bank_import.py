"""Question banks in and out of quizzes: GIFT, Moodle XML, Aiken, Canvas QTI 1.2, QTI 2.1.

Imports go into the quiz's draft (never straight to trainees): every malformed or unsupported
question is reported with its line and the rest are added. In the studio an upload is first
previewed (bank_preview.py); the command line imports directly. The converters in
`tpcourse.banks` never execute anything in a file, read XML through defusedxml and zips
within bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from ...banks import (
    MAX_QUIZ_QUESTIONS,
    SCORING_CHOICES,
    BankExport,
    BankImport,
    BankProblem,
    export_aiken,
    export_gift,
    export_moodle_xml,
    export_qti21,
    parse_aiken,
    parse_canvas_qti,
    parse_gift,
    parse_moodle_xml,
    parse_qti21,
)
from ...banks.model import slugify, too_big
from ...content.drafts import FieldProblem
from ...content.export import quiz_file_data, quiz_yaml
from ...content.markdown import render_markdown
from ...extensions import db
from ...models import Course, QuizVersion, User
from ..errors import NotFound, ServiceError
from .quizzes import (
    Workspace,
    add_questions,
    assets_dir,
    course_objectives,
    load_workspace,
    validate,
)

Parse = Callable[[bytes, str, str], BankImport]  # (data, scoring, asset prefix)
Export = Callable[[list[dict[str, Any]]], BankExport]


@dataclass(frozen=True)
class BankFormat:
    """One bank file format: how to read and write it, and how to name a download."""

    label: str
    parse: Parse | None
    export: Export | None
    suffix: str
    mimetype: str


def _text(parse: Callable[[str, str], BankImport]) -> Parse:
    """Wrap a text format's parser: the upload must be UTF-8 (the line of a bad byte is said)."""
    def read(data: bytes, scoring: str, prefix: str) -> BankImport:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            result = BankImport()
            result.error(data[:exc.start].count(b"\n") + 1, "the file is not UTF-8 text: save "
                                                            "it as UTF-8 (Unicode) and import "
                                                            "again")
            return result
        return parse(text, scoring)
    return read


def _asset_bytes(path: str) -> bytes | None:
    """The bytes of an `assets/...` image a question shows, for exports that carry images."""
    root = assets_dir().resolve()
    target = (root.parent / path).resolve()
    if root not in target.parents or not target.is_file():
        return None
    return target.read_bytes()


FORMATS = {
    "gift": BankFormat("GIFT (Moodle text)", _text(parse_gift), export_gift, ".gift.txt",
                       "text/plain; charset=utf-8"),
    "moodle-xml": BankFormat("Moodle XML", lambda d, s, p: parse_moodle_xml(d, s, p),
                             lambda qs: export_moodle_xml(qs, files=_asset_bytes), ".xml",
                             "application/xml"),
    "aiken": BankFormat("Aiken", _text(parse_aiken), export_aiken, ".aiken.txt",
                        "text/plain; charset=utf-8"),
    "canvas": BankFormat("Canvas quiz export (QTI 1.2 .zip)",
                         lambda d, s, p: parse_canvas_qti(d, s, p, render_markdown), None,
                         ".zip", "application/zip"),
    "qti21": BankFormat("IMS QTI 2.1 (.zip)",
                        lambda d, s, p: parse_qti21(d, s, p, render_markdown),
                        lambda qs: export_qti21(qs, render_markdown, _asset_bytes),
                        ".qti21.zip", "application/zip"),
}
IMPORT_FORMATS = [name for name, kind in FORMATS.items() if kind.parse]
EXPORT_FORMATS = [name for name, kind in FORMATS.items() if kind.export]


def bank_format(name: str, exporting: bool = False) -> BankFormat:
    """Return a bank format by name; NotFound for anything else."""
    names = EXPORT_FORMATS if exporting else IMPORT_FORMATS
    if name not in names:
        raise NotFound(f"Unknown question-bank format: use {', '.join(names)}.")
    return FORMATS[name]


def asset_folder(ws: Workspace) -> str:
    """The folder of lessons/assets/ that a quiz's imported images go to: the course's."""
    return slugify(ws.course.slug) if ws.course is not None else f"quiz-{slugify(ws.slug)}"


def read_bank(data: bytes, fmt: str, scoring: str = "source",
              asset_prefix: str = "assets/imported/") -> BankImport:
    """Parse an uploaded bank file; size, encoding and content problems become report lines."""
    kind = bank_format(fmt)
    if scoring not in SCORING_CHOICES:
        raise ServiceError(_("Choose how to score: as the source did, or by the platform's rules."))
    oversized = too_big(len(data))
    if oversized is not None:
        return oversized
    return kind.parse(data, scoring, asset_prefix)


@dataclass
class ImportOutcome:
    """What an import added, what the file had wrong, and what the new questions need fixed."""

    added: list[str] = field(default_factory=list)
    problems: list[BankProblem] = field(default_factory=list)
    draft_problems: list[FieldProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[BankProblem]:
        """The problems that kept a question out."""
        return [p for p in self.problems if p.severity == "error"]


def land(ws: Workspace, result: BankImport, chosen: list[int] | None, replace: bool,
         user: User | None, now: datetime) -> ImportOutcome:
    """Add the chosen questions of a parsed bank (all when None) to the draft, with images.

    Only the new questions are validated (with the quiz's settings): an import costs work in
    proportion to the bank, not to the draft it lands in.
    """
    indices = range(len(result.questions)) if chosen is None else \
        [i for i in dict.fromkeys(chosen) if 0 <= i < len(result.questions)]
    questions = [result.questions[i] for i in indices]
    outcome = ImportOutcome(problems=sorted(result.problems, key=lambda p: (p.source, p.line)))
    if not questions:
        return outcome
    kept = 0 if replace else len(ws.questions)
    if kept + len(questions) > MAX_QUIZ_QUESTIONS:
        raise ServiceError(_("The draft has %(kept)s questions; adding %(adding)s would pass "
                             "the limit of %(limit)s questions per quiz. Import fewer, or split "
                             "the quiz.", kept=format_decimal(kept),
                             adding=format_decimal(len(questions)),
                             limit=format_decimal(MAX_QUIZ_QUESTIONS)))
    outcome.files = _store_files(ws, result.files, questions)
    outcome.added = add_questions(ws, questions, replace, user, now)
    new = ws.questions[len(ws.questions) - len(questions):]
    settings = {k: v for k, v in ws.data.items() if k not in ("questions", "draw")}
    problems = validate({**settings, "questions": new}, ws.objectives)[1]
    outcome.draft_problems = [p for p in problems if p.path[:1] == ("questions",)]
    return outcome


def _store_files(ws: Workspace, files: dict[str, bytes], questions: list[dict]) -> list[str]:
    """Write the images the chosen questions show into lessons/assets/<folder>/."""
    if not files:
        return []
    text = repr(questions)
    wanted = {name: data for name, data in files.items() if name in text}
    folder = assets_dir() / asset_folder(ws)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in wanted.items():
            target = folder / name
            if not target.exists():  # names carry a hash of the content: same name, same file
                target.write_bytes(data)
    except OSError as exc:
        raise ServiceError(_("The bank's images could not be saved in %(folder)s (%(error)s); "
                             "nothing was imported.", folder=folder, error=exc.strerror)) from None
    return sorted(f"assets/{asset_folder(ws)}/{name}" for name in wanted)


def import_bank_cli(slug: str, data: bytes, fmt: str, replace: bool, now: datetime,
                    course_slug: str | None = None, scoring: str = "source") -> ImportOutcome:
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
    result = read_bank(data, fmt, scoring, f"assets/{asset_folder(ws)}/")
    return land(ws, result, None, replace, None, now)


def _source(ws: Workspace, draft: bool, number: int | None = None) -> dict[str, Any]:
    if number is not None and ws.quiz is not None:
        version = db.session.execute(select(QuizVersion).filter_by(
            quiz_id=ws.quiz.id, version=number)).scalar_one_or_none()
        if version is None:
            raise NotFound(_("No such version of this quiz."))
        return version.data
    if draft or ws.version is None:
        return ws.data
    return ws.version.data


def export_bank(ws: Workspace, fmt: str, draft: bool = False) -> tuple[str, BankExport]:
    """Write the quiz's questions (published, or the draft) as a bank; (file name, export)."""
    kind = bank_format(fmt, exporting=True)
    questions = quiz_file_data(_source(ws, draft))["questions"]
    return ws.slug + kind.suffix, kind.export(questions)


def export_quiz_file(ws: Workspace, draft: bool = False,
                     number: int | None = None) -> tuple[str, str]:
    """Return the quiz (current, a given version, or the draft) as (file name, file text)."""
    return f"{ws.slug}.yaml", quiz_yaml(_source(ws, draft, number))

