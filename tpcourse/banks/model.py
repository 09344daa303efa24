"""What every bank converter returns, and the small rules they share.

Pure Python: no flask, no database, no other tpcourse package. A question is a plain
dict shaped exactly like a question in a quiz YAML file (docs/content-format.md).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .limits import MAX_BANK_BYTES

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
"""Characters no question text needs (and XML or UTF-8 cannot hold); importers drop them."""

KEY_ORDER = (
    "id", "name", "category", "pool", "type", "points", "scoring", "prompt", "options",
    "answer", "tolerance", "unit", "accept", "partial", "pairs", "distractors", "items",
    "feedback_true", "feedback_false", "word_limit", "template", "rubric", "model_answer",
    "explanation", "tags",
)
SCORING_CHOICES = ("source", "platform")
"""How an import scores: as the source did (default), or by the platform's default rules."""


@dataclass(frozen=True)
class BankProblem:
    """One thing wrong with, or left out of, an imported bank.

    `question` is the index (in BankImport.questions) of the imported question the problem
    concerns, or None for a skipped question or the file as a whole; `source` names the file
    inside a package (QTI .zip) the line belongs to.
    """

    line: int
    message: str
    severity: Literal["error", "warning"]
    question: int | None = None
    source: str = ""

    def __str__(self) -> str:
        where = f"{self.source}, line {self.line}" if self.source else f"line {self.line}"
        return f"{where}: {self.message}"


@dataclass
class BankImport:
    """The questions a bank file yielded, and every problem met on the way.

    `lines` holds the line each question starts on; `files` the embedded files (images)
    the questions refer to, by the name their text uses (see files.py).
    """

    questions: list[dict[str, Any]] = field(default_factory=list)
    problems: list[BankProblem] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    source: str = ""

    def error(self, line: int, message: str) -> None:
        """Record a question that could not be imported."""
        self.problems.append(BankProblem(line, message, "error", source=self.source))

    def warn(self, line: int, message: str) -> None:
        """Record something dropped or approximated while importing."""
        self.problems.append(BankProblem(line, message, "warning", source=self.source))

    def mark(self) -> int:
        """Return a bookmark in the problems, for add() to attach later ones to a question."""
        return len(self.problems)

    def add(self, item: dict[str, Any], line: int, since: int) -> None:
        """Append an imported question; problems recorded since `since` concern it."""
        index = len(self.questions)
        self.questions.append(item)
        self.lines.append(line)
        self.problems[since:] = [replace(p, question=index) if p.severity == "warning" else p
                                 for p in self.problems[since:]]

    def merge(self, other: BankImport) -> None:
        """Add another file's questions, problems and files (the files of one package)."""
        offset = len(self.questions)
        self.questions += other.questions
        self.lines += other.lines
        self.problems += [replace(p, question=None if p.question is None else p.question + offset)
                          for p in other.problems]
        self.files.update(other.files)


@dataclass(frozen=True)
class ExportNote:
    """Something an export could not write: a skipped question or a dropped detail."""

    question_id: str
    message: str

    def __str__(self) -> str:
        return f"question '{self.question_id}': {self.message}"


class Unwritable(Exception):
    """A question an export format cannot express; the message says why."""


@dataclass
class BankExport:
    """An exported bank and the notes on what it left out."""

    content: Any  # str for GIFT and Aiken, bytes for Moodle XML
    notes: list[ExportNote] = field(default_factory=list)


def listing(items: list[str], limit: int = 5) -> str:
    """Join items for a message, cutting long lists short: 'a, b, c and 7 more'."""
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def too_big(size: int) -> BankImport | None:
    """Return a one-error import when a bank is over MAX_BANK_BYTES, else None."""
    if size <= MAX_BANK_BYTES:
        return None
    result = BankImport()
    result.error(1, f"the file is {size / 1_000_000:.1f} MB; bank files are limited to "
                    f"{MAX_BANK_BYTES / 1_000_000:g} MB — split it into smaller files")
    return result


def slugify(text: str, limit: int = 60) -> str:
    """Turn a title into a lowercase ASCII id such as 'upper-trap-referral'.

    A long title is cut at the last whole word that fits ('where-the-neck', never
    'where-the-ne'); a single word longer than the limit is cut where the limit falls.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if len(slug) <= limit:
        return slug
    words = slug[:limit + 1].rsplit("-", 1)[0] if "-" in slug[:limit + 1] else ""
    return (words or slug[:limit]).rstrip("-")


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")


class IdMaker:
    """Hands out question ids that are unique within one bank, in linear time overall."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.used: set[str] = set(taken or ())
        self.next_suffix: dict[str, int] = {}

    def make(self, title: str | None, number: int, given: str | None = None) -> str:
        """Return the source's own id (Moodle idnumber) when usable, else slugify(title), or
        q-<number> without a title; suffixed -2, -3... when taken."""
        given = (given or "").strip()
        base = given if _ID.match(given) else (slugify(given or title or "") or f"q-{number}")
        candidate, suffix = base, self.next_suffix.get(base, 2)
        while candidate in self.used:
            candidate, suffix = f"{base}-{suffix}", suffix + 1
        self.next_suffix[base] = suffix
        self.used.add(candidate)
        return candidate


