"""Source scoring (GIFT/Moodle percentages, QTI mappings) → the platform's scoring rules.

An import keeps the source's scoring (`scoring="source"`, the default): Moodle's per-option
weights become `scoring: weights`, its all-or-nothing type `scoring: all_or_nothing`, and a
question whose weights are exactly the platform's penalty rule keeps the default rule. With
`scoring="platform"` every question takes its type's default rule. Either way, a question whose
scores would differ from the source's is reported with its line and a concrete example.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import partial
from itertools import combinations
from typing import Any

from .model import BankImport, listing, option_ids

FULL = 100.0
TOLERANCE = 0.01
EXHAUSTIVE_OPTIONS = 10
"""Up to this many options every answer is compared; above, single options and the extremes."""


@dataclass
class ChoiceScoring:
    """The platform's form of a choice question's scoring."""

    correct: list[bool]
    fields: dict[str, Any] = field(default_factory=dict)  # {"scoring": ...} or {}
    weights: list[float] | None = None  # per option, when fields say weights


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * 10


def _label(index: int, text: str) -> str:
    short = text if len(text) <= 30 else text[:29] + "…"
    return f"{option_ids(index + 1)[-1].upper()} ('{short}')"


def moodle_share(weights: list[float], chosen: tuple[int, ...]) -> Fraction:
    """Moodle's multiple-answer grade: the chosen weights summed, kept within 0–100%."""
    total = sum(Fraction(weights[i]).limit_denominator(1000) for i in chosen) / 100
    return min(Fraction(1), max(Fraction(0), total))


def penalty_share(correct: list[bool], chosen: tuple[int, ...]) -> Fraction:
    """The platform's default multiple-answer rule: ±1/k per chosen option, floored at 0."""
    k = sum(correct)
    right = sum(1 for i in chosen if correct[i])
    return max(Fraction(0), Fraction(right - (len(chosen) - right), k))


def exact_share(correct: list[bool], chosen: tuple[int, ...]) -> Fraction:
    """All or nothing: full marks only for exactly the correct options."""
    return Fraction(int(set(chosen) == {i for i, c in enumerate(correct) if c}))


def first_difference(texts: list[str], source: Callable[[tuple[int, ...]], Fraction],
                     here: Callable[[tuple[int, ...]], Fraction]) -> str | None:
    """Return 'choosing A and C scores 70% in the source and 50% here' for the answer whose
    scores differ most, or None when every answer scores the same."""
    n = len(texts)
    if n <= EXHAUSTIVE_OPTIONS:
        answers = [c for size in range(1, n + 1) for c in combinations(range(n), size)]
    else:
        answers = [(i,) for i in range(n)] + [tuple(range(n))]
    best, gap = None, Fraction(0)
    for chosen in answers:
        difference = abs(source(chosen) - here(chosen))
        if difference > gap:
            best, gap = chosen, difference
    if best is None:
        return None
    shown = listing([_label(i, texts[i]) for i in best], limit=4)
    return (f"choosing {shown} scores {float(source(best)) * 100:.3g}% in the source and "
            f"{float(here(best)) * 100:.3g}% here")


def choice_scoring(weights: list[float], single: bool, texts: list[str], lines: list[int],
                   line: int, report: BankImport, keep: bool,
                   all_or_nothing: bool = False) -> ChoiceScoring | None:
    """Decide correct options and the scoring rule from percent weights; report differences.

    Returns None (after an error) when no valid key can be made.
    """
    if single:
        return _single(weights, texts, lines, line, report, keep)
    correct = [w > 0 for w in weights]
    if not any(correct):
        report.error(line, "no correct answer: mark the right option with = (GIFT) or give "
                           "each correct option a positive weight such as %50%")
        return None
    if all_or_nothing:
        return _exact(correct, texts, line, report, keep)
    k = sum(correct)
    if all(_close(w, FULL / k) if c else _close(w, -FULL / k) for w, c in zip(weights, correct,
                                                                              strict=True)):
        return ChoiceScoring(correct)
    positive = sum(w for w in weights if w > 0)
    if keep and positive >= FULL - TOLERANCE:
        return ChoiceScoring(correct, {"scoring": "weights"}, [max(-FULL, min(FULL, w))
                                                               for w in weights])
    difference = first_difference(texts, partial(moodle_share, weights),
                                  partial(penalty_share, correct))
    if keep:
        report.warn(line, f"the positive weights add up to {positive:g}%, so the source never "
                          "gives full marks; imported with the platform's rule (+1/k for each "
                          f"correct option chosen, −1/k for each wrong one): {difference}")
    elif difference:
        report.warn(line, f"scores differ from the source: {difference} (the platform's rule: "
                          f"+1/{k} for each correct option chosen, −1/{k} for each wrong one)")
    return ChoiceScoring(correct)


def _exact(correct: list[bool], texts: list[str], line: int, report: BankImport,
           keep: bool) -> ChoiceScoring:
    if keep:
        return ChoiceScoring(correct, {"scoring": "all_or_nothing"})
    difference = first_difference(texts, partial(exact_share, correct),
                                  partial(penalty_share, correct))
    report.warn(line, f"scores differ from the source, which is all or nothing: {difference}")
    return ChoiceScoring(correct)


def _single(weights: list[float], texts: list[str], lines: list[int], line: int,
            report: BankImport, keep: bool) -> ChoiceScoring | None:
    correct = [w >= FULL - TOLERANCE for w in weights]
    if sum(correct) == 0:
        report.error(line, "no correct answer: mark exactly one option as correct "
                           "(= in GIFT, 100% in Moodle)")
        return None
    if sum(correct) > 1:
        report.error(line, "more than one option is fully correct; a single-choice "
                           "question needs exactly one")
        return None
    partial = [i for i, w in enumerate(weights) if 0 < w < FULL - TOLERANCE]
    negative = [i for i, w in enumerate(weights) if w < 0]
    if negative:
        shown = listing([f"{_label(i, texts[i])} {weights[i]:g}%" for i in negative])
        report.warn(lines[negative[0]], f"scores differ from the source: choosing {shown} takes "
                                        "marks off in Moodle; here a question never scores "
                                        "below 0")
    if (partial or negative) and keep:  # negative weights kept too, so exports give them back
        return ChoiceScoring(correct, {"scoring": "weights"},
                             [max(-FULL, min(FULL, w)) for w in weights])
    if partial:
        shown = listing([f"{_label(i, texts[i])} {weights[i]:g}%" for i in partial])
        report.warn(lines[partial[0]], f"scores differ from the source: {shown} earn partial "
                                       "credit there and nothing here (single choice is all or "
                                       "nothing)")
    return ChoiceScoring(correct)


def matching_ok(pairs: list[list[str]], distractors: list[str], line: int,
                report: BankImport) -> bool:
    """Check matching pairs as the platform will: two or more, lefts distinct, two answers."""
    if len(pairs) < 2:
        report.error(line, "a matching question needs at least two pairs")
        return False
    lefts = [pair[0] for pair in pairs]
    if len(set(lefts)) != len(lefts):
        report.error(line, "each item (left side) of a matching question must be different")
        return False
    if len({*(p[1] for p in pairs), *distractors}) < 2:
        report.error(line, "every item has the same answer and there is no other answer to "
                           "choose; add a different answer or a distractor")
        return False
    return True
