"""A school admin's webhook settings: endpoints, their delivery log, test events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ...extensions import db
from ...models import School, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from ...services.errors import NotFound, ServiceError
from ...services.records.audit import actor_of, record_event
from . import secrets as endpoint_secrets
from .addresses import AddressRefused, allowed_networks, check_url, resolve
from .events import EVENT_TYPES, TEST_TYPE, emit, new_event_id

MAX_ENDPOINTS = 10
LOG_SHOWN = 50


def endpoints_of(school: School) -> list[WebhookEndpoint]:
    """The school's endpoints, oldest first."""
    return list(db.session.execute(select(WebhookEndpoint).where(
        WebhookEndpoint.school_id == school.id).order_by(WebhookEndpoint.id)).scalars())


def endpoint_of(school: School, endpoint_id: int) -> WebhookEndpoint:
    """One of the school's endpoints; NotFound for any other id (no leak)."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.school_id != school.id:
        raise NotFound(_("No such webhook endpoint in this school."))
    return endpoint


def _checked(url: str, events: list[str]) -> tuple[str, list[str]]:
    url = (url or "").strip()
    try:
        check_url(url)
        resolve(url, allowed_networks(current_app.config.get("TPCOURSE_WEBHOOK_ALLOW_PRIVATE")))
    except AddressRefused as exc:
        raise ServiceError(str(exc)) from None
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown or not events:
        raise ServiceError(_("Choose at least one of the events listed."))
    return url, sorted(set(events))


def create_endpoint(school: School, url: str, events: list[str], description: str, actor,
                    now: datetime) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint; return it and its secret (shown once: only its sealed form is
    kept)."""
    url, events = _checked(url, events)
    count = db.session.execute(select(func.count()).select_from(WebhookEndpoint).where(
        WebhookEndpoint.school_id == school.id)).scalar_one()
    if count >= MAX_ENDPOINTS:
        raise ServiceError(_("A school can have %(max)s endpoints; delete one first.",
                             max=MAX_ENDPOINTS))
    secret = endpoint_secrets.new_secret()
    endpoint = WebhookEndpoint(school_id=school.id, url=url, events=events,
                               description=(description or "").strip()[:200],
                               secret_sealed=endpoint_secrets.seal(secret), active=True,
                               created_at=now)
    db.session.add(endpoint)
    db.session.flush()
    record_event("webhook.endpoint_created", {"school": school.id, "endpoint": endpoint.id,
                                              "url": url, "events": events}, actor_of(actor), now)
    db.session.commit()
    return endpoint, secret


def update_endpoint(endpoint: WebhookEndpoint, url: str, events: list[str], description: str,
                    active: bool, actor, now: datetime) -> None:
    """Change an endpoint's URL, events, description or whether it is on."""
    url, events = _checked(url, events)
    endpoint.url, endpoint.events, endpoint.active = url, events, bool(active)
    endpoint.description = (description or "").strip()[:200]
    record_event("webhook.endpoint_updated", {"school": endpoint.school_id,
                                              "endpoint": endpoint.id, "url": url,
                                              "events": events, "active": endpoint.active},
                 actor_of(actor), now)
    db.session.commit()


def rotate_secret(endpoint: WebhookEndpoint, actor, now: datetime) -> str:
    """Give the endpoint a new secret (returned once)."""
    secret = endpoint_secrets.new_secret()
    endpoint.secret_sealed = endpoint_secrets.seal(secret)
    record_event("webhook.secret_rotated", {"school": endpoint.school_id,
                                            "endpoint": endpoint.id}, actor_of(actor), now)
    db.session.commit()
    return secret


def delete_endpoint(endpoint: WebhookEndpoint, actor, now: datetime) -> None:
    """Delete an endpoint and its delivery log (the events stay in the audit log)."""
    ids = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    db.session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids)))
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    record_event("webhook.endpoint_deleted", {"school": endpoint.school_id,
                                              "endpoint": endpoint.id, "url": endpoint.url},
                 actor_of(actor), now)
    db.session.delete(endpoint)
    db.session.commit()


def send_test(endpoint: WebhookEndpoint, now: datetime) -> str:
    """Queue a `webhook.test` event to this endpoint alone; return its event id."""
    event_id = emit(endpoint.school_id, TEST_TYPE, f"test:{new_event_id()}",
                    {"endpoint_id": endpoint.id, "message": "A test event from tpcourse."},
                    now, endpoints=[endpoint])
    db.session.commit()
    return event_id


@dataclass(frozen=True)
class LogEntry:
    """A delivery as the log lists it, with its tries."""

    delivery: WebhookDelivery
    attempts: list[WebhookAttempt]


def delivery_log(endpoint: WebhookEndpoint, limit: int = LOG_SHOWN) -> list[LogEntry]:
    """The endpoint's latest deliveries, newest first, each with its tries (two queries)."""
    deliveries = list(db.session.execute(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc()).limit(limit)
    ).scalars())
    tries: dict[int, list[WebhookAttempt]] = {}
    if deliveries:
        for attempt in db.session.execute(select(WebhookAttempt).where(
                WebhookAttempt.delivery_id.in_([d.id for d in deliveries]))
                .order_by(WebhookAttempt.number)).scalars():
            tries.setdefault(attempt.delivery_id, []).append(attempt)
    return [LogEntry(d, tries.get(d.id, [])) for d in deliveries]


def delivery_of(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    """One of the endpoint's deliveries; NotFound otherwise."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound(_("No such delivery for this endpoint."))
    return delivery