def category_segments(path: str) -> list[str]:
    """Return a Moodle category path's real segments: no $context$ marker, no 'top'."""
    segments = [s.strip() for s in re.split(r"(?<!/)/(?!/)", path) if s.strip()]
    segments = [s.replace("//", "/") for s in segments]
    while segments and (segments[0].startswith("$") and segments[0].endswith("$")):
        segments.pop(0)
    if segments and segments[0] == "top":
        segments.pop(0)
    return segments


def pool_from_category(path: str) -> str | None:
    """Map a Moodle category path to a pool: every real segment slugified, joined by '/'.

    `$course$/top/Trigger points/Locating` → `trigger-points/locating`, so two categories
    that share a last segment stay two pools.
    """
    slugs = [slugify(segment) for segment in category_segments(path)]
    slugs = [slug for slug in slugs if slug]
    return "/".join(slugs) or None


def category_fields(path: str) -> dict[str, str | None]:
    """Return the pool and the category path (as written) of questions under a category.

    The path is kept only when it says more than the pool (capitals, spaces, a context other
    than $course$): exporting the pool alone would give the same path back.
    """
    pool, path = pool_from_category(path), path.strip()
    keep = pool is not None and path != category_path(pool)
    return {"pool": pool, "category": path if keep else None}


def category_path(pool: str | None, category: str | None = None) -> str:
    """Return the Moodle category path a question is written under.

    The path the question was imported from, when its pool still comes from it (the pool
    may have been edited since); otherwise one made from the pool.
    """
    if category and pool_from_category(category) == pool:
        return category
    return "$course$/top" + (f"/{pool}" if pool else "")


def markdown_text(text: str | None, text_format: str = "markdown") -> str:
    """Return bank text as the platform's Markdown, changed as little as possible.

    HTML is kept as is (the platform sanitises it when rendering) but each line is
    un-indented, because an indented line would become a Markdown code block. Control
    characters are dropped.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL_CHARACTERS.sub("", text)
    if text_format == "html":
        text = "\n".join(line.strip() for line in text.split("\n"))
    return text.strip()


def tidy_number(value: float) -> int | float:
    """Round away float noise (1.2000000000000002) and give whole numbers as int."""
    value = float(f"{value:.12g}")
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def format_number(value: float) -> str:
    """Write a number the way a human would, exactly enough to read back the same."""
    value = tidy_number(value)
    return str(value) if isinstance(value, int) else repr(value)


def finite(value: Any) -> bool:
    """Whether value is a real, finite number (not a bool)."""
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def question(**fields: Any) -> dict[str, Any]:
    """Build a question dict in the usual key order, leaving out keys that do not apply."""
    present = {k: v for k, v in fields.items() if v is not None and v != [] and v != ""}
    ordered = {k: present[k] for k in KEY_ORDER if k in present}
    ordered.update({k: v for k, v in present.items() if k not in ordered})
    return ordered


def make_options(texts: list[str], correct: list[bool], feedback: list[str] | None = None,
                 weights: list[float] | None = None) -> list[dict[str, Any]]:
    """Build options {id, text, correct?, feedback?, weight?}, ids a, b, c...

    `correct` is written only when true; `weight` only for questions scored by weights.
    """
    options = []
    for index, (option_id, text) in enumerate(zip(option_ids(len(texts)), texts, strict=True)):
        option: dict[str, Any] = {"id": option_id, "text": text}
        if correct[index]:
            option["correct"] = True
        if feedback and feedback[index]:
            option["feedback"] = feedback[index]
        if weights is not None:
            option["weight"] = tidy_number(weights[index])
        options.append(option)
    return options


def option_ids(count: int) -> list[str]:
    """Return option ids a, b, ... z, then aa, ab, ... (spreadsheet-column style)."""
    ids = []
    for index in range(count):
        label, number = "", index + 1
        while number:
            number, rest = divmod(number - 1, 26)
            label = "abcdefghijklmnopqrstuvwxyz"[rest] + label
        ids.append(label)
    return ids
