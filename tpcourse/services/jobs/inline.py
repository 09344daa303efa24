"""Jobs without a queue engine: run in this process, through the same `runner.run_call`.

* ``sync``: a job runs right after the transaction that enqueued it commits, in the same
  thread, in an app context of its own; a job that raises is tried again at once, up to its
  number of retries. A delayed job (a webhook's next try) is held until `run_held` (tests).
* ``thread`` (the default without Redis, so the demo's): one daemon thread per process runs
  the jobs, waits out retry delays and delayed jobs, and runs the declared schedule
  (`schedule.py`), so requests never wait for a mail server or a webhook receiver.

Failed jobs are kept in memory (the newest 200) for the admin page, which can retry them;
a restart forgets them, but the rows that say what is still to be sent stay, and the sweeper
sends them.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import os
import threading
import time
import traceback
from collections import deque
from datetime import UTC, datetime

from flask import Flask

from .queue import FailedJob, JobCall
from .registry import retry_delays, spec_for
from .runner import run_call

log = logging.getLogger(__name__)
MODES = ("sync", "thread")
KEPT_FAILURES = 200


class InlineAdapter:
    """Run jobs in this process (see the module's docstring)."""

    def __init__(self, app: Flask, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"TPCOURSE_JOBS_INLINE is {mode!r}; use one of {', '.join(MODES)}.")
        self.app = app
        self.name = f"inline ({mode})"
        self.mode = mode
        self.held: list[JobCall] = []
        self.done = 0
        self._failed: deque[FailedJob] = deque(maxlen=KEPT_FAILURES)
        self._ids = itertools.count(1)
        self._heap: list[tuple[float, int, JobCall, int]] = []
        self._wake = threading.Condition()
        self._busy = 0
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()

    # -- the interface -------------------------------------------------------------------
    def submit(self, call: JobCall) -> None:
        """Run the job now (sync), hold it (sync, delayed) or hand it to the thread."""
        if self.mode == "sync":
            if call.delay > 0:
                self.held.append(call)
            else:
                self._run_with_retries(call)
            return
        self._push(time.monotonic() + call.delay, call, 0)

    def failed(self, limit: int = 100) -> list[FailedJob]:
        """The jobs that failed after their last try, newest first."""
        return list(reversed(self._failed))[:limit]

    def retry(self, job_id: str) -> bool:
        """Run a failed job again (its entry leaves the list); False if there is none."""
        for failed in list(self._failed):
            if failed.id == job_id:
                self._failed.remove(failed)
                self.submit(JobCall(failed.name, failed.args, failed.key))
                return True
        return False

    def counts(self) -> dict[str, int]:
        """How many jobs wait, are held, have run and have failed."""
        return {"waiting": len(self._heap) + self._busy, "held": len(self.held),
                "finished": self.done, "failed": len(self._failed)}

    # -- sync mode -----------------------------------------------------------------------
    def run_held(self) -> int:
        """Run the delayed jobs held so far, as if their time had come; return how many."""
        batch, self.held = self.held, []  # jobs held by these runs wait for the next call
        for call in batch:
            self._run_with_retries(call)
        return len(batch)

    def _run_with_retries(self, call: JobCall) -> None:
        tries = 1 + len(retry_delays(spec_for(call.name), self.app.config))
        for attempt in range(1, tries + 1):
            if self._run_once(call, attempt, tries):
                return

    def _run_once(self, call: JobCall, attempt: int, tries: int) -> bool:
        try:
            run_call(self.app, call.name, call.args)
        except Exception as exc:  # a job's failure is recorded, never the caller's
            log.warning("Job %s%s failed (try %s of %s): %s", call.name, call.args, attempt,
                        tries, exc)
            if attempt >= tries:
                self._failed.append(FailedJob(
                    str(next(self._ids)), call.name, call.args, call.key,
                    "".join(traceback.format_exception_only(exc)).strip()[:2000],
                    datetime.now(UTC), attempt))
            return False
        self.done += 1
        return True

    # -- thread mode ---------------------------------------------------------------------
    def _push(self, due: float, call: JobCall, attempt: int) -> None:
        with self._wake:
            heapq.heappush(self._heap, (due, next(self._ids), call, attempt))
            self._ensure_thread()
            self._wake.notify()

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._loop, name="tpcourse-jobs",
                                            daemon=True)
            self._thread.start()

    def start_schedule(self) -> None:
        """Run the declared schedule on the thread too (the demo has no scheduler process)."""
        from .schedule import Ticker

        ticker = Ticker(self.app)
        self._ticker = ticker
        with self._wake:
            self._ensure_thread()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no job is due or running (True), or time out (tests, the demo)."""
        deadline = time.monotonic() + timeout
        with self._wake:
            while self._busy or any(due <= time.monotonic() for due, *_ in self._heap):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._wake.wait(min(left, 0.05))
        return True

    def _loop(self) -> None:
        while True:
            with self._wake:
                ticker = getattr(self, "_ticker", None)
                while True:
                    now = time.monotonic()
                    if ticker is not None:
                        for call in ticker.due():
                            heapq.heappush(self._heap, (now, next(self._ids), call, 0))
                    if self._heap and self._heap[0][0] <= now:
                        break
                    wait = self._heap[0][0] - now if self._heap else 30.0
                    self._wake.wait(min(wait, 30.0))
                _due, _n, call, attempt = heapq.heappop(self._heap)
                self._busy += 1
            try:
                delays = retry_delays(spec_for(call.name), self.app.config)
                failed = not self._run_once(call, attempt + 1, len(delays) + 1)
                if failed and attempt < len(delays):
                    self._push(time.monotonic() + delays[attempt], call, attempt + 1)
            finally:
                with self._wake:
                    self._busy -= 1
                    self._wake.notify_all()
