"""Small hand-checkable data sets for the item-analysis tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from tpcourse.analysis import AttemptResponses, ItemResponse, QuestionMeta

START = datetime(2024, 3, 1, 9, 0)


def attempt(
    number: int, scores: dict[str, tuple], user: int | None = None, minutes: int | None = None
) -> AttemptResponses:
    """Build an attempt from {question_id: (score, max_score[, choices])}."""
    items = tuple(
        ItemResponse(qid, s[0], s[1], s[2] if len(s) > 2 else ()) for qid, s in scores.items()
    )
    return AttemptResponses(
        f"att-{number}",
        number if user is None else user,
        START + timedelta(minutes=number if minutes is None else minutes),
        items,
    )


# Five trainees, three all-or-nothing questions worth 1 point each (KR-20 applies).
#            q1 q2 q3  total
#   A1        1  1  1    3
#   A2        1  1  0    2
#   A3        1  0  1    2
#   A4        0  1  0    1
#   A5        0  0  0    0
# q1 is single-choice with options a (key), b, c; A5 left it blank.
DICHOTOMOUS_QUESTIONS = [
    QuestionMeta("q1", "single", 1.0, "LOC-1", ("neck",), ("a", "b", "c")),
    QuestionMeta("q2", "true_false", 1.0, "LOC-1", ("neck", "shoulder")),
    QuestionMeta("q3", "hotspot", 1.0, "PRS-2", ("shoulder",)),
]
DICHOTOMOUS_ATTEMPTS = [
    attempt(1, {"q1": (1, 1, ("a",)), "q2": (1, 1), "q3": (1, 1)}),
    attempt(2, {"q1": (1, 1, ("a",)), "q2": (1, 1), "q3": (0, 1)}),
    attempt(3, {"q1": (1, 1, ("a",)), "q2": (0, 1), "q3": (1, 1)}),
    attempt(4, {"q1": (0, 1, ("b",)), "q2": (1, 1), "q3": (0, 1)}),
    attempt(5, {"q1": (0, 1), "q2": (0, 1), "q3": (0, 1)}),
]

# Four trainees, partial credit: m1 and m2 are matching questions worth 2 points
# (one point per pair), t1 is true/false worth 1.
#            m1 m2 t1  total (of 5)
#   A1        2  2  1    5
#   A2        1  2  1    4
#   A3        1  0  1    2
#   A4        0  1  0    1
PARTIAL_QUESTIONS = [
    QuestionMeta("m1", "matching", 2.0, "LOC-2", ("back",)),
    QuestionMeta("m2", "matching", 2.0, "LOC-2", ("hip",)),
    QuestionMeta("t1", "true_false", 1.0, "INJ-3", ("back",)),
]
PARTIAL_ATTEMPTS = [
    attempt(1, {"m1": (2, 2), "m2": (2, 2), "t1": (1, 1)}),
    attempt(2, {"m1": (1, 2), "m2": (2, 2), "t1": (1, 1)}),
    attempt(3, {"m1": (1, 2), "m2": (0, 2), "t1": (1, 1)}),
    attempt(4, {"m1": (0, 2), "m2": (1, 2), "t1": (0, 1)}),
]

# Six trainees, each drawing two of three 1-point questions at random.
#            a  b  c   total %
#   A1        1  1  .    100
#   A2        0  0  .      0
#   A3        1  .  1    100
#   A4        0  .  1     50
#   A5        .  1  0     50
#   A6        .  0  0      0
DRAWN_QUESTIONS = [
    QuestionMeta("a", "single", 1.0),
    QuestionMeta("b", "single", 1.0),
    QuestionMeta("c", "single", 1.0),
]
DRAWN_ATTEMPTS = [
    attempt(1, {"a": (1, 1), "b": (1, 1)}),
    attempt(2, {"a": (0, 1), "b": (0, 1)}),
    attempt(3, {"a": (1, 1), "c": (1, 1)}),
    attempt(4, {"a": (0, 1), "c": (1, 1)}),
    attempt(5, {"b": (1, 1), "c": (0, 1)}),
    attempt(6, {"b": (0, 1), "c": (0, 1)}),
]
