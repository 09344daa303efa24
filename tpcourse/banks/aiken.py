"""Aiken question banks (single choice only) ⇄ platform question dicts.

    Which muscle most often refers pain to the temple?
    A. Upper trapezius
    B. Gastrocnemius
    ANSWER: A
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .limits import (
    MAX_CHOICES,
    MAX_QUESTIONS,
    choice_count_message,
    too_many_questions,
    within_limits,
)
from .model import BankExport, BankImport, ExportNote, IdMaker, make_options, question, too_big
from .texts import clean, escape_markdown, markdown_to_plain

_OPTION = re.compile(r"^([A-Z])[.)][ \t]*(\S.*)$")
"""An option line, as Moodle reads it: a capital, '.' or ')', then the text (space optional)."""
_ANSWER = re.compile(r"^ANSWER\s*:(.*)$", re.IGNORECASE)
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass
class _Draft:
    line: int
    number: int  # position among the file's questions, for q-<n> ids
    text: list[str] = field(default_factory=list)
    options: list[tuple[int, str, str]] = field(default_factory=list)  # (line, letter, text)
    extra: int = 0  # option lines past MAX_CHOICES, counted but not kept


def parse_aiken(text: str, scoring: str = "source") -> BankImport:
    """Read an Aiken bank; each malformed question is reported with its line and skipped.

    Aiken text is plain: characters Markdown or HTML would read (`<`, `&`, `*`) are escaped
    so the trainee reads what the author wrote. (`scoring` is accepted for symmetry: Aiken
    questions are single choice, all or nothing, everywhere.)
    """
    if not isinstance(text, str):
        result = BankImport()
        result.error(1, "an Aiken bank must be text")
        return result
    oversized = too_big(len(text.encode("utf-8", "surrogatepass")))
    if oversized:
        return oversized
    result, ids, draft, seen = BankImport(), IdMaker(), None, 0
    for number, raw in enumerate(re.split(r"\r\n|\r|\n", text.lstrip("\ufeff")), start=1):
        line = clean(raw).strip()
        option, answer = _OPTION.match(line), _ANSWER.match(line)
        if not line:
            continue
        if seen > MAX_QUESTIONS:
            refused = BankImport()
            refused.error(draft.line if draft else number, too_many_questions(seen))
            return refused
        if answer:
            if draft is None:
                result.error(number, "ANSWER line without a question before it")
            else:
                _finish(draft, answer.group(1).strip(), number, result, ids)
            draft = None
        elif option and draft is not None:
            if len(draft.options) >= MAX_CHOICES:
                draft.extra += 1  # reported when the question ends
                continue
            draft.options.append((number, option.group(1), option.group(2).strip()))
        elif option:
            result.error(number, f"option {option.group(1)} has no question text before it")
        else:
            if draft is not None and draft.options:
                result.error(draft.line, "the question has no 'ANSWER: <letter>' line after its "
                                         "options; skipped")
                draft = None
            if draft is None:
                seen += 1
                draft = _Draft(number, seen)
            draft.text.append(line)
    if draft is not None:
        result.error(draft.line, "the question has no 'ANSWER: <letter>' line; skipped")
    return result


def _finish(draft: _Draft, letter: str, line: int, result: BankImport, ids: IdMaker) -> None:
    letters = [option_letter for _, option_letter, _ in draft.options]
    if draft.extra:
        result.error(draft.line, choice_count_message(len(draft.options) + draft.extra))
        return
    if len(draft.options) < 2:
        result.error(draft.line, "an Aiken question needs at least two options (A. …, B. …)")
        return
    duplicates = sorted({x for x in letters if letters.count(x) > 1})
    if duplicates:
        result.error(draft.line, f"option letter {duplicates[0]} is used twice")
        return
    if not re.fullmatch(r"[A-Za-z]", letter):
        result.error(line, f"'ANSWER: {letter}' must name one option letter, e.g. ANSWER: B")
        return
    if letter.upper() not in letters:
        result.error(line, f"ANSWER names {letter.upper()}, but the options are "
                           f"{', '.join(letters)}")
        return
    options = make_options([text for _, _, text in draft.options],
                           [option_letter == letter.upper() for option_letter in letters])
    built = question(id=ids.make(None, draft.number), type="single",
                     prompt=escape_markdown("\n".join(draft.text)), options=options)
    if within_limits(built, draft.line, result.error):
        result.add(built, draft.line, result.mark())


def to_aiken(questions: list[dict[str, Any]]) -> str:
    """Write single-choice questions as Aiken; export_aiken() also says what was left out."""
    return export_aiken(questions).content


def export_aiken(questions: list[dict[str, Any]]) -> BankExport:
    """Write single-choice questions as Aiken, with a note for each skipped question."""
    blocks, notes = [], []
    for number, item in enumerate(questions, start=1):
        question_id = str(item.get("id") or f"q-{number}")
        reason = _unwritable(item)
        if reason:
            notes.append(ExportNote(question_id, f"{reason}; skipped"))
            continue
        prompt, exact = markdown_to_plain(str(item["prompt"]))
        lines = [prompt]
        if not exact:
            notes.append(ExportNote(question_id, "the prompt's formatting cannot be written in "
                                                 "Aiken (plain text); written as its text"))
        answer = ""
        for letter, option in zip(_LETTERS, item["options"], strict=False):
            lines.append(f"{letter}. {str(option['text']).strip()}")
            answer = letter if option.get("correct") else answer
        lines.append(f"ANSWER: {answer}")
        blocks.append("\n".join(lines))
        lost = [key for key in ("name", "explanation", "pool", "tags") if item.get(key)]
        lost += ["option feedback"] if any(o.get("feedback") for o in item["options"]) else []
        lost += ["partial credit (weights)"] if item.get("scoring") == "weights" else []
        if lost:
            notes.append(ExportNote(question_id, f"Aiken cannot hold {', '.join(lost)}; "
                                                 "left out"))
    return BankExport("\n\n".join(blocks) + "\n" if blocks else "", notes)


def _unwritable(item: dict[str, Any]) -> str | None:
    """Say why a question cannot be written as Aiken, or None when it can."""
    if item.get("type") != "single":
        return f"Aiken holds only single-choice questions, not {item.get('type')}"
    options = item.get("options")
    prompt = markdown_to_plain(str(item.get("prompt") or ""))[0].strip()
    if not isinstance(options, list) or not 2 <= len(options) <= 26:
        return "an Aiken question needs 2 to 26 options"
    if not all(isinstance(o, dict) and str(o.get("text") or "").strip() for o in options):
        return "every option needs text"
    if sum(1 for o in options if o.get("correct")) != 1:
        return "a single-choice question needs exactly one correct option"
    texts = [str(o["text"]).strip() for o in options]
    if not prompt or any("\n" in t or "\r" in t for t in texts):
        return "Aiken needs a prompt and one-line options"
    for line in prompt.splitlines():
        if _OPTION.match(line.strip()) or _ANSWER.match(line.strip()) or not line.strip():
            return "the prompt has a blank line or a line Aiken would read as an option"
    return None
