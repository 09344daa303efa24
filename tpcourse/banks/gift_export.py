"""Write platform question dicts as a GIFT bank."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .gift_text import escape
from .model import BankExport, ExportNote, Unwritable, category_path, finite, format_number

BLANK = "_____"
Notes = list[ExportNote]


def export_gift(questions: list[dict[str, Any]]) -> BankExport:
    """Write questions as GIFT, with a note for each question or detail left out."""
    notes: Notes = []
    blocks: list[str] = []
    pool = None
    for number, item in enumerate(questions, start=1):
        question_id = str(item.get("id") or f"q-{number}")
        writer = _WRITERS.get(item.get("type"))
        if writer is None:
            notes.append(ExportNote(question_id, f"{item.get('type')} questions cannot be "
                                                 "written as GIFT; skipped"))
            continue
        try:
            answers = writer(item)
        except Unwritable as problem:
            notes.append(ExportNote(question_id, f"{problem}; skipped"))
            continue
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            notes.append(ExportNote(question_id, "the question is malformed; skipped"))
            continue
        if item.get("pool") != pool:
            pool = item.get("pool")
            blocks.append(f"$CATEGORY: {category_path(pool)}")
        _note_losses(item, question_id, notes)
        blocks.append(_question(item, question_id, answers))
    return BankExport("\n\n".join(blocks) + "\n" if blocks else "", notes)


def _question(item: dict[str, Any], question_id: str, answers: str) -> str:
    explanation = str(item.get("explanation") or "").strip()
    if explanation:
        answers += ("\n" if "\n" in answers else "") + "####" + escape(explanation)
    block = "{" + answers + ("\n}" if "\n" in answers else "}")
    prompt = str(item.get("prompt") or "")
    head, blank, tail = prompt.partition(BLANK)
    if blank and tail.strip() and BLANK not in tail:
        text = escape(head) + block + escape(tail)
    else:
        text = escape(prompt) + " " + block
    tags = [f"[tag:{t}]" for t in map(str, item.get("tags") or [])
            if t.strip() and not set(t) & set("]\r\n")]
    comment = f"// {' '.join(tags)}\n" if tags else ""
    return f"{comment}::{escape(question_id)}::[markdown]{text}"


def _note_losses(item: dict[str, Any], question_id: str, notes: Notes) -> None:
    if item.get("points") not in (None, 1):
        notes.append(ExportNote(question_id, f"points ({item['points']}) cannot be written in "
                                             "GIFT; Moodle will use 1"))
    if item.get("unit"):
        notes.append(ExportNote(question_id, f"unit '{item['unit']}' cannot be written in "
                                             "GIFT; left out"))


def _option(mark: str, option: dict[str, Any]) -> str:
    feedback = str(option.get("feedback") or "").strip()
    text = mark + escape(str(option["text"]).strip())
    return text + ("#" + escape(feedback) if feedback else "")


def _single(item: dict[str, Any]) -> str:
    options = item["options"]
    if sum(1 for o in options if o.get("correct")) != 1:
        raise Unwritable("a single-choice question needs exactly one correct option")
    return "".join("\n" + _option("=" if o.get("correct") else "~", o) for o in options)


def _multiple(item: dict[str, Any]) -> str:
    options = item["options"]
    k = sum(1 for o in options if o.get("correct"))
    if not k:
        raise Unwritable("a multiple-choice question needs a correct option")
    share = format(100 / k, ".5f").rstrip("0").rstrip(".")
    return "".join(
        "\n" + _option(f"~%{share}%" if o.get("correct") else f"~%-{share}%", o)
        for o in options
    )


def _true_false(item: dict[str, Any]) -> str:
    return "TRUE" if item["answer"] is True else "FALSE"


def _numeric(item: dict[str, Any]) -> str:
    answer, tolerance = item["answer"], item.get("tolerance") or 0
    if not finite(answer) or not finite(tolerance) or tolerance < 0:
        raise Unwritable("the numeric answer or tolerance is not a number")
    return "#" + format_number(answer) + (f":{format_number(tolerance)}" if tolerance else "")


def _short_text(item: dict[str, Any]) -> str:
    accept = [str(a).strip() for a in item["accept"]]
    if any("->" in a for a in accept):
        raise Unwritable("cannot write an accepted answer containing '->' in GIFT")
    return "".join(f"\n={escape(a)}" for a in accept)


def _matching(item: dict[str, Any]) -> str:
    pairs = [(str(left).strip(), str(right).strip()) for left, right in item["pairs"]]
    if any("->" in left or "->" in right for left, right in pairs):
        raise Unwritable("cannot write a matching text containing '->' in GIFT")
    return "".join(f"\n={escape(left)} -> {escape(right)}" for left, right in pairs)


_WRITERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "numeric": _numeric,
    "short_text": _short_text,
    "matching": _matching,
}
