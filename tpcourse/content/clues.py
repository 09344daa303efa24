"""Find questions of one quiz that may answer each other when an attempt draws both.

A heuristic for reviewers, reported by `content check` as warnings: a pair that is kept apart
with `excludes` (or that no draw can put together) is not reported. What counts as a clue:

- a short answer accepted for one question appears in another's text (its prompt, options,
  pairs or steps), or in its own prompt, or spelled out as the initials of words there;
- a numeric answer with its unit ("48 hours") appears in another question's text;
- another question's text names the key of a choice question but none of its distractors,
  together with words of that question's prompt (a matching pair or a body-map prompt that
  states the fact being asked);
- a true/false statement is restated, mostly word for word, by another question's option
  or pair.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..grading.draws import always_drawn, exclusions

_STOP_WORDS = """
a an the and or of to in on at by for with from as is are be been being was were it its this that
these those which what who whom when where why how do does did done not no than then there their
they them he she his her him you your we our can could may might should would will shall must
one two some any all each every more most less least very just only also into out over under
up down about after before while during if so such own same other others too here
client clients therapist therapists massage trigger point points session sessions usually
commonly common likely best select choose apply following true false statement question
"""
STOP = frozenset(_STOP_WORDS.split())
NUMBER_WORDS = r"(\d+(?:[.,]\d+)?)(?:\s*(?:-|–|to)\s*(\d+(?:[.,]\d+)?))?"
UNIT_WORDS = {
    "h": ("h", "hr", "hrs", "hour", "hours", "hora", "horas"),
    "min": ("min", "mins", "minute", "minutes", "minuto", "minutos"),
    "s": ("s", "sec", "secs", "second", "seconds", "segundo", "segundos"),
    "d": ("d", "day", "days", "día", "días"),
    "/10": ("/10", "out of 10", "out of ten", "sobre 10", "de 10"),
}


@dataclass(frozen=True)
class Clue:
    """Question `giver` may reveal the answer of question `answered` in one attempt."""

    quiz: str
    answered: str
    giver: str
    reason: str


def words(text: str) -> list[str]:
    """Lower-case word tokens; hyphens and slashes split words ("deep-vein" is two)."""
    return re.findall(r"[a-z0-9]+", re.sub(r"[-/–]", " ", (text or "").casefold()))


def content_words(text: str) -> set[str]:
    """The stemmed words of `text` that carry meaning (no stop words)."""
    return {_stem(w) for w in words(text) if w not in STOP and len(w) > 2}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _contains_phrase(haystack: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return size > 0 and any(haystack[i:i + size] == phrase for i in range(len(haystack) - size + 1))


def shown_units(question: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The texts a trainee reads, as (kind, text): the prompt, each option, pair and step.

    Options are one kind apart: a trainee cannot tell the key from a distractor, so an option
    only gives a clue by naming a term; a prompt, a pair or a step is read as a true statement.
    """
    prompt = question.get("prompt", "")
    if question.get("unit"):
        prompt = f"{prompt} {question['unit']}"
    units = [("prompt", prompt)]
    units += [("option", o["text"]) for o in question.get("options", [])]
    units += [("pair", f"{left} {right}") for left, right in question.get("pairs", [])]
    units += [("step", str(item)) for item in question.get("items", [])]
    return units


def find_clues(slug: str, quiz: Mapping[str, Any]) -> list[Clue]:
    """Return every likely clue between two questions that one attempt can hold together."""
    questions = quiz["questions"]
    apart = exclusions(questions)
    always = always_drawn(quiz)
    draw = quiz.get("draw") or {}
    found: list[Clue] = []
    for answered in questions:
        found += [Clue(slug, answered["id"], answered["id"], reason)
                  for reason in _self_clues(answered)]
        for giver in questions:
            if giver is answered or giver["id"] in apart.get(answered["id"], set()):
                continue
            if not _can_meet(answered, giver, always, draw, questions):
                continue
            reason = _clue(answered, giver)
            if reason:
                found.append(Clue(slug, answered["id"], giver["id"], reason))
    return found


def _can_meet(first, second, always, draw, questions) -> bool:
    """Whether one attempt can hold both (two questions of a pool drawn one at a time cannot)."""
    pool = first.get("pool")
    if pool in draw and pool == second.get("pool") and first["id"] not in always:
        return draw[pool] > 1
    return True


