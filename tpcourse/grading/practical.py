"""Practical skills assessed against a rubric: criteria with levels, lowest first.

A skill is signed off when every criterion reaches a level above its lowest ("not yet"); the
levels are kept with the sign-off, so records and exports show how it was met.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..i18n_markers import N_


def _english(message: str) -> str:
    return message


def read_levels(rubric: Sequence[Mapping[str, Any]], typed: Mapping[str, str],
                say: Callable[[str], str] = _english,
                ) -> tuple[dict[str, str], dict[str, str]]:
    """Return the level chosen per criterion and, per criterion id, a sentence for each that
    is missing, unknown or below what a sign-off needs (written through `say`, the assessor's
    gettext; English by default)."""
    levels, errors = {}, {}
    for criterion in rubric:
        cid, names = criterion["id"], criterion["levels"]
        chosen = (typed.get(cid) or "").strip()
        if chosen not in names:
            errors[cid] = say(N_("Choose a level for “%(criterion)s”.")) % {
                "criterion": criterion["text"]}
        elif chosen == names[0]:
            errors[cid] = say(N_("“%(criterion)s” is at “%(level)s”: a skill is signed off "
                                 "when every criterion is above it. Assess again later.")) % {
                "criterion": criterion["text"], "level": names[0]}
        else:
            levels[cid] = chosen
    return levels, errors


def describe_levels(rubric: Sequence[Mapping[str, Any]], levels: Mapping[str, str] | None
                    ) -> list[tuple[str, str]]:
    """Return (criterion text, level) pairs in the rubric's order, for records and exports."""
    if not levels:
        return []
    return [(criterion["text"], levels[criterion["id"]]) for criterion in rubric
            if criterion["id"] in levels]
