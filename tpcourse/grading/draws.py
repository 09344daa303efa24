"""Drawing an attempt's questions from pools, and proving what every draw contains.

A quiz's `draw` takes N questions at random from each named pool; questions in no pool, or in
a pool the draw does not name, are in every attempt. `excludes` keeps two questions out of one
attempt (one could answer the other): the draw skips a question whose partner is already in.
`content check` uses `draw_problems` to prove, before any trainee sees the quiz, that every
draw can be filled, that every must-pass question is in every attempt, and (with
`always_examines`) that a safety objective cannot be left out.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

LARGEST_EXACT_GROUP = 14
"""Linked questions are analysed exactly up to this many per group (2**14 subsets)."""


def exclusions(questions: Sequence[Mapping[str, Any]]) -> dict[str, set[str]]:
    """Return, for each question id, the ids it may not share an attempt with (both ways)."""
    known = {q["id"] for q in questions}
    linked: dict[str, set[str]] = {}
    for question in questions:
        for other in question.get("excludes") or ():
            if other in known and other != question["id"]:
                linked.setdefault(question["id"], set()).add(other)
                linked.setdefault(other, set()).add(question["id"])
    return linked


def pool_members(questions: Sequence[Mapping[str, Any]], pool: str) -> list[str]:
    """Return the ids of a pool's questions in file order."""
    return [q["id"] for q in questions if q.get("pool") == pool]


def always_drawn(quiz: Mapping[str, Any]) -> set[str]:
    """Return the questions every attempt contains: in no drawn pool, or in a pool drawn whole."""
    questions, draw = quiz["questions"], quiz.get("draw") or {}
    whole = {pool for pool, count in draw.items() if count >= len(pool_members(questions, pool))}
    return {q["id"] for q in questions if q.get("pool") not in draw or q.get("pool") in whole}


def draw_question_ids(quiz: Mapping[str, Any], rng: random.Random) -> list[str]:
    """Choose an attempt's questions (in file order), honouring `excludes`.

    A pool none of whose questions is linked by `excludes` is sampled exactly as before
    exclusions existed, so the same seed still draws the same questions.
    """
    questions, draw = quiz["questions"], quiz.get("draw") or {}
    linked = exclusions(questions)
    chosen = {q["id"] for q in questions if q.get("pool") not in draw}
    blocked = set().union(*(linked.get(qid, set()) for qid in chosen))
    for pool, count in draw.items():
        members = pool_members(questions, pool)
        if not any(qid in linked for qid in members):
            picked = rng.sample(members, min(count, len(members)))
        else:
            picked = []
            for qid in rng.sample(members, len(members)):
                if len(picked) == count:
                    break
                if qid not in blocked:
                    picked.append(qid)
                    blocked |= linked.get(qid, set())
        chosen.update(picked)
    return [q["id"] for q in questions if q["id"] in chosen]


def draw_problems(quiz: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """Return (question id or None for the draw itself, message) for every draw that can fail.

    Checked: excluded pairs that are both always drawn, questions an always-drawn partner
    keeps out of every attempt, pools that exclusions could leave short, and must-pass
    questions that an attempt can leave out.
    """
    questions, draw = quiz["questions"], quiz.get("draw") or {}
    linked = exclusions(questions)
    always = always_drawn(quiz)
    problems: list[tuple[str | None, str]] = []
    for first, second in sorted({tuple(sorted((a, b))) for a in linked for b in linked[a]}):
        if first in always and second in always:
            problems.append((second, f"'{first}' and '{second}' exclude each other, but every "
                                     "attempt contains both"))
        elif first in always or second in always:
            kept, out = (first, second) if first in always else (second, first)
            problems.append((out, f"'{out}' can never be drawn: it is excluded by '{kept}', "
                                  "which every attempt contains"))
    earlier: set[str] = set(always)
    for pool, count in draw.items():
        members = pool_members(questions, pool)
        if count < len(members):
            free = [m for m in members if not linked.get(m, set()) & earlier]
            fewest = fewest_filled(free, linked)
            if fewest < count:
                problems.append((None, f"pool '{pool}' may not fill: its excluded pairs can "
                                       f"leave only {fewest} of the {count} questions the draw "
                                       "asks for"))
        earlier.update(members)
    for question in questions:
        if question.get("must_pass") and question["id"] not in always:
            pool = question.get("pool")
            problems.append((question["id"], (
                f"must-pass question '{question['id']}' can be left out of an attempt: pool "
                f"'{pool}' is drawn {draw[pool]} of {len(pool_members(questions, pool))}. "
                "Every attempt must contain every must-pass question: draw that pool whole, "
                "or move the question to a pool that is drawn whole")))
    return problems


def always_examines(quiz: Mapping[str, Any], objective: str) -> bool:
    """Whether every possible attempt contains a question on `objective`."""
    questions, draw = quiz["questions"], quiz.get("draw") or {}
    on_it = {q["id"] for q in questions if q.get("objective") == objective}
    if on_it & always_drawn(quiz):
        return True
    for pool, count in draw.items():
        members = pool_members(questions, pool)
        # A draw that happens to pick only other questions can fill the pool without it.
        if on_it & set(members) and count > len([m for m in members if m not in on_it]):
            return True
    return False


def fewest_filled(members: Iterable[str], linked: Mapping[str, set[str]]) -> int:
    """Return the fewest of `members` a greedy draw can end with when it runs out of choices.

    That is the size of the smallest maximal set of mutually compatible questions, summed
    over each group of linked questions (exact up to LARGEST_EXACT_GROUP per group, else the
    safe lower bound of one per group).
    """
    members = set(members)
    seen: set[str] = set()
    total = 0
    for start in sorted(members):
        if start in seen:
            continue
        group, stack = set(), [start]
        while stack:
            qid = stack.pop()
            if qid not in group:
                group.add(qid)
                stack.extend(linked.get(qid, set()) & members)
        seen |= group
        total += _smallest_maximal(sorted(group), linked) \
            if len(group) <= LARGEST_EXACT_GROUP else 1
    return total


def _smallest_maximal(group: list[str], linked: Mapping[str, set[str]]) -> int:
    for size in range(1, len(group) + 1):
        for picked in combinations(group, size):
            chosen = set(picked)
            independent = all(not (linked.get(q, set()) & chosen) for q in chosen)
            if independent and all(linked.get(q, set()) & chosen
                                   for q in group if q not in chosen):
                return size
    return len(group)
