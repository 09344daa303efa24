"""xAPI 1.0.3 statements, checked against the rules of the spec's Data section."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tpcourse.records.xapi import VERBS, statement_id, statements_for, stream_xapi

SITE = "https://tpcourse.example"
IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s]+$")
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,8}(-[a-zA-Z0-9]{1,8})*$")
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def language_map_problems(where: str, value: Any) -> list[str]:
    if not isinstance(value, dict) or not value:
        return [f"{where} is not a language map"]
    return [
        f"{where} has a bad language tag or value"
        for tag, text in value.items()
        if not LANGUAGE_TAG.match(tag) or not isinstance(text, str)
    ]


def activity_problems(where: str, activity: dict[str, Any]) -> list[str]:
    problems = []
    if activity.get("objectType", "Activity") != "Activity":
        problems.append(f"{where}.objectType is not Activity")
    if not IRI.match(activity.get("id", "")):
        problems.append(f"{where}.id is not an IRI")
    definition = activity.get("definition", {})
    if "type" in definition and not IRI.match(definition["type"]):
        problems.append(f"{where}.definition.type is not an IRI")
    if "name" in definition:
        problems += language_map_problems(f"{where}.definition.name", definition["name"])
    return problems


def null_paths(value: Any, path: str = "statement") -> list[str]:
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in null_paths(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in null_paths(item, f"{path}[{index}]")]
    return []


def score_problems(score: dict[str, Any]) -> list[str]:
    problems = []
    scaled, raw = score.get("scaled"), score.get("raw")
    low, high = score.get("min"), score.get("max")
    if scaled is not None and not -1 <= scaled <= 1:
        problems.append("score.scaled is outside -1..1")
    if low is not None and high is not None and not low < high:
        problems.append("score.min is not below score.max")
    if raw is not None and low is not None and raw < low:
        problems.append("score.raw is below score.min")
    if raw is not None and high is not None and raw > high:
        problems.append("score.raw is above score.max")
    return problems


def xapi_problems(statement: dict[str, Any]) -> list[str]:
    """List how `statement` breaks xAPI 1.0.3 (Part Two, section 2) rules; empty when valid."""
    problems = [f"{path} is null" for path in null_paths(statement)]
    for required in ("actor", "verb", "object"):
        if required not in statement:
            problems.append(f"{required} is missing")
    identifier = uuid.UUID(statement["id"])
    if str(identifier) != statement["id"] or identifier.variant != uuid.RFC_4122:
        problems.append("id is not an RFC 4122 UUID in canonical form")
    actor = statement["actor"]
    if actor.get("objectType", "Agent") != "Agent":
        problems.append("actor is not an Agent")
    if sum(ifi in actor for ifi in IFIS) != 1:
        problems.append("actor does not have exactly one inverse functional identifier")
    if not actor.get("mbox", "").startswith("mailto:"):
        problems.append("actor.mbox is not a mailto IRI")
    verb = statement["verb"]
    if not IRI.match(verb.get("id", "")):
        problems.append("verb.id is not an IRI")
    problems += language_map_problems("verb.display", verb.get("display"))
    problems += activity_problems("object", statement["object"])
    result = statement.get("result", {})
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            problems.append(f"result.{flag} is not a boolean")
    problems += score_problems(result.get("score", {}))
    context = statement.get("context", {})
    if not isinstance(context.get("platform", ""), str):
        problems.append("context.platform is not a string")
    for kind, activities in context.get("contextActivities", {}).items():
        if kind not in ("parent", "grouping", "category", "other"):
            problems.append(f"contextActivities.{kind} is not a known key")
        for index, activity in enumerate(activities):
            problems += activity_problems(f"contextActivities.{kind}[{index}]", activity)
    timestamp = statement.get("timestamp", "")
    if not timestamp.endswith("Z") or datetime.fromisoformat(timestamp).tzinfo is None:
        problems.append("timestamp is not an ISO 8601 UTC timestamp")
    if not statement.get("version", "1.0.0").startswith("1.0."):
        problems.append("version is not 1.0.x")
    return problems


def test_statements_follow_the_spec(make_row):
    statements = statements_for(make_row(), SITE)
    assert [s["verb"]["id"] for s in statements] == [
        VERBS["failed"],
        VERBS["passed"],
        VERBS["completed"],
    ]
    for statement in statements:
        assert xapi_problems(statement) == []
        assert statement["version"] == "1.0.3"
        assert statement["context"]["platform"] == "tpcourse"
        assert statement["actor"] == {
            "objectType": "Agent",
            "name": "Zoë Müller",
            "mbox": "mailto:zoe@example.org",
        }


def test_quiz_statement_details(make_row):
    failed, passed, _ = statements_for(make_row(), SITE)
    assert passed["object"] == {
        "objectType": "Activity",
        "id": f"{SITE}/quizzes/final-exam",
        "definition": {
            "name": {"en-US": "Final exam"},
            "type": "http://adlnet.gov/expapi/activities/assessment",
        },
    }
    assert passed["result"] == {
        "success": True,
        "completion": True,
        "score": {"scaled": 0.9, "raw": 18.0, "min": 0.0, "max": 20.0},
    }
    assert failed["result"]["success"] is False
    assert failed["verb"]["display"] == {"en-US": "failed"}
    assert passed["timestamp"] == "2025-03-07T14:25:05Z"
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == (
        f"{SITE}/courses/trigger-point-foundations"
    )


def test_completed_statement_details(make_row):
    completed = statements_for(make_row(), SITE)[-1]
    assert completed["object"]["id"] == f"{SITE}/courses/trigger-point-foundations"
    assert completed["object"]["definition"]["type"] == (
        "http://adlnet.gov/expapi/activities/course"
    )
    assert completed["result"]["completion"] is True
    assert completed["result"]["score"] == {"scaled": 0.9, "raw": 90.0, "min": 0.0, "max": 100.0}
    assert completed["timestamp"] == "2025-03-07T14:30:05Z"
    assert completed["context"]["revision"] == "3"


def test_incomplete_row_has_no_completed_statement(make_row):
    statements = statements_for(make_row(completed_at=None), SITE)
    assert VERBS["completed"] not in {s["verb"]["id"] for s in statements}
    assert statements_for(make_row(completed_at=None, quiz_outcomes=()), SITE) == []


def test_ids_are_deterministic_and_distinct(make_row, make_outcome):
    first = [s["id"] for s in statements_for(make_row(), SITE)]
    assert first == [s["id"] for s in statements_for(make_row(), SITE + "/")]
    assert len(set(first)) == len(first)
    other = make_row(trainee_id=43, quiz_outcomes=(make_outcome(attempt_id="att-other"),))
    assert not set(first) & {s["id"] for s in statements_for(other, SITE)}
    assert uuid.UUID(first[0]).version == 5
    assert first[1] == statement_id(SITE, "attempt", "att-7f3a", "passed")


def test_zero_point_quiz_has_no_score(make_row, make_outcome):
    row = make_row(quiz_outcomes=(make_outcome(score=0.0, max_score=0.0),))
    statement = statements_for(row, SITE)[0]
    assert "score" not in statement["result"]
    assert xapi_problems(statement) == []


def test_stream_is_a_json_array_of_the_same_statements(make_row):
    rows = [make_row(), make_row(trainee_id=5, completed_at=None)]
    streamed = json.loads(b"".join(stream_xapi(rows, SITE)))
    assert streamed == [s for row in rows for s in statements_for(row, SITE)]
    assert json.loads(b"".join(stream_xapi([], SITE))) == []


@given(
    score=st.floats(-50, 500, allow_nan=False),
    max_score=st.floats(0, 400, allow_nan=False),
    final=st.none() | st.floats(-10, 110, allow_nan=False),
)
def test_any_scores_give_spec_valid_statements(make_row, make_outcome, score, max_score, final):
    outcome = make_outcome(score=score, max_score=max_score)
    row = make_row(quiz_outcomes=(outcome,), final_score=final)
    for statement in statements_for(row, SITE):
        assert xapi_problems(statement) == []
