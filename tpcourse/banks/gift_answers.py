"""Read the {…} answer block of a GIFT question into platform question fields."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from .gift_text import cut, find, plain, rfind, split, take_weight
from .model import (
    BankImport,
    choice_weights,
    listing,
    make_options,
    option_ids,
    pairs_ok,
    tidy_number,
)

Where = Callable[[int], int]
"""Maps an offset in the answer block to its line in the file."""

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^\s*({_NUM})\s*\.\.\s*({_NUM})\s*$")
_TOLERANCE = re.compile(rf"^\s*({_NUM})\s*(?::\s*({_NUM}))?\s*$")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def read_block(body: str, where: Where, line: int, report: BankImport) -> dict[str, Any] | None:
    """Return the type and fields of one answer block, or None once reported.

    `where` maps an offset in the block to its file line; `line` is the question's line.
    """
    answers, general = body, ""
    separator = rfind(body, "####")
    if separator >= 0:
        answers, general = body[:separator], plain(body[separator + 4:])
    text = answers.strip()
    start = len(answers) - len(answers.lstrip())
    if not text:
        report.warn(line, "essay questions are not supported; skipped")
        return None
    if text.startswith("#"):
        fields = _numeric(answers[start + 1:], start + 1, where, line, report)
    elif find(text, "~") >= 0:
        fields = _choice(answers, where, line, report)
    elif find(text, "=") >= 0 and find(text, "->") >= 0:
        fields = _matching(answers, where, line, report)
    elif cut(text, "#")[0].strip() in _TRUE_FALSE:
        fields = _true_false(text)
    else:
        fields = _short_text(answers, where, line, report)
    if fields is None:
        return None
    parts = [*fields.pop("feedback", []), general]
    explanation = "\n\n".join(dict.fromkeys(p for p in parts if p))
    return {**fields, "explanation": explanation}


def _choice(body: str, where: Where, line: int, report: BankImport) -> dict[str, Any] | None:
    entries = []
    for mark, piece, offset in split(body, "=~"):
        if not mark:
            if piece.strip():
                report.warn(where(offset), f"answer '{plain(piece)}' has no = or ~ in front; "
                                           "it is treated as a wrong option")
                entries.append(("~", piece, offset))
            continue
        entries.append((mark, piece, offset))
    if len(entries) < 2:
        report.error(line, "a choice question needs at least two answers")
        return None
    single = any(mark == "=" for mark, _, _ in entries)
    texts, feedback, weights = [], [], []
    for option_id, (mark, piece, offset) in zip(option_ids(len(entries)), entries, strict=True):
        weight, rest = take_weight(piece)
        raw_text, raw_feedback = cut(rest, "#")
        texts.append(plain(raw_text))
        if not texts[-1]:
            report.error(where(offset), f"option {option_id} has no text")
            return None
        feedback.append(plain(raw_feedback or ""))
        weights.append(weight if weight is not None else (100.0 if mark == "=" else 0.0))
    lines = [where(offset) for _, _, offset in entries]
    correct = choice_weights(weights, single, lines, line, report)
    if correct is None:
        return None
    options = make_options(texts, correct, feedback)
    return {"type": "single" if single else "multiple", "options": options}


def _true_false(text: str) -> dict[str, Any]:
    head, comment = cut(text, "#")
    wrong, right = cut(comment or "", "#")
    return {"type": "true_false", "answer": _TRUE_FALSE[head.strip()],
            "feedback": [plain(wrong), plain(right or "")]}


def _numeric(body: str, base: int, where: Where, line: int,
             report: BankImport) -> dict[str, Any] | None:
    main, wrong_feedback = cut(body, "~")
    entries, dropped, has_feedback = [], [], bool(plain(wrong_feedback or ""))
    for mark, piece, offset in split(main, "="):
        if not mark and not piece.strip():
            continue
        weight, rest = take_weight(piece)
        raw_value, feedback = cut(rest, "#")
        has_feedback = has_feedback or bool(plain(feedback or ""))
        value = raw_value.strip()
        if value == "*":
            dropped.append("* (any answer)")
            continue
        parsed = _number_spec(value)
        if parsed is None:
            report.error(where(base + offset), f"bad numeric answer '{value}': write it as "
                                               "{#60}, {#60:30} or {#30..90}")
            return None
        entries.append((100.0 if weight is None else weight, value, parsed))
    full = [entry for entry in entries if entry[0] >= 100]
    if not full:
        report.error(line, "no correct answer: a numeric question needs one answer with full "
                           "credit")
        return None
    kept = full[0]
    dropped += [f"{value} ({weight:g}%)" for weight, value, spec in entries
                if (weight, value, spec) != kept]
    if dropped:
        report.warn(line, f"only the first full-credit answer ({kept[1]}) is imported; "
                          f"not imported: {listing(dropped)}")
    if has_feedback:
        report.warn(line, "answer feedback is not imported for numeric questions; "
                          "use general feedback (####) for an explanation")
    answer, tolerance = kept[2]
    fields: dict[str, Any] = {"type": "numeric", "answer": answer}
    if tolerance:
        fields["tolerance"] = tolerance
    return fields


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


def _short_text(body: str, where: Where, line: int, report: BankImport) -> dict[str, Any] | None:
    accept, dropped, has_feedback = [], [], False
    for mark, piece, _ in split(body, "="):
        if not mark and not piece.strip():
            continue
        weight, rest = take_weight(piece)
        raw_text, feedback = cut(rest, "#")
        has_feedback = has_feedback or bool(plain(feedback or ""))
        text = plain(raw_text)
        if not text:
            continue
        if weight is None or weight >= 100:
            accept.append(text)
        else:
            dropped.append(f"'{text}' ({weight:g}%)")
    if not accept:
        report.error(line, "no correct answer: list accepted answers as {=answer =other}")
        return None
    if dropped:
        report.warn(line, "short-text answers score all or nothing; answers without full "
                          f"credit are not imported: {listing(dropped)}")
    if has_feedback:
        report.warn(line, "answer feedback is not imported for short-text questions; "
                          "use general feedback (####) for an explanation")
    return {"type": "short_text", "accept": list(dict.fromkeys(accept))}


def _matching(body: str, where: Where, line: int, report: BankImport) -> dict[str, Any] | None:
    pairs = []
    for mark, piece, offset in split(body, "="):
        if not mark:
            if piece.strip():
                report.error(where(offset), "matching pairs must each start with =")
                return None
            continue
        left, right = cut(piece, "->")
        if right is None:
            report.error(where(offset), f"matching pair '{plain(piece)}' has no '->'")
            return None
        left_text, right_text = plain(left), plain(right)
        if not right_text:
            report.error(where(offset), f"matching pair '{left_text}' has nothing after '->'")
            return None
        if not left_text:
            report.warn(where(offset), f"extra answer '{right_text}' (a pair with no left "
                                       "side) is not imported; matching has no distractors")
            continue
        pairs.append([left_text, right_text])
    if not pairs_ok(pairs, line, report):
        return None
    return {"type": "matching", "pairs": pairs}
