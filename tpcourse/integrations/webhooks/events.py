"""What happened, and which endpoints hear of it.

`emit(school_id, type, key, data, now)` runs in the caller's transaction: one SELECT of the
school's subscribed endpoints, and only when one subscribes an event row plus a delivery row
per endpoint; the delivery jobs are handed over at commit. `key` names the event (a record
is issued once), so emitting twice creates nothing new.

`attempt.graded` is emitted by the audit sealer (`graded_events_sealed`), not by the submit
request: a grade's audit event is already queued in the grade's transaction, so the exam's
submit path sends no statement more whether or not anyone subscribes (docs/performance.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import User, WebhookDelivery, WebhookEndpoint, WebhookEvent
from ...records.encoding import jsonable

EVENT_TYPES = {  # type: what it tells, as the settings page says it (in the reader's language)
    "completion.issued": _l("A trainee completed a course: a completion record and certificate "
                            "were issued."),
    "completion.renewed": _l("A trainee renewed a certificate: a new completion record (the next "
                             "certification cycle) renews an earlier one."),
    "completion.revoked": _l("A certificate was revoked."),
    "attempt.graded": _l("A quiz or exam attempt was graded."),
    "enrollment.created": _l("A trainee enrolled in a course."),
}
TEST_TYPE = "webhook.test"


def new_event_id() -> str:
    """A Standard Webhooks message id."""
    return "msg_" + secrets.token_hex(16)


def subscribed(school_id: int | None, event_type: str) -> list[WebhookEndpoint]:
    """The school's active endpoints that subscribed to `event_type`."""
    if school_id is None:
        return []
    endpoints = db.session.execute(select(WebhookEndpoint).where(
        WebhookEndpoint.school_id == school_id, WebhookEndpoint.active.is_(True))).scalars()
    return [e for e in endpoints if event_type in (e.events or [])]


def emit(school_id: int | None, event_type: str, key: str, data: dict[str, Any],
         now: datetime, endpoints: Iterable[WebhookEndpoint] | None = None) -> str | None:
    """Record the event for every subscribed endpoint of the school; return its id (None
    when nobody listens or it was recorded before)."""
    targets = list(endpoints) if endpoints is not None else subscribed(school_id, event_type)
    if not targets:
        return None
    event = WebhookEvent(id=new_event_id(), key=key, school_id=school_id, type=event_type,
                         payload={"type": event_type, "timestamp": now.isoformat(),
                                  "data": jsonable(data)}, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(event)
            db.session.flush()
            deliveries = [WebhookDelivery(event_id=event.id, endpoint_id=e.id, status="pending",
                                          attempts=0, next_attempt_at=None, created_at=now)
                          for e in targets]
            db.session.add_all(deliveries)
    except IntegrityError:
        return None  # this event was recorded already
    from .delivery import schedule

    for delivery in deliveries:
        schedule(delivery)
    return event.id


def trainee_data(user: Any) -> dict[str, Any]:
    """Who an event is about, as schools' systems know them."""
    return {"id": user.id, "name": user.name, "email": user.email}


def graded_events_sealed(events: list[Any], now: datetime) -> None:
    """After the sealer chains a batch: emit `attempt.graded` for subscribed schools.

    One query when no school subscribes (none when the batch has no grade).
    """
    # An attempt whose essays await grading is announced when its last essay is graded
    # (services.notifications.announce.attempt_graded), not now.
    grades = [e for e in events if e.kind == "attempt.graded"
              and not e.payload.get("awaiting_grading")]
    if not grades:
        return
    endpoints = [e for e in db.session.execute(select(WebhookEndpoint).where(
        WebhookEndpoint.active.is_(True))).scalars() if "attempt.graded" in (e.events or [])]
    if not endpoints:
        return
    by_school: dict[int, list[WebhookEndpoint]] = {}
    for endpoint in endpoints:
        by_school.setdefault(endpoint.school_id, []).append(endpoint)
    user_ids = {e.payload.get("user") for e in grades}
    users = {u.id: u for u in db.session.execute(select(User).where(
        User.id.in_(user_ids), User.school_id.in_(list(by_school)))).scalars()}
    for grade in grades:
        user = users.get(grade.payload.get("user"))
        if user is None:
            continue
        payload = grade.payload
        emit(user.school_id, "attempt.graded", f"attempt.graded:{payload['attempt']}", {
            "attempt_id": payload["attempt"], "trainee": trainee_data(user),
            "quiz_version_id": payload.get("quiz_version"), "status": payload.get("status"),
            "score": payload.get("score"), "max_score": payload.get("max_score"),
            "percent": payload.get("percent"), "passed": payload.get("passed"),
            "graded_at": grade.at}, now, endpoints=by_school[user.school_id])
