"""Background jobs: one interface, `enqueue(job, args, key=...)`, over a queue engine.

A job is a plain function taking ids (and other JSON-able values), registered with `@job` and
idempotent by the key of the event it handles. With `TPCOURSE_JOBS_REDIS_URL` set, jobs go to
Redis and run in `flask jobs worker` processes (RQ); with none, they run in this process
(`inline.py`): synchronously after the enqueuing transaction commits (`sync`, the tests), or on
one background thread (`thread`, the demo). The same function runs either way
(`runner.run_call`). See docs/operations.md.
"""

from .queue import adapter, enqueue
from .registry import job

__all__ = ["adapter", "enqueue", "job"]
