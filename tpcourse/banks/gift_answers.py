"""Read the {…} answer block of a GIFT question into platform question fields."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .essays import essay_fields
from .gift_text import cut, find, plain, plain_text, rfind, split, take_weight
from .limits import MAX_CHOICES, choice_count_message
from .model import BankImport, listing, make_options, option_ids, tidy_number
from .weights import choice_scoring, matching_ok

Where = Callable[[int], int]
"""Maps an offset in the answer block to its line in the file."""

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^\s*({_NUM})\s*\.\.\s*({_NUM})\s*$")
_TOLERANCE = re.compile(rf"^\s*({_NUM})\s*(?::\s*({_NUM}))?\s*$")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class Block:
    """How to read one answer block: where its offsets are, its question, its rules."""

    where: Where
    line: int
    report: BankImport
    text_format: str = "moodle"
    keep: bool = True  # keep the source's scoring


def read_block(body: str, block: Block) -> dict[str, Any] | None:
    """Return the type and fields of one answer block, or None once reported."""
    answers, general = body, ""
    separator = rfind(body, "####")
    if separator >= 0:
        answers, general = body[:separator], plain(body[separator + 4:], block.text_format)
    text = answers.strip()
    start = len(answers) - len(answers.lstrip())
    if not text:  # {} is an essay: written, graded by an instructor
        return {**essay_fields(warn=block.report.warn, line=block.line), "explanation": general}
    if text.startswith("#"):
        fields = _numeric(answers[start + 1:], start + 1, block)
    elif find(text, "~") >= 0:
        fields = _choice(answers, block)
    elif find(text, "=") >= 0 and find(text, "->") >= 0:
        fields = _matching(answers, block)
    elif cut(text, "#")[0].strip() in _TRUE_FALSE:
        fields = _true_false(text, block)
    else:
        fields = _short_text(answers, block)
    if fields is None:
        return None
    return {**fields, "explanation": general}


def _pieces(body: str, marks: str, block: Block) -> list[tuple[str, str, int]] | None:
    """Split at unescaped marks, refusing (before any further work) too many answers."""
    pieces = split(body, marks)
    if len(pieces) - 1 > MAX_CHOICES:
        block.report.error(block.line, choice_count_message(len(pieces) - 1))
        return None
    return pieces


def _choice(body: str, block: Block) -> dict[str, Any] | None:
    pieces = _pieces(body, "=~", block)
    if pieces is None:
        return None
    entries = []
    for mark, piece, offset in pieces:
        if not mark:
            if piece.strip():
                block.report.warn(block.where(offset), f"answer '{plain_text(piece)[0]}' has no "
                                                       "= or ~ in front; it is treated as a "
                                                       "wrong option")
                entries.append(("~", piece, offset))
            continue
        entries.append((mark, piece, offset))
    if len(entries) < 2:
        block.report.error(block.line, "a choice question needs at least two answers")
        return None
    single = any(mark == "=" for mark, _, _ in entries)
    texts, feedback, weights = [], [], []
    for option_id, (mark, piece, offset) in zip(option_ids(len(entries)), entries, strict=True):
        weight, rest = take_weight(piece)
        raw_text, raw_feedback = cut(rest, "#")
        text, lost = plain_text(raw_text, block.text_format)
        if not text:
            block.report.error(block.where(offset), f"option {option_id} has no text")
            return None
        if lost:
            block.report.warn(block.where(offset), f"option {option_id} had formatting "
                                                   "(bold, images…) that options cannot show; "
                                                   "kept as plain text")
        texts.append(text)
        feedback.append(plain(raw_feedback or "", block.text_format))
        weights.append(weight if weight is not None else (100.0 if mark == "=" else 0.0))
    lines = [block.where(offset) for _, _, offset in entries]
    scoring = choice_scoring(weights, single, texts, lines, block.line, block.report, block.keep)
    if scoring is None:
        return None
    options = make_options(texts, scoring.correct, feedback, scoring.weights)
    return {"type": "single" if single else "multiple", **scoring.fields, "options": options}


def _true_false(text: str, block: Block) -> dict[str, Any]:
    head, comment = cut(text, "#")
    wrong, right = cut(comment or "", "#")
    answer = _TRUE_FALSE[head.strip()]
    wrong_text, right_text = plain(wrong, block.text_format), plain(right or "", block.text_format)
    return {"type": "true_false", "answer": answer,
            "feedback_true": right_text if answer else wrong_text,
            "feedback_false": wrong_text if answer else right_text}


def _numeric(body: str, base: int, block: Block) -> dict[str, Any] | None:
    main, wrong_feedback = cut(body, "~")
    pieces = _pieces(main, "=", block)
    if pieces is None:
        return None
    entries, dropped, has_feedback = [], [], bool(plain(wrong_feedback or ""))
    for mark, piece, offset in pieces:
        if not mark and not piece.strip():
            continue
        weight, rest = take_weight(piece)
        raw_value, feedback = cut(rest, "#")
        has_feedback = has_feedback or bool(plain(feedback or ""))
        value = raw_value.strip()
        if value == "*":
            if weight:
                dropped.append(f"* (any answer, {weight:g}%)")
            continue
        parsed = _number_spec(value)
        if parsed is None:
            block.report.error(block.where(base + offset), f"bad numeric answer '{value}': write "
                                                           "it as {#60}, {#60:30} or {#30..90}")
            return None
        entries.append((100.0 if weight is None else weight, value, parsed))
    return numeric_fields(entries, dropped, has_feedback, block.line, block.report, block.keep)


def numeric_fields(entries: list[tuple[float, str, tuple[Any, Any]]], dropped: list[str],
                   has_feedback: bool, line: int, report: BankImport,
                   keep: bool) -> dict[str, Any] | None:
    """Build a numeric question from (weight, text, (answer, tolerance)) in source order."""
    full = [entry for entry in entries if entry[0] >= 100]
    if not full:
        report.error(line, "no correct answer: a numeric question needs one answer with full "
                           "credit")
        return None
    kept = full[0]
    others = [e for e in entries if e is not kept and e[0] > 0]
    partial = [e for e in others if keep or e[0] >= 100]
    dropped = dropped + [f"{e[1]} ({e[0]:g}%)" for e in others if e not in partial]
    if dropped:
        report.warn(line, f"scores differ from the source: these answers earn credit there and "
                          f"nothing here: {listing(dropped)}")
    if has_feedback:
        report.warn(line, "answer feedback is not imported for numeric questions; use general "
                          "feedback for an explanation")
    if partial and _shadowed(entries):
        report.warn(line, "scores may differ from the source: Moodle takes the first answer in "
                          "the file that fits, the platform the best; list answers best first")
    answer, tolerance = kept[2]
    fields: dict[str, Any] = {"type": "numeric", "answer": answer}
    if tolerance:
        fields["tolerance"] = tolerance
    if partial:
        fields["partial"] = [{"answer": spec[0], **({"tolerance": spec[1]} if spec[1] else {}),
                              "weight": tidy_number(min(weight, 100))}
                             for weight, _, spec in partial]
    return fields


def _shadowed(entries: list[tuple[float, str, tuple[Any, Any]]]) -> bool:
    """Whether an earlier, lower answer overlaps a later, better one (order then matters)."""
    for index, (weight, _, (answer, tolerance)) in enumerate(entries):
        for later_weight, _, (later, later_tolerance) in entries[index + 1:]:
            if later_weight > weight and abs(answer - later) <= tolerance + later_tolerance:
                return True
    return False


def _number_spec(value: str) -> tuple[int | float, int | float] | None:
    """Read '60', '60:30' or '30..90' as (answer, tolerance); None when malformed."""
    ranged = _RANGE.match(value)
    if ranged:
        low, high = float(ranged.group(1)), float(ranged.group(2))
        if low > high:
            return None
        answer, tolerance = (low + high) / 2, (high - low) / 2
    else:
        single = _TOLERANCE.match(value)
        if not single:
            return None
        answer, tolerance = float(single.group(1)), float(single.group(2) or 0)
    if not (math.isfinite(answer) and math.isfinite(tolerance)) or tolerance < 0:
        return None
    return tidy_number(answer), tidy_number(tolerance)


def _short_text(body: str, block: Block) -> dict[str, Any] | None:
    pieces = _pieces(body, "=", block)
    if pieces is None:
        return None
    entries, has_feedback = [], False
    for mark, piece, _ in pieces:
        if not mark and not piece.strip():
            continue
        weight, rest = take_weight(piece)
        raw_text, feedback = cut(rest, "#")
        has_feedback = has_feedback or bool(plain(feedback or ""))
        text = plain_text(raw_text, block.text_format)[0]
        if text:
            entries.append((100.0 if weight is None else weight, text))
    if has_feedback:
        block.report.warn(block.line, "answer feedback is not imported for short-text "
                                      "questions; use general feedback (####) for an "
                                      "explanation")
    return short_text_fields(entries, block.line, block.report, block.keep)


def short_text_fields(entries: list[tuple[float, str]], line: int, report: BankImport,
                      keep: bool) -> dict[str, Any] | None:
    """Build a short-text question from (weight, text) answers in source order."""
    accept = list(dict.fromkeys(text for weight, text in entries if weight >= 100))
    if not accept:
        report.error(line, "no correct answer: list accepted answers as {=answer =other}")
        return None
    partial = [(w, t) for w, t in entries if 0 < w < 100 and t not in accept]
    if partial and not keep:
        report.warn(line, "scores differ from the source: these answers earn part of the "
                          "credit there and nothing here: "
                          f"{listing([f'{t!r} ({w:g}%)' for w, t in partial])}")
    wildcards = [text for _, text in entries if "*" in text]
    if wildcards:
        report.warn(line, "scores differ from the source: Moodle reads * in an answer as 'any "
                          f"text'; here it must be typed as it is: {listing(wildcards)}")
    fields: dict[str, Any] = {"type": "short_text", "accept": accept}
    if partial and keep:
        fields["partial"] = [{"text": t, "weight": tidy_number(w)} for w, t in partial]
    return fields


def _matching(body: str, block: Block) -> dict[str, Any] | None:
    pieces = _pieces(body, "=", block)
    if pieces is None:
        return None
    pairs, distractors = [], []
    for mark, piece, offset in pieces:
        if not mark:
            if piece.strip():
                block.report.error(block.where(offset), "matching pairs must each start with =")
                return None
            continue
        left, right = cut(piece, "->")
        if right is None:
            block.report.error(block.where(offset), f"matching pair '{plain_text(piece)[0]}' "
                                                    "has no '->'")
            return None
        left_text = plain_text(left, block.text_format)[0]
        right_text = plain_text(right, "plain")[0]
        if not right_text:
            block.report.error(block.where(offset), f"matching pair '{left_text}' has nothing "
                                                    "after '->'")
            return None
        if left_text:
            pairs.append([left_text, right_text])
        else:
            distractors.append(right_text)
    rights = {pair[1] for pair in pairs}
    distractors = [d for d in dict.fromkeys(distractors) if d not in rights]
    if not matching_ok(pairs, distractors, block.line, block.report):
        return None
    fields: dict[str, Any] = {"type": "matching", "pairs": pairs}
    if distractors:
        fields["distractors"] = distractors
    return fields
