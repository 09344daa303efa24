"""What every bank converter returns, and the small rules they share.

Pure Python: no flask, no database, no other tpcourse package. A question is a plain
dict shaped exactly like a question in a quiz YAML file (docs/content-format.md).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

MAX_BANK_BYTES = 2_000_000
"""Largest bank file any parser reads; bigger files get one error and no questions."""

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
"""Characters no question text needs (and XML or UTF-8 cannot hold); importers drop them."""

KEY_ORDER = (
    "id", "pool", "type", "points", "prompt", "options", "answer", "tolerance", "unit",
    "accept", "pairs", "items", "explanation", "tags",
)


@dataclass(frozen=True)
class BankProblem:
    """One thing wrong with, or left out of, an imported bank."""

    line: int
    message: str
    severity: Literal["error", "warning"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class BankImport:
    """The questions a bank file yielded, and every problem met on the way."""

    questions: list[dict[str, Any]] = field(default_factory=list)
    problems: list[BankProblem] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        """Record a question that could not be imported."""
        self.problems.append(BankProblem(line, message, "error"))

    def warn(self, line: int, message: str) -> None:
        """Record something dropped or approximated while importing."""
        self.problems.append(BankProblem(line, message, "warning"))


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
    """Turn a title into a lowercase ASCII id such as 'upper-trap-referral'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return slug[:limit].rstrip("-")


class IdMaker:
    """Hands out question ids that are unique within one bank."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def make(self, title: str | None, number: int) -> str:
        """Return slugify(title), or q-<number> without a title, suffixed -2, -3... if taken."""
        base = slugify(title or "") or f"q-{number}"
        candidate, suffix = base, 2
        while candidate in self.used:
            candidate, suffix = f"{base}-{suffix}", suffix + 1
        self.used.add(candidate)
        return candidate


def pool_from_category(path: str) -> str | None:
    """Map a Moodle category path to a pool: its last real segment, slugified."""
    segments = [s.strip() for s in re.split(r"(?<!/)/(?!/)", path) if s.strip()]
    segments = [s.replace("//", "/") for s in segments]
    while segments and (segments[0].startswith("$") and segments[0].endswith("$")):
        segments.pop(0)
    if segments and segments[0] == "top":
        segments.pop(0)
    if not segments:
        return None
    return slugify(segments[-1]) or None


def category_path(pool: str | None) -> str:
    """Return the Moodle category path a pool is written under."""
    return "$course$/top" + (f"/{pool.replace('/', '//')}" if pool else "")


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


def make_options(texts: list[str], correct: list[bool],
                 feedback: list[str] | None = None) -> list[dict[str, Any]]:
    """Build options {id, text, correct?, feedback?}, ids a, b, c...; correct only when true."""
    options = []
    for index, (option_id, text) in enumerate(zip(option_ids(len(texts)), texts, strict=True)):
        option: dict[str, Any] = {"id": option_id, "text": text}
        if correct[index]:
            option["correct"] = True
        if feedback and feedback[index]:
            option["feedback"] = feedback[index]
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


def choice_weights(weights: list[float], single: bool, lines: list[int], line: int,
                   report: BankImport) -> list[bool] | None:
    """Decide which options are correct from Moodle/GIFT percent weights.

    Single choice: the one option at 100% is correct; partial credit is reported and
    treated as wrong. Multiple choice: every positive weight is correct; the platform
    gives each correct option an equal 1/k share, so unequal weights are reported.
    `lines` holds each option's line, `line` the question's. Returns None (after an
    error) when no valid key can be made.
    """
    if single:
        correct = [w >= 100 for w in weights]
        for index, w in enumerate(weights):
            if 0 < w < 100:
                report.warn(lines[index], f"option {option_ids(index + 1)[-1]} gives {w:g}% "
                                          "partial credit; single-choice questions score all "
                                          "or nothing, so it is treated as wrong")
        if sum(correct) == 0:
            report.error(line, "no correct answer: mark exactly one option as correct "
                               "(= in GIFT, 100% in Moodle)")
            return None
        if sum(correct) > 1:
            report.error(line, "more than one option is fully correct; a single-choice "
                               "question needs exactly one")
            return None
        return correct
    correct = [w > 0 for w in weights]
    positive = [w for w in weights if w > 0]
    if not positive:
        report.error(line, "no correct answer: mark the right option with = (GIFT) or give "
                           "each correct option a positive weight such as %50%")
        return None
    k = len(positive)
    if max(positive) - min(positive) > 0.01 or abs(sum(positive) - 100) > 0.5:
        shown = listing([f"{w:g}%" for w in positive])
        report.warn(line, f"weights {shown} are approximated: each of the {k} correct options "
                          f"is worth 1/{k} and each wrong option chosen takes 1/{k} off")
    return correct


def pairs_ok(pairs: list[list[str]], line: int, report: BankImport) -> bool:
    """Check matching pairs the way the platform will: two or more, each side distinct."""
    if len(pairs) < 2:
        report.error(line, "a matching question needs at least two pairs")
        return False
    for side, label in ((0, "left"), (1, "right")):
        texts = [pair[side] for pair in pairs]
        if len(set(texts)) != len(texts):
            report.error(line, f"each {label} side of a matching question must be different")
            return False
    return True
