"""Partial-credit answers of typed questions (`partial:`), as Moodle banks carry them.

A short-text question may list answers worth part of the points:
`partial: [{text: toad, weight: 80}]`; a numeric question, ranges worth part of them:
`partial: [{answer: 120, tolerance: 10, weight: 50}]` (weight 100: another fully right range).
A response that is not fully right earns the best weight among the partial answers it
matches. Kept apart from `text.py` so the typed types stay as they are without `partial`.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from .base import NOTHING, Report
from .scoring import percent_value, share_of_percent

PARTIAL_KEYS = {"short_text": ("text", "weight"), "numeric": ("answer", "tolerance", "weight")}


def read_partial(q: Any, qtype: str, line_of: Callable[[str], int], report: Report
                 ) -> dict[str, Any]:
    """Return {'partial': [...]} checked and normalised, or {} when the question has none."""
    raw = q.get("partial")
    if raw is None:
        return {}
    allowed = PARTIAL_KEYS[qtype]
    if not isinstance(raw, list):
        report(line_of("partial"), f"'partial' must list answers like {{{', '.join(allowed)}}}")
        return {}
    entries = []
    for index, item in enumerate(raw):
        line = raw.line_of(index) if hasattr(raw, "line_of") else line_of("partial")
        entry = _entry(item, qtype, allowed, line, report)
        if entry is not None:
            entries.append(entry)
    return {"partial": entries} if entries else {}


def _entry(item: Any, qtype: str, allowed: tuple[str, ...], line: int,
           report: Report) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        report(line, f"each 'partial' answer must be a mapping like {{{', '.join(allowed)}}}")
        return None
    for key in sorted(set(item) - set(allowed)):
        report(line, f"unknown key '{key}' in a partial answer (allowed: {', '.join(allowed)})")
    weight = percent_value(item.get("weight"), 0, 100)
    if weight is None or not 0 < weight <= 100:
        report(line, "a partial answer's 'weight' must be a percent above 0, at most 100")
        return None
    if qtype == "short_text":
        text = item.get("text")
        if isinstance(text, bool) or not isinstance(text, str | int | float) or not str(
                text).strip():
            report(line, "a partial answer needs a 'text'")
            return None
        return {"text": str(text).strip(), "weight": weight}
    answer = percent_value(item.get("answer"), float("-inf"), float("inf"))
    tolerance = percent_value(item.get("tolerance", 0), 0, float("inf"))
    if answer is None or tolerance is None:
        report(line, "a partial answer needs a numeric 'answer' and a 'tolerance' of 0 or more")
        return None
    entry = {"answer": answer, "weight": weight}
    if tolerance:
        entry["tolerance"] = tolerance
    return entry


def partial_text_share(q: Any, normalised: str, normalise: Callable[[str], str]) -> Fraction:
    """Return the best partial weight whose text matches a normalised response."""
    weights = [e["weight"] for e in q.get("partial", ()) if normalise(e["text"]) == normalised]
    return share_of_percent(max(weights)) if weights else NOTHING


def partial_number_share(q: Any, value: float) -> Fraction:
    """Return the best partial weight whose range holds a typed number."""
    weights = [e["weight"] for e in q.get("partial", ())
               if abs(value - e["answer"]) <= e.get("tolerance", 0) + 1e-9]
    return share_of_percent(max(weights)) if weights else NOTHING


def partial_key(q: Any, unit: str = "") -> list[str]:
    """Describe the partial answers for review pages: 'toad (80%)'."""
    lines = []
    for entry in q.get("partial", ()):
        if "text" in entry:
            lines.append(f"{entry['text']} ({entry['weight']:g}%)")
        else:
            spread = f" ± {entry['tolerance']:g}" if entry.get("tolerance") else ""
            lines.append(f"{entry['answer']:g}{spread}{unit} ({entry['weight']:g}%)")
    return lines