def _self_clues(question: Mapping[str, Any]) -> Iterable[str]:
    prompt = question.get("prompt", "")
    for answer in question.get("accept", []) if question["type"] == "short_text" else []:
        phrase = words(answer)
        if _significant(phrase) and _contains_phrase(words(prompt), phrase):
            yield f"its prompt contains its own accepted answer '{answer}'"
        elif _is_initials(answer, prompt):
            yield f"its prompt spells out '{answer}' as the initials of its words"


def _is_initials(answer: str, text: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", answer)
    if not 2 <= len(letters) <= 6 or letters.upper() != letters:
        return False
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", text)).upper()
    capitals = "".join(w[0] for w in re.findall(r"\b[A-Z][a-z]+", text))
    return letters in capitals or (len(letters) >= 3 and letters in initials and
                                   letters in "".join(w[0].upper() for w in
                                                      re.findall(r"[A-Z][A-Za-z]*", text)))


def _significant(phrase: list[str]) -> bool:
    return bool(phrase) and (len(phrase) > 1 or (phrase[0] not in STOP and len(phrase[0]) >= 4))


def _clue(answered: Mapping[str, Any], giver: Mapping[str, Any]) -> str | None:
    units = shown_units(giver)
    texts = [text for _, text in units]
    statements = [text for kind, text in units if kind != "option"]
    kind = answered["type"]
    if kind == "short_text":
        for answer in answered["accept"]:
            phrase = words(answer)
            if _significant(phrase) and any(_contains_phrase(words(u), phrase) for u in texts):
                return f"'{giver['id']}' shows '{answer}', an accepted answer"
            if _is_initials(answer, texts[0]):
                return f"'{giver['id']}' spells out '{answer}' in the initials of its prompt"
    if kind == "numeric" and answered.get("unit"):
        for unit in texts:
            shown = _number_with_unit(unit, answered)
            if shown:
                return f"'{giver['id']}' shows '{shown}', within the accepted answer"
    if kind in ("single", "multiple"):
        return _choice_clue(answered, giver, units)
    if kind == "true_false":
        return _statement_clue(answered, giver, statements)
    if kind == "matching":
        return _pairs_clue(answered, giver, statements)
    return None


def _number_with_unit(text: str, question: Mapping[str, Any]) -> str | None:
    names = UNIT_WORDS.get(question["unit"], (question["unit"],))
    pattern = NUMBER_WORDS + r"\s*(" + "|".join(re.escape(n) for n in names) + r")\b"
    low, high = question["answer"] - question["tolerance"], question["answer"] + question["tolerance"]
    for match in re.finditer(pattern, text.casefold()):
        values = [float(v.replace(",", ".")) for v in match.groups()[:2] if v]
        if any(low - 1e-9 <= v <= high + 1e-9 for v in values):
            return match.group(0)
    return None


def _choice_clue(answered, giver, units) -> str | None:
    keys = [o["text"] for o in answered["options"] if o["correct"]]
    others = [content_words(o["text"]) for o in answered["options"] if not o["correct"]]
    asked = content_words(answered["prompt"])
    for kind, unit in units:
        seen = content_words(unit)
        told = seen - asked
        for key in keys:
            key_words = content_words(key)
            names_key = _covers(seen, key_words) and len((seen - key_words) & asked) >= 2
            least = 4 if kind == "prompt" else 3
            restates_key = kind != "option" and len(told & key_words) >= least and _covers(
                key_words, told, 0.7)
            if not (names_key or restates_key):
                continue
            if any(o and (_covers(seen, o) or _covers(o, told, 0.7)) for o in others):
                continue
            return f"'{giver['id']}' states the key '{key}' beside words of the prompt"
    return None


def _covers(seen: set[str], wanted: set[str], share: float = 0.75) -> bool:
    return bool(wanted) and len(seen & wanted) >= max(1, share * len(wanted)) and (
        len(wanted) <= 2 or len(seen & wanted) >= 3)


def _statement_clue(answered, giver, units) -> str | None:
    statement = content_words(answered["prompt"])
    for unit in units:
        shared = statement & content_words(unit)
        if len(shared) >= 4 and len(shared) >= 0.6 * len(statement):
            return f"'{giver['id']}' restates the statement ({', '.join(sorted(shared))})"
    return None


def _pairs_clue(answered, giver, units) -> str | None:
    for left, right in answered["pairs"]:
        for unit in units:
            seen = content_words(unit)
            if _covers(seen, content_words(right), 0.7) and content_words(left) & seen:
                return f"'{giver['id']}' pairs '{left}' with '{right}'"
    return None
