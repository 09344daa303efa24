"""Jobs on Redis with RQ: any number of `flask jobs worker` processes on any number of hosts.

Why RQ: jobs are plain functions referenced by name (what tpcourse's jobs are), retries
with a list of delays (`Retry`), delayed jobs (the scheduler inside each worker), failed jobs
kept with their traceback in a registry that can requeue them (the admin page), a cron
scheduler of its own (`flask jobs scheduler`), and nothing but Redis to run.

Each enqueued job calls `runner.run_job(name, args)`; a job with a key gets a job id made
from it, so the same event is queued once while its job waits, runs or has finished (the job
itself still does its outside-world work once per key: the database row is the real guard).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Flask
from redis import Redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import FailedJobRegistry

from .queue import FailedJob, JobCall
from .registry import retry_delays, spec_for
from .runner import run_job

FAILED_KEPT_SECONDS = 30 * 24 * 3600  # a failed job stays listed for 30 days
RESULT_KEPT_SECONDS = 3600
LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED,
        JobStatus.FINISHED}


def job_id_for(queue_name: str, key: str) -> str:
    """A job id made from the queue's name and an idempotency key (RQ's ids are global)."""
    return f"{queue_name}-" + hashlib.sha256(key.encode()).hexdigest()[:32]


class RedisAdapter:
    """Queue jobs in Redis for RQ workers."""

    def __init__(self, app: Flask, url: str) -> None:
        self.app = app
        self.connection = Redis.from_url(url)
        self.queue_name = app.config.get("TPCOURSE_JOBS_QUEUE") or "tpcourse"
        self.queue = Queue(self.queue_name, connection=self.connection)
        self.name = f"Redis queue {self.queue_name!r}"

    def submit(self, call: JobCall) -> None:
        """Enqueue (or schedule) the job, once per key while it is live."""
        spec = spec_for(call.name)
        job_id = job_id_for(self.queue_name, call.key) if call.key else None
        if job_id is not None:
            try:
                existing = Job.fetch(job_id, connection=self.connection)
            except NoSuchJobError:
                existing = None
            if existing is not None:
                if existing.get_status() in LIVE:
                    return
                existing.delete()
        delays = retry_delays(spec, self.app.config)
        options = {"args": (call.name, list(call.args)), "job_id": job_id,
                   "retry": Retry(max=len(delays), interval=list(delays)) if delays else None,
                   "job_timeout": spec.timeout, "failure_ttl": FAILED_KEPT_SECONDS,
                   "result_ttl": RESULT_KEPT_SECONDS,
                   "description": f"{call.name}({', '.join(map(repr, call.args))})"}
        if call.delay > 0:
            self.queue.enqueue_in(timedelta(seconds=call.delay), run_job, **options)
        else:
            self.queue.enqueue_call(run_job, **{k: v for k, v in options.items()
                                                if k != "job_timeout"},
                                    timeout=spec.timeout)

    def failed(self, limit: int = 100) -> list[FailedJob]:
        """Jobs that failed after their last try, newest first, with their error."""
        registry = FailedJobRegistry(queue=self.queue)
        found = []
        for job in Job.fetch_many(registry.get_job_ids(0, limit - 1), connection=self.connection):
            if job is None:
                continue
            name, args = (job.args or ("?", []))[:2]
            result = job.latest_result()
            error = (result.exc_string if result is not None else None) or ""
            found.append(FailedJob(job.id, name, tuple(args), None,
                                   error.strip().splitlines()[-1][:2000] if error else
                                   "(no error recorded)", job.ended_at, 1))
        return sorted(found, key=lambda f: str(f.failed_at or ""), reverse=True)

    def retry(self, job_id: str) -> bool:
        """Put a failed job back on its queue; False if it is not among the failed."""
        registry = FailedJobRegistry(queue=self.queue)
        if job_id not in registry:
            return False
        registry.requeue(job_id)
        return True

    def counts(self) -> dict[str, int]:
        """Jobs waiting, scheduled (delayed or retrying), running and failed."""
        return {"waiting": self.queue.count,
                "scheduled": self.queue.scheduled_job_registry.count,
                "running": self.queue.started_job_registry.count,
                "failed": self.queue.failed_job_registry.count}
