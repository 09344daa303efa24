"""Turn completion rows into xAPI 1.0.3 statements for a school's Learning Record Store."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from tpcourse.records.encoding import chunked, isoformat_z, json_array
from tpcourse.records.rows import CompletionRow, QuizOutcome

__all__ = ["STATEMENT_NAMESPACE", "VERBS", "statement_id", "statements_for", "stream_xapi"]

XAPI_VERSION = "1.0.3"
PLATFORM = "tpcourse"
LANGUAGE = "en-US"
VERBS = {
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
ASSESSMENT = "http://adlnet.gov/expapi/activities/assessment"
COURSE = "http://adlnet.gov/expapi/activities/course"
# Certification cycles (contract, README): every completed statement carries its cycle; a
# renewal's also the certificate it renews and the category activity RENEWAL.
CYCLE_EXTENSION = "https://tpcourse.example/xapi/extensions/certification-cycle"
RENEWS_EXTENSION = "https://tpcourse.example/xapi/extensions/renews-certificate"
CERTIFICATE_EXTENSION = "https://tpcourse.example/xapi/extensions/certificate-code"
RENEWAL = "https://tpcourse.example/xapi/activities/renewal"

# Fixed forever: statement ids are uuid5 under this namespace, so a re-export sends the same ids
# and an LRS ignores the duplicates instead of double-counting them.
STATEMENT_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tpcourse.example/ns/xapi-statement")


def statement_id(site_url: str, *identity: object) -> str:
    """Derive the stable statement UUID for a record identified by `identity` on `site_url`."""
    name = "|".join([site_url.rstrip("/"), *(str(part) for part in identity)])
    return str(uuid.uuid5(STATEMENT_NAMESPACE, name))


def _actor(row: CompletionRow) -> dict[str, Any]:
    return {"objectType": "Agent", "name": row.name, "mbox": f"mailto:{row.email}"}


def _verb(name: str) -> dict[str, Any]:
    return {"id": VERBS[name], "display": {LANGUAGE: name}}


def _activity(activity_id: str, name: str, activity_type: str) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": activity_id,
        "definition": {"name": {LANGUAGE: name}, "type": activity_type},
    }


def _score(raw: float, maximum: float) -> dict[str, float] | None:
    """Build an xAPI score; None when there is no positive maximum to scale against."""
    if not maximum > 0:
        return None
    # Grading never produces raw outside 0..max; clamping keeps a bad row from making the
    # whole batch unacceptable to an LRS (which must reject raw outside min..max).
    raw = min(max(raw, 0.0), maximum)
    return {"scaled": round(raw / maximum, 4), "raw": raw, "min": 0.0, "max": maximum}


def _statement(
    statement_uuid: str,
    row: CompletionRow,
    verb: str,
    activity: dict[str, Any],
    result: dict[str, Any],
    at: datetime,
    context: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": statement_uuid,
        "actor": _actor(row),
        "verb": _verb(verb),
        "object": activity,
        "result": result,
        "context": {"platform": PLATFORM, "language": LANGUAGE, **context},
        "timestamp": isoformat_z(at),
        "version": XAPI_VERSION,
    }


def _quiz_statement(
    row: CompletionRow, outcome: QuizOutcome, site: str, course: dict[str, Any]
) -> dict[str, Any]:
    verb = "passed" if outcome.passed else "failed"
    result: dict[str, Any] = {"success": outcome.passed, "completion": True}
    score = _score(outcome.score, outcome.max_score)
    if score is not None:
        result["score"] = score
    quiz = _activity(f"{site}/quizzes/{outcome.quiz_slug}", outcome.quiz_title, ASSESSMENT)
    return _statement(
        statement_id(site, "attempt", outcome.attempt_id, verb),
        row,
        verb,
        quiz,
        result,
        outcome.submitted_at,
        {"contextActivities": {"parent": [course]}},
    )


def statements_for(row: CompletionRow, site_url: str) -> list[dict[str, Any]]:
    """Build the statements for one row: passed/failed per quiz outcome, completed if complete."""
    site = site_url.rstrip("/")
    course = _activity(f"{site}/courses/{row.course_slug}", row.course_title, COURSE)
    statements = [_quiz_statement(row, outcome, site, course) for outcome in row.quiz_outcomes]
    if row.completed_at is not None:
        result: dict[str, Any] = {"success": True, "completion": True}
        score = None if row.final_score is None else _score(row.final_score, 100.0)
        if score is not None:
            result["score"] = score
        completed = isoformat_z(row.completed_at)
        identity = ("completion", row.trainee_id, row.course_slug, row.course_version, completed)
        statements.append(
            _statement(
                statement_id(site, *identity),
                row,
                "completed",
                course,
                result,
                row.completed_at,
                {"revision": str(row.course_version), **_cycle_context(row)},
            )
        )
    return statements


def _cycle_context(row: CompletionRow) -> dict[str, Any]:
    """The certification cycle of a completion; a renewal is marked by a category activity."""
    extensions: dict[str, Any] = {CYCLE_EXTENSION: row.cycle or 1,
                                  CERTIFICATE_EXTENSION: row.certificate_code}
    context: dict[str, Any] = {"extensions": extensions}
    if row.is_renewal:
        extensions[RENEWS_EXTENSION] = row.renews_certificate_code
        context["contextActivities"] = {"category": [
            _activity(RENEWAL, "Certificate renewal", RENEWAL)]}
    return context


def stream_xapi(rows: Iterable[CompletionRow], site_url: str) -> Iterator[bytes]:
    """Yield a JSON array of every row's statements as UTF-8 chunks, ready to POST to an LRS."""
    statements = (statement for row in rows for statement in statements_for(row, site_url))
    return chunked(json_array(statements))
