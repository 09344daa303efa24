"""The fast read of stored attempts (columns as text, orjson, shared items, chunks) gives exactly
what a straightforward read through ORM objects gives, on awkward data included."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from tpcourse.analysis import (
    AttemptResponses,
    ItemResponse,
    analyse,
    analysis_csv,
    select_attempts,
)
from tpcourse.analysis.records import RecordBuilder
from tpcourse.models import Attempt, Quiz, QuizVersion
from tpcourse.services.authoring import item_analysis
from tpcourse.services.authoring.item_analysis import attempt_records, question_meta

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
HUGE = 2**70  # an integer over 64 bits: some fast decoders turn it into a float


def _question(qid: str, kind: str, points: float = 1, **extra) -> dict:
    return {"id": qid, "type": kind, "points": points, "objective": "OBJ-1", "tags": ["neck"],
            "prompt": qid, **extra}


QUIZ = {"slug": "records", "title": "Records", "pass_mark": 50, "questions": [
    _question("one", "single", options=[{"id": o, "text": o} for o in "abc"]),
    _question("many", "multiple", 2, options=[{"id": o, "text": o} for o in "abcd"]),
    _question("tf", "true_false"),
    _question("spot", "hotspot", regions=[]),
    _question("num", "numeric"),
    _question("text", "short_text"),
]}

# (status, responses, results as (id, score, points)) per attempt, in submission order.
ATTEMPTS: list[tuple[str, Any, list[tuple]]] = [
    ("submitted", {"one": "a", "many": ["a", "b"], "tf": True, "spot": [10.5, 20],
                   "num": 3.5, "text": "knot"},
     [("one", 1, 1), ("many", 2, 2), ("tf", 1, 1), ("spot", 1, 1), ("num", 1, 1),
      ("text", 1, 1)]),
    ("submitted", {"one": "b", "many": ["a", 7], "tf": False, "spot": [True, 3], "num": "x"},
     [("one", 0, 1), ("many", 0.5, 2), ("tf", 0, 1), ("spot", 0, 1), ("num", 0, 1),
      ("text", 0, 1)]),
    # Same scores and answers as the first: shared items must still be the right ones.
    ("submitted", {"one": "a", "many": ["a", "b"], "tf": True, "spot": [11, 20]},
     [("one", 1.0, 1.0), ("many", 2.0, 2.0), ("tf", 1, 1), ("spot", 1, 1)]),
    # 1 is not True for a true/false answer; a list is not a single choice; a bad point.
    ("expired", {"one": ["a"], "tf": 1, "spot": [1, 2, 3], "many": "a"},
     [("one", 0, 1), ("tf", 1, 1), ("spot", 0, 1), ("many", 0, 2)]),
    ("submitted", {"one": HUGE, "many": [HUGE, "a"]}, [("one", 0, 1), ("many", 1, 2)]),
    ("submitted", {}, [("one", 0, 1), ("gone", 1, 1)]),  # a question no longer in the version
    ("submitted", None, [("tf", 0, 1)]),  # JSON null responses
    ("submitted", {"tf": None, "many": []}, [("tf", 0, 1), ("many", 0, 2)]),
    ("in_progress", {"one": "a"}, None),  # not graded: left out
    ("submitted", {"one": "a"}, [("one", 1, 1)]),  # essays awaiting grading (no pass yet): out
]
AWAITING_GRADING = len(ATTEMPTS) - 1


@pytest.fixture
def version(db, make_user):
    quiz = Quiz(slug="records", current_version=1)
    db.session.add(quiz)
    db.session.flush()
    stored = QuizVersion(quiz_id=quiz.id, version=1, content_hash="0" * 64, title="Records",
                         data=QUIZ)
    db.session.add(stored)
    db.session.flush()
    users = [make_user() for _ in range(4)]
    rows = []
    for n, (status, responses, results) in enumerate(ATTEMPTS):
        graded = results is not None
        rows.append({
            "id": f"att{n:02d}", "user_id": users[n % 4].id, "quiz_id": quiz.id,
            "quiz_version_id": stored.id, "number": n, "status": status,
            "started_at": START, "submitted_at": START + timedelta(minutes=n) if graded else None,
            "passed": None if not graded or n == AWAITING_GRADING else n % 2 == 0,
            "question_ids": [q["id"] for q in QUIZ["questions"]], "orders": {},
            "responses": responses,
            "results": [{"id": q, "score": s, "points": p, "must_pass": False}
                        for q, s, p in results] if graded else None})
    db.session.execute(insert(Attempt), rows)
    db.session.commit()
    return stored


def _reference_item(kind: str | None, result: dict, response: Any) -> ItemResponse:
    """The straightforward reading, written out again on purpose (not imported)."""
    score, top = float(result["score"]), float(result["points"])
    if kind == "hotspot":
        ok = (isinstance(response, list) and len(response) == 2
              and all(isinstance(v, int | float) and not isinstance(v, bool) for v in response))
        point = (float(response[0]), float(response[1])) if ok else None
        if point and not all(math.isfinite(v) for v in point):
            point = None
        return ItemResponse(result["id"], score, top, (), point)
    chosen: tuple[str, ...] = ()
    if kind == "single" and isinstance(response, str):
        chosen = (response,)
    elif kind == "multiple" and isinstance(response, list):
        chosen = tuple(str(r) for r in response)
    elif kind == "true_false" and isinstance(response, bool):
        chosen = ("true",) if response else ("false",)
    return ItemResponse(result["id"], score, top, chosen)


def _reference_records(db, version: QuizVersion) -> list[AttemptResponses]:
    """Load ORM objects (JSON decoded by the column type) and build every item afresh."""
    kinds = {q["id"]: q["type"] for q in version.data["questions"]}
    attempts = db.session.execute(select(Attempt).where(
        Attempt.quiz_version_id == version.id, Attempt.status.in_(("submitted", "expired")),
        Attempt.submitted_at.is_not(None), Attempt.passed.is_not(None))).scalars()
    return [AttemptResponses(a.id, a.user_id, a.submitted_at, tuple(
        _reference_item(kinds.get(r["id"]), r, (a.responses or {}).get(r["id"]))
        for r in a.results or [])) for a in attempts]


def _by_id(records: list[AttemptResponses]) -> list[AttemptResponses]:
    return sorted(records, key=lambda record: record.attempt_id)


@pytest.mark.parametrize("chunk", [3, 2000])
def test_fast_records_equal_the_reference(db, version, monkeypatch, chunk):
    monkeypatch.setattr(item_analysis, "CHUNK", chunk)  # 3: the rows arrive in several chunks
    fast = _by_id(attempt_records(version))
    reference = _by_id(_reference_records(db, version))
    assert [r.attempt_id for r in fast] == [f"att{n:02d}" for n in range(8)]
    assert fast == reference
    items = {i.question_id: i for i in fast[0].items}
    assert items["many"].choices == ("a", "b") and items["spot"].point == (10.5, 20.0)
    assert fast[1].items[1].choices == ("a", "7") and fast[1].items[3].point is None
    assert fast[3].items[1].choices == ()  # 1 is not a true/false answer
    assert fast[4].items[1].choices == (str(HUGE), "a")  # the integer, not a float's digits


@pytest.mark.parametrize("mode", ["first", "highest", "all"])
def test_fast_analysis_equals_the_reference(db, version, mode):
    meta = question_meta(version.data)
    fast = analyse(select_attempts(attempt_records(version), mode), meta)
    reference = analyse(select_attempts(_reference_records(db, version), mode), meta)
    assert analysis_csv(fast) == analysis_csv(reference)
    assert fast.quiz.n_attempts == {"first": 4, "highest": 4, "all": 8}[mode]


def test_json_the_fast_decoder_refuses_decodes_as_the_standard_library():
    text = '{"a": [NaN, Infinity, -Infinity, 1e400, "\\ud800", 18446744073709551616, 0.5]}'
    assert repr(item_analysis._loads(text)) == repr(json.loads(text))
    assert item_analysis._loads(None) is None


def test_equal_items_are_shared_and_unequal_ones_are_not():
    builder = RecordBuilder({"tf": "true_false", "one": "single"})
    first = builder.record("a1", 1, START, {"tf": True, "one": "a"},
                           [{"id": "tf", "score": 1, "points": 1},
                            {"id": "one", "score": 1, "points": 1}])
    again = builder.record("a2", 2, START, {"tf": True, "one": "a"},
                           [{"id": "tf", "score": 1.0, "points": 1.0},
                            {"id": "one", "score": 1, "points": 1}])
    other = builder.record("a3", 3, START, {"tf": 1, "one": "b"},
                           [{"id": "tf", "score": 1, "points": 1},
                            {"id": "one", "score": 1, "points": 1}])
    assert first.items[0] is again.items[0] and first.items[1] is again.items[1]
    assert other.items[0].choices == () and other.items[1].choices == ("b",)
    assert first.items[0].choices == ("true",)
