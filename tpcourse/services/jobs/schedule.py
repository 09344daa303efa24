"""Jobs that run on a schedule, declared here rather than in a crontab.

With Redis, `flask jobs scheduler` (one process for the whole site) enqueues them with RQ's
cron scheduler; without, the in-process job thread (`inline.py`, thread mode) does. Cron
fields are in the server's local time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from croniter import croniter
from flask import Flask

from ...i18n_markers import N_
from .queue import JobCall


@dataclass(frozen=True)
class Scheduled:
    """A job run on a cron schedule or every `interval` seconds."""

    job: str
    cron: str | None = None
    interval: int | None = None
    purpose: str = ""


SCHEDULE = (
    Scheduled("reminders.send_due", cron="0 6 * * *",
              purpose=N_("renewal reminders (email and notice) before certificates expire")),
    Scheduled("audit.checkpoint", cron="30 2 * * *",
              purpose=N_("sign the audit chain's head into the checkpoint folder")),
    Scheduled("retention.purge", cron="0 3 * * *",
              purpose=N_("anonymise accounts past retention; forget old browser sessions")),
    Scheduled("jobs.sweep", interval=300,
              purpose=N_("send again what a lost hand-over or a killed worker left unsent; "
                         "seal waiting audit events")),
)


def register_with_rq(scheduler, queue_name: str) -> None:
    """Register every scheduled job with an RQ `CronScheduler`."""
    from .runner import run_job

    for entry in SCHEDULE:
        scheduler.register(run_job, queue_name, args=(entry.job, []), cron=entry.cron,
                           interval=entry.interval, name=f"{queue_name}:{entry.job}")


class Ticker:
    """The schedule for the in-process thread: `due()` returns the calls whose time came."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        start = time.time()
        self.next_at = {entry.job: self._next(entry, start) for entry in SCHEDULE}

    @staticmethod
    def _next(entry: Scheduled, after: float) -> float:
        if entry.interval:
            return after + entry.interval
        return croniter(entry.cron, datetime.fromtimestamp(after)).get_next(float)

    def due(self) -> list[JobCall]:
        """The scheduled jobs due now (each moves on to its next time)."""
        now = time.time()
        calls = []
        for entry in SCHEDULE:
            if self.next_at[entry.job] <= now:
                calls.append(JobCall(entry.job))
                self.next_at[entry.job] = self._next(entry, now)
        return calls
