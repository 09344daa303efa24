"""Write platform question dicts as a GIFT bank."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .essays import essay_losses
from .gift_text import BLANK, escape
from .model import BankExport, ExportNote, Unwritable, category_path, finite, format_number
from .texts import escape_markdown

Notes = list[ExportNote]
Writer = Callable[[dict[str, Any], str, Notes], str]


def export_gift(questions: list[dict[str, Any]]) -> BankExport:
    """Write questions as GIFT, with a note for each question or detail left out."""
    notes: Notes = []
    blocks: list[str] = []
    path = None
    for number, item in enumerate(questions, start=1):
        question_id = str(item.get("id") or f"q-{number}")
        writer = _WRITERS.get(item.get("type"))
        if writer is None:
            notes.append(ExportNote(question_id, f"{item.get('type')} questions cannot be "
                                                 "written as GIFT; skipped"))
            continue
        try:
            answers = writer(item, question_id, notes)
        except Unwritable as problem:
            notes.append(ExportNote(question_id, f"{problem}; skipped"))
            continue
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            notes.append(ExportNote(question_id, "the question is malformed; skipped"))
            continue
        category = category_path(item.get("pool"), item.get("category"))
        if category != path and (path is not None or item.get("pool")):
            blocks.append(f"$CATEGORY: {category}")
        path = category
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
    marks = [f"[id:{question_id}]"] if "]" not in question_id else []
    marks += [f"[tag:{t}]" for t in map(str, item.get("tags") or [])
              if t.strip() and not set(t) & set("]\r\n")]
    name = str(item.get("name") or "").strip()
    title = f"::{escape(name)}::" if name else ""
    return f"// {' '.join(marks)}\n{title}[markdown]{text}"


def _note_losses(item: dict[str, Any], question_id: str, notes: Notes) -> None:
    if item.get("points") not in (None, 1):
        notes.append(ExportNote(question_id, f"points ({item['points']}) cannot be written in "
                                             "GIFT; Moodle will use 1"))
    if item.get("unit"):
        notes.append(ExportNote(question_id, f"unit '{item['unit']}' cannot be written in "
                                             "GIFT; left out"))


def plain_answer(text: str) -> str:
    """Write a plain-text answer: marked [plain] when Markdown would change it."""
    text = str(text).strip()
    return escape(text) if escape_markdown(text) == text else "[plain]" + escape(text)


def _option(mark: str, option: dict[str, Any]) -> str:
    feedback = str(option.get("feedback") or "").strip()
    text = mark + plain_answer(option["text"])
    return text + ("#" + escape(feedback) if feedback else "")


def _share(value: float) -> str:
    return format(value, ".5f").rstrip("0").rstrip(".")


def _weighted(option: dict[str, Any]) -> str:
    weight = float(option.get("weight") or 0)
    return "~" if weight == 0 else f"~%{_share(weight)}%"


def _single(item: dict[str, Any], question_id: str, notes: Notes) -> str:
    options = item["options"]
    if sum(1 for o in options if o.get("correct")) != 1:
        raise Unwritable("a single-choice question needs exactly one correct option")
    if item.get("scoring") == "weights":
        return "".join("\n" + _option("=" if o.get("correct") else _weighted(o), o)
                       for o in options)
    return "".join("\n" + _option("=" if o.get("correct") else "~", o) for o in options)


def _multiple(item: dict[str, Any], question_id: str, notes: Notes) -> str:
    options = item["options"]
    k = sum(1 for o in options if o.get("correct"))
    if not k:
        raise Unwritable("a multiple-choice question needs a correct option")
    if item.get("scoring") == "weights":
        return "".join("\n" + _option(_weighted(o), o) for o in options)
    if item.get("scoring") == "all_or_nothing":
        notes.append(ExportNote(question_id, "GIFT cannot say 'all or nothing': Moodle will "
                                             f"give +1/{k} per correct option and −1/{k} per "
                                             "wrong one"))
    share = _share(100 / k)
    return "".join(
        "\n" + _option(f"~%{share}%" if o.get("correct") else f"~%-{share}%", o)
        for o in options
    )


def _true_false(item: dict[str, Any], question_id: str, notes: Notes) -> str:
    answer = item["answer"]
    if not isinstance(answer, bool):
        raise Unwritable("the true/false answer is not true or false")
    right = str(item.get("feedback_true" if answer else "feedback_false") or "").strip()
    wrong = str(item.get("feedback_false" if answer else "feedback_true") or "").strip()
    text = "TRUE" if answer else "FALSE"
    if wrong or right:
        text += "#" + escape(wrong) + ("#" + escape(right) if right else "")
    return text


def _numeric(item: dict[str, Any], question_id: str, notes: Notes) -> str:
    answer, tolerance = item["answer"], item.get("tolerance") or 0
    if not finite(answer) or not finite(tolerance) or tolerance < 0:
        raise Unwritable("the numeric answer or tolerance is not a number")
    main = format_number(answer) + (f":{format_number(tolerance)}" if tolerance else "")
    partial = item.get("partial") or []
    if not partial:
        return "#" + main
    lines = [f"\n={main}"]
    for entry in partial:
        spread = entry.get("tolerance") or 0
        weight = "" if entry["weight"] >= 100 else f"%{_share(entry['weight'])}%"
        lines.append(f"\n={weight}{format_number(entry['answer'])}"
                     + (f":{format_number(spread)}" if spread else ""))
    return "#" + "".join(lines)


def _short_text(item: dict[str, Any], question_id: str, notes: Notes) -> str:
    accept = [str(a).strip() for a in item["accept"]]
    partial = [(str(e["text"]).strip(), e["weight"]) for e in item.get("partial") or []]
    if any("->" in a for a in accept) or any("->" in t for t, _ in partial):
        raise Unwritable("cannot write an accepted answer containing '->' in GIFT")
    return "".join(f"\n={plain_answer(a)}" for a in accept) + "".join(
        f"\n=%{_share(w)}%{plain_answer(t)}" for t, w in partial)


def _matching(item: dict[str, Any], question_id: str, notes: Notes) -> str:
    pairs = [(str(left).strip(), str(right).strip()) for left, right in item["pairs"]]
    distractors = [str(d).strip() for d in item.get("distractors") or []]
    texts = [*(side for pair in pairs for side in pair), *distractors]
    if any("->" in text for text in texts):
        raise Unwritable("cannot write a matching text containing '->' in GIFT")
    if item.get("scoring") == "all_or_nothing":
        notes.append(ExportNote(question_id, "GIFT cannot say 'all or nothing': Moodle will "
                                             "give one share per correct pair"))
    return "".join(f"\n={plain_answer(left)} -> {escape(right)}" for left, right in pairs) + \
        "".join(f"\n= -> {escape(d)}" for d in distractors)


def _essay(item: dict[str, Any], question_id: str, notes: Notes) -> str:
    notes.extend(ExportNote(question_id, lost) for lost in essay_losses(item, ()))
    return ""  # {}: Moodle's essay


_WRITERS: dict[str, Writer] = {
    "essay": _essay,
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "numeric": _numeric,
    "short_text": _short_text,
    "matching": _matching,
}
