"""`enqueue`: hand a job to the configured queue once the caller's transaction commits.

A job enqueued inside a transaction waits for its commit (a rollback drops it), so a worker
never runs before the rows it reads exist; one enqueued outside any transaction goes at once.
A crash between the commit and the hand-over loses the hand-over, never the event: every job
that touches the outside world has a row saying what is still to be sent, and the sweeper
(`jobs.sweep`, every few minutes) enqueues it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ...extensions import db
from .registry import spec_for

PENDING = "tpcourse_jobs"  # session.info key: jobs waiting for the commit


@dataclass(frozen=True)
class JobCall:
    """One job to run: its registered name, arguments, idempotency key and delay (seconds)."""

    name: str
    args: tuple = ()
    key: str | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class FailedJob:
    """A job that failed after its last try, as the admin page lists it."""

    id: str
    name: str
    args: tuple
    key: str | None
    error: str
    failed_at: Any
    tries: int = field(default=1)


class Adapter(Protocol):
    """What a queue engine offers tpcourse."""

    name: str

    def submit(self, call: JobCall) -> None: ...
    def failed(self, limit: int = 100) -> list[FailedJob]: ...
    def retry(self, job_id: str) -> bool: ...
    def counts(self) -> dict[str, int]: ...


def enqueue(job: Any, args: Iterable[Any] = (), key: str | None = None,
            delay: float = 0.0, after_commit: bool = True) -> JobCall:
    """Run `job(*args)` in the background once the current transaction commits.

    `key` names the event the job handles: the Redis queue keeps one job per key, and the job
    itself must do its outside-world work once per key (see notifications.delivery).
    `after_commit=False` hands the job over at once, for a job that reads no row the caller
    is writing (an email to a typed address).
    """
    spec = spec_for(job)
    call = JobCall(spec.name, tuple(args), key, float(delay or 0))
    session = db.session()
    if after_commit and session.in_transaction():
        session.info.setdefault(PENDING, []).append(call)
    else:
        adapter().submit(call)
    return call


def adapter(app: Flask | None = None) -> Adapter:
    """The app's queue adapter: Redis (RQ) when TPCOURSE_JOBS_REDIS_URL is set, else inline."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("tpcourse_jobs")
    if found is None:
        url = app.config.get("TPCOURSE_JOBS_REDIS_URL")
        if url:
            from .redis_queue import RedisAdapter

            found = RedisAdapter(app, url)
        else:
            from .inline import InlineAdapter

            found = InlineAdapter(app, app.config.get("TPCOURSE_JOBS_INLINE", "thread"))
        app.extensions["tpcourse_jobs"] = found
    return found


@event.listens_for(Session, "after_commit")
def _hand_over(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the transaction goes on
        return
    calls = session.info.pop(PENDING, None)
    if calls:
        target = adapter()
        for call in calls:
            target.submit(call)


@event.listens_for(Session, "after_transaction_end")
def _drop_on_rollback(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        session.info.pop(PENDING, None)
