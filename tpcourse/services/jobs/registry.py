"""The registry of jobs: name -> function, retry delays and time limit."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Modules that define jobs; a worker imports them all so it knows every name it may be sent.
JOB_MODULES = (
    "tpcourse.services.jobs.maintenance",
    "tpcourse.services.notifications.jobs",
    "tpcourse.integrations.webhooks.delivery",
    "tpcourse.services.schools.export_jobs",
    "tpcourse.integrations.lti.jobs",
    "tpcourse.services.authoring.item_analysis",
    "tpcourse.services.sessions.jobs",
)
DEFAULT_RETRIES = (10, 60, 300, 1800)  # seconds before each retry of a job that raised


@dataclass(frozen=True)
class JobSpec:
    """A registered job."""

    name: str
    func: Callable[..., Any]
    retries: tuple[int, ...] | None  # None: the configured default (TPCOURSE_JOBS_RETRY_DELAYS)
    timeout: int  # seconds a run may take before the worker kills it


JOBS: dict[str, JobSpec] = {}


def job(name: str, retries: tuple[int, ...] | None = None, timeout: int = 600) -> Callable:
    """Register a function as the job `name` (the function itself is returned unchanged)."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        JOBS[name] = JobSpec(name, func, retries, timeout)
        func.job_name = name  # type: ignore[attr-defined]
        return func

    return register


def load_all() -> None:
    """Import every module that defines jobs."""
    for module in JOB_MODULES:
        importlib.import_module(module)


def spec_for(job_or_name: Any) -> JobSpec:
    """The spec of a registered job, given the function or its name; KeyError if unknown."""
    name = getattr(job_or_name, "job_name", job_or_name)
    if name not in JOBS:
        load_all()
    return JOBS[name]


def retry_delays(spec: JobSpec, config: Any) -> tuple[int, ...]:
    """Seconds before each retry: the job's own, else TPCOURSE_JOBS_RETRY_DELAYS."""
    if spec.retries is not None:
        return spec.retries
    return parse_delays(config.get("TPCOURSE_JOBS_RETRY_DELAYS"), DEFAULT_RETRIES)


def parse_delays(text: Any, default: tuple[int, ...]) -> tuple[int, ...]:
    """Read "10,60,300" into (10, 60, 300); the default when unset. ValueError if malformed."""
    if text in (None, ""):
        return default
    if isinstance(text, tuple | list):
        return tuple(int(v) for v in text)
    try:
        delays = tuple(int(part) for part in str(text).split(",") if part.strip())
    except ValueError:
        raise ValueError(f"Retry delays are whole seconds separated by commas, e.g. 10,60,300; "
                         f"got {text!r}") from None
    if any(d < 0 for d in delays):
        raise ValueError(f"Retry delays cannot be negative; got {text!r}")
    return delays
