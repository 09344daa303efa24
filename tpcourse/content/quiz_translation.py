"""Check a quiz's translation (`quizzes/<slug>.<locale>.yaml`) against the quiz.

```yaml
title: ...
questions:
  <question id>: {source, prompt, options: {id: text}, feedback: {id: text}, explanation,
                  accept: [...], pairs: [[left, right], ...], items: [...], unit, ...}
```
Every question has its own `source:` fingerprint, so one changed question makes only its
own translation stale. Options go by id, pairs and items by position: grading never reads a
translation, except the answers a short-text question accepts in the language.
"""

from __future__ import annotations

from typing import Any

from .markdown import render_inline, render_markdown
from .translation_rules import (
    Report,
    file_part,
    list_of_texts,
    read_yaml,
    stamp_of,
    text_of,
    texts_by_key,
    unknown_keys,
)
from .translations import Part, pass_on, question_fingerprint, quiz_fingerprint
from .yamlsrc import LineDict

QUIZ_KEYS = {"source", "title", "description", "questions"}
COMMON_KEYS = {"source", "prompt", "explanation"}
TYPE_KEYS = {
    "single": {"options", "feedback"}, "multiple": {"options", "feedback"},
    "true_false": {"feedback_true", "feedback_false"}, "short_text": {"accept"},
    "numeric": {"unit"}, "matching": {"pairs", "distractors"}, "ordering": {"items"},
    "hotspot": set(), "essay": {"template"},
}
"""The keys a translated question of each type may have besides COMMON_KEYS."""
OPTIONAL_TEXTS = ("explanation", "feedback_true", "feedback_false", "unit", "template")
"""Texts translated exactly when the source question has them."""


def quiz_translation(text: str, quiz: dict[str, Any], report: Report
                     ) -> tuple[dict[str, Part], list[str]] | None:
    """Return the parts of a quiz translation ("" and one per question) and the ids of the
    source questions it leaves untranslated; None when the file cannot be read."""
    doc = read_yaml(text, report)
    if doc is None:
        return None
    unknown_keys(doc, QUIZ_KEYS, report)
    description = text_of(doc, "description", report, required=bool(quiz.get("description")))
    if description and not quiz.get("description"):
        report(doc.line_of("description"), "the source quiz has no description to translate")
    head = {"title": text_of(doc, "title", report) or quiz["title"],
            "description": description or quiz.get("description", "")}
    parts = {"": file_part(doc, quiz_fingerprint(quiz), report, head)}
    raw = doc.get("questions")
    if raw is None:
        return parts, [q["id"] for q in quiz["questions"]]
    if not isinstance(raw, LineDict):
        report(doc.line_of("questions"), "'questions' must map each question id to its "
                                         "translated texts")
        return parts, []
    by_id = {q["id"]: q for q in quiz["questions"]}
    for qid, item in raw.items():
        line = raw.line_of(qid)
        if qid not in by_id:
            stamped = isinstance(item, LineDict) and "source" in item
            report(line, f"question '{qid}' is not in the quiz" + (
                ": it was removed, remove its translation" if stamped else ""), stamped)
        elif not isinstance(item, LineDict):
            report(line, f"question '{qid}' must map prompt, options, ... to their texts")
        elif item.line == line:
            report(line, f"write question '{qid}' as a block, one key a line, so its "
                         "'source:' can be stamped")
        else:
            found: list[tuple[int, str]] = []
            parts[qid] = _question(item, by_id[qid], text.splitlines()[item.line - 1],
                                   lambda at, message, found=found: found.append((at, message)))
            pass_on(found, parts[qid], report)
    return parts, [qid for qid in by_id if qid not in raw]


