"""Chain queued audit events soon after they are committed (see tpcourse.services.records.audit).

`TPCOURSE_AUDIT_SEALING` chooses how:

* ``background`` (the default): each app process has one sealer thread, started on first
  use (after gunicorn forks its workers). A commit that queued an event wakes it; it waits
  `TPCOURSE_AUDIT_SEAL_DELAY` seconds (0.5) so the events of that moment are chained in one
  transaction, then seals everything waiting. Requests never wait for the chain's head lock,
  and the head is locked about twice a second per process for sealing, not once more per
  grade (0.5 s rather than 0.1 s: 3-9 % less CPU per exam at 32 trainees, with batches five
  times larger; docs/performance.md).
* ``inline``: the request that queued the event seals right after its commit (the test
  suite, and anyone who wants an event chained before the response).
* ``manual``: nothing seals on its own; run `flask audit seal` (from cron, say, or a process
  of its own) to chain what waits.

Nothing here is needed by another process: the queue is a table, and any process (or
`flask audit seal`) chains what is waiting, so a worker killed before its sealer ran loses
no event.
"""

from __future__ import annotations

import logging
import os
import threading
import time

from flask import Flask, current_app

from . import audit

log = logging.getLogger(__name__)
MODES = ("background", "inline", "manual")
_CREATE = threading.Lock()  # one sealer per app and process
RETRY_AFTER_ERROR = 5.0  # seconds before a sealer tries again after the database failed it


def check_mode(config) -> None:
    """Refuse to start with a sealing mode that does not exist (a typo would seal nothing)."""
    mode = config.get("TPCOURSE_AUDIT_SEALING", "background")
    if mode not in MODES:
        raise ValueError(f"TPCOURSE_AUDIT_SEALING is {mode!r}; use one of {', '.join(MODES)}.")


def events_queued() -> None:
    """Call after committing a transaction that queued audit events."""
    app = current_app._get_current_object()
    mode = app.config.get("TPCOURSE_AUDIT_SEALING", "background")
    if mode == "inline":
        audit.seal_pending()
    elif mode != "manual":
        sealer_for(app).wake()


def sealer_for(app: Flask) -> Sealer:
    """The app's sealer in this process (a new one after a fork)."""
    sealer = app.extensions.get("tpcourse_audit_sealer")
    if sealer is None or sealer.pid != os.getpid():
        with _CREATE:
            sealer = app.extensions.get("tpcourse_audit_sealer")
            if sealer is None or sealer.pid != os.getpid():
                sealer = app.extensions["tpcourse_audit_sealer"] = Sealer(app)
    return sealer


class Sealer:
    """One daemon thread that seals the queue whenever woken (batching what arrives)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pid = os.getpid()
        self.delay = float(app.config.get("TPCOURSE_AUDIT_SEAL_DELAY", 0.5))
        self._wanted = threading.Event()
        self._idle = threading.Condition()
        self._started = 0  # sealing passes begun and finished, for wait_until_sealed
        self._finished = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        """Ask for a sealing pass soon (starts the thread on first use)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="tpcourse-audit-sealer",
                                                daemon=True)
                self._thread.start()
        self._wanted.set()

    def wait_until_sealed(self, timeout: float) -> bool:
        """Block until a pass that started after this call has finished (True), or time out."""
        with self._idle:
            target = self._started + 1  # the pass under way may have missed recent events
        self.wake()
        with self._idle:
            return self._idle.wait_for(lambda: self._finished >= target, timeout)

    def _run(self) -> None:
        while True:
            self._wanted.wait()
            # Let the events of this moment arrive, then chain them in one transaction.
            time.sleep(self.delay)
            self._wanted.clear()  # a wake from now on asks for another pass
            with self._idle:
                self._started += 1
            try:
                with self.app.app_context():
                    audit.seal_pending()
            except Exception:  # the database is down or busy: the events wait in the table
                log.exception("Sealing the audit queue failed; retrying in %s s",
                              RETRY_AFTER_ERROR)
                time.sleep(RETRY_AFTER_ERROR)
                self._wanted.set()
            with self._idle:
                self._finished += 1
                self._idle.notify_all()
