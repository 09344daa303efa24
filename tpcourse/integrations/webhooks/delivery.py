"""Delivering an event to an endpoint: the job, its retries over about a day, and the log.

A delivery is tried by the job `webhooks.deliver`. A try first claims the row with a
compare-and-set (status `sending`, attempts + 1, a lease), so two runs of the same job never
send the same try twice; each try is logged (`webhook_attempts`: time, response code,
latency, error). A 2xx answer delivers it; anything else schedules the next try after
TPCOURSE_WEBHOOK_RETRY_DELAYS (30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, 10 h: about
26 hours over 10 tries), then the delivery is `failed` and a school admin can redeliver it.
Every try of one event carries the same `webhook-id`, so a receiver that got a message whose
answer was lost can drop the copy.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
from standardwebhooks.webhooks import Webhook

from ...extensions import db
from ...models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, utcnow
from ...services.jobs import enqueue, job
from ...services.jobs.maintenance import clock
from ...services.jobs.registry import parse_delays
from . import secrets as endpoint_secrets
from .addresses import allowed_networks
from .transport import Outcome, post

DEFAULT_DELAYS = (30, 120, 600, 1800, 3600, 7200, 14400, 28800, 36000)
LEASE = timedelta(minutes=2)
# RQ's scheduler counts whole seconds, so a delayed job may start a moment before its time.
EARLY_OK = timedelta(seconds=5)
_TABLE = WebhookDelivery.__table__


def retry_delays() -> tuple[int, ...]:
    """Seconds before each retry (TPCOURSE_WEBHOOK_RETRY_DELAYS)."""
    return parse_delays(current_app.config.get("TPCOURSE_WEBHOOK_RETRY_DELAYS"), DEFAULT_DELAYS)


def schedule(delivery: WebhookDelivery, delay: float = 0.0) -> None:
    """Hand the delivery's next try to the queue (after the caller's commit)."""
    enqueue(deliver, [delivery.id], key=f"webhook:{delivery.id}:{delivery.attempts}",
            delay=delay)


def signed_request(event_id: str, payload: dict, secret: str,
                   at: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and Standard Webhooks headers of one message (signed with the library)."""
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True)
    signature = Webhook(secret).sign(event_id, at, body)
    return body.encode(), {"webhook-id": event_id,
                           "webhook-timestamp": str(int(at.timestamp())),
                           "webhook-signature": signature,
                           "content-type": "application/json",
                           "user-agent": "tpcourse-webhooks/1"}


def _claim(delivery_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(_TABLE).where(
            _TABLE.c.id == delivery_id,
            or_(and_(_TABLE.c.status.in_(("pending", "retrying")),
                     or_(_TABLE.c.next_attempt_at.is_(None),
                         _TABLE.c.next_attempt_at <= now + EARLY_OK)),
                and_(_TABLE.c.status == "sending", _TABLE.c.claimed_until < now)))
        .values(status="sending", attempts=_TABLE.c.attempts + 1, claimed_until=now + LEASE)
    ).rowcount
    db.session.commit()
    return claimed == 1


@job("webhooks.deliver", retries=(30, 300))
def deliver(delivery_id: int) -> str:
    """Try a delivery once (if it is due and nobody else is trying it); log the try."""
    now = clock()
    if not _claim(delivery_id, now):
        return _not_claimed(delivery_id, now)
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    config = current_app.config
    if not endpoint.active:  # turned off since the event: stop here, redeliverable later
        delivery.status, delivery.claimed_until = "failed", None
        delivery.error, delivery.next_attempt_at = "The endpoint is turned off.", None
        db.session.commit()
        return "endpoint off"
    try:
        secret = endpoint_secrets.unseal(endpoint.secret_sealed)
    except ValueError as exc:
        outcome = Outcome(None, 0, str(exc))
    else:
        # The signature's timestamp is the moment of sending (receivers reject old ones).
        body, headers = signed_request(delivery.event_id, delivery.event.payload, secret,
                                       utcnow())
        outcome = post(endpoint.url, body, headers, float(config["TPCOURSE_WEBHOOK_TIMEOUT"]),
                       allowed_networks(config.get("TPCOURSE_WEBHOOK_ALLOW_PRIVATE")))
    return _record(delivery, outcome, clock())


def _not_claimed(delivery_id: int, now: datetime) -> str:
    """A try that came early (a clock ahead of the queue's) waits for its time again."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if (delivery is not None and delivery.status in ("pending", "retrying")
            and delivery.next_attempt_at is not None and delivery.next_attempt_at > now):
        wait = (delivery.next_attempt_at - now).total_seconds()
        enqueue(deliver, [delivery.id], key=f"webhook:{delivery.id}:{delivery.attempts}:early",
                delay=wait, after_commit=False)
        return "early"
    return "not due"


def _record(delivery: WebhookDelivery, outcome: Outcome, now: datetime) -> str:
    db.session.add(WebhookAttempt(delivery_id=delivery.id, number=delivery.attempts, at=now,
                                  response_code=outcome.status, latency_ms=outcome.latency_ms,
                                  error=outcome.error))
    delivery.response_code, delivery.latency_ms = outcome.status, outcome.latency_ms
    delivery.error, delivery.claimed_until = outcome.error, None
    delays = retry_delays()
    if outcome.delivered:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
    elif delivery.attempts <= len(delays):
        wait = delays[delivery.attempts - 1]
        delivery.status, delivery.next_attempt_at = "retrying", now + timedelta(seconds=wait)
        schedule(delivery, delay=wait)
    else:
        delivery.status, delivery.next_attempt_at = "failed", None
    db.session.commit()
    return delivery.status


def redeliver(delivery: WebhookDelivery, now: datetime) -> None:
    """Send a delivery again now (a fresh round of tries; the same event id)."""
    delivery.status, delivery.next_attempt_at, delivery.claimed_until = "pending", None, None
    schedule(delivery)
    db.session.commit()


def requeue_due(now: datetime, grace: timedelta = timedelta(minutes=5)) -> int:
    """Enqueue again the deliveries whose try is overdue (a lost hand-over, a killed worker)."""
    overdue = db.session.execute(select(WebhookDelivery).where(or_(
        and_(WebhookDelivery.status.in_(("pending", "retrying")),
             func.coalesce(WebhookDelivery.next_attempt_at, WebhookDelivery.created_at)
             < now - grace),
        and_(WebhookDelivery.status == "sending", WebhookDelivery.claimed_until < now)))
        .limit(500)).scalars().all()
    ids = [delivery.id for delivery in overdue]
    db.session.rollback()  # end the read: the jobs go to the queue at once
    for delivery_id in ids:
        enqueue(deliver, [delivery_id], key=f"webhook-sweep:{delivery_id}:{now:%Y%m%d%H%M}")
    return len(ids)