def _question(item: LineDict, question: dict[str, Any], first_line: str,
              report: Report) -> Part:
    """Check one translated question; return its part with the rendered texts."""
    qtype = question["type"]
    unknown_keys(item, COMMON_KEYS | TYPE_KEYS[qtype], report, f" for a {qtype} question")
    prompt = text_of(item, "prompt", report) or question["prompt"]
    fields: dict[str, Any] = {"prompt": prompt, "prompt_html": render_inline(prompt)}
    for key in OPTIONAL_TEXTS:
        if key not in COMMON_KEYS | TYPE_KEYS[qtype]:
            continue
        value = text_of(item, key, report, required=bool(question.get(key)))
        if value and not question.get(key):
            report(item.line_of(key), f"the source question has no '{key}' to translate")
        elif value:
            fields[key] = value
    if "explanation" in fields:
        fields["explanation_html"] = render_markdown(fields["explanation"])
    for key in ("feedback_true", "feedback_false"):
        if key in fields:
            fields[key + "_html"] = render_inline(fields[key])
    if "options" in question:
        fields["options"] = _options(item, question["options"], report)
    if qtype == "short_text":
        fields["accept"] = _accept(item, report)
    if qtype == "matching":
        fields.update(_matching(item, question, report))
    if qtype == "ordering":
        fields["items"] = list_of_texts(item.get("items"), item.line_of("items"),
                                        len(question["items"]), report, "items") \
            if "items" in item else _missing(item, "items", report)
    stamped = stamp_of(item, report)
    line = item.line_of("source") if stamped is not None else item.line
    indent = first_line[:len(first_line) - len(first_line.lstrip())]
    return Part(stamped, question_fingerprint(question), line, fields, indent)


def _missing(item: LineDict, key: str, report: Report) -> list:
    report(item.line, f"missing '{key}'")
    return []


def _options(item: LineDict, options: list[dict[str, Any]],
             report: Report) -> dict[str, dict[str, str]]:
    """Read `options: {id: text}` and `feedback: {id: text}` for the options that have it."""
    texts = texts_by_key(item, "options", {o["id"]: o["text"] for o in options}, report,
                         "option")
    with_feedback = {o["id"]: o["feedback"] for o in options if o.get("feedback")}
    feedback = texts_by_key(item, "feedback", with_feedback, report, "option with feedback") \
        if "feedback" in item or with_feedback else {}
    out = {}
    for option_id, text in texts.items():
        out[option_id] = {"text": text, "text_html": render_inline(text)}
        if option_id in feedback:
            out[option_id]["feedback"] = feedback[option_id]
            out[option_id]["feedback_html"] = render_inline(feedback[option_id])
    return out


def _accept(item: LineDict, report: Report) -> list[str]:
    """Read the answers a short-text question accepts in the translation's language."""
    raw = item.get("accept")
    if isinstance(raw, str | int | float) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(
            isinstance(a, str | int | float) and not isinstance(a, bool) and str(a).strip()
            for a in raw):
        report(item.line_of("accept") if "accept" in item else item.line,
               "'accept' must list the answers accepted in this language")
        return []
    return [str(a).strip() for a in raw]


def _matching(item: LineDict, question: dict[str, Any], report: Report) -> dict[str, Any]:
    """Read `pairs` (and `distractors`) in the source's order; equal answers stay equal."""
    if "pairs" not in item:
        return {"pairs": _missing(item, "pairs", report)}
    pairs = list_of_texts(item.get("pairs"), item.line_of("pairs"), len(question["pairs"]),
                          report, "pairs")
    rights = [right for _left, right in question["pairs"]]
    if pairs and [rights.index(r) for r in rights] != [
            [p[1] for p in pairs].index(p[1]) for p in pairs]:
        report(item.line_of("pairs"), "where the source repeats an answer the translation "
                                      "must repeat it too, and only there")
        pairs = []
    fields: dict[str, Any] = {"pairs": pairs}
    source = question.get("distractors") or []
    if source or "distractors" in item:
        if not source:
            report(item.line_of("distractors"), "the source question has no 'distractors'")
        else:
            fields["distractors"] = list_of_texts(
                item.get("distractors"), item.line_of("distractors"), len(source), report,
                "distractors") if "distractors" in item else _missing(item, "distractors",
                                                                      report)
    return fields
