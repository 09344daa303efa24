"""Running one job: the same function whichever engine calls it.

`run_call` runs a job in its own app context (so its own database session) and returns, or
raises what the job raised; the adapters decide about retries. `run_job` is what an RQ worker
calls: it makes the Flask app once per process.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from ...extensions import db
from .registry import spec_for

_APP: dict[str, Any] = {"app": None, "pid": None}


def use_app(app: Flask) -> None:
    """Run jobs of this process with `app` (the worker command calls this before working)."""
    _APP["app"] = app


def run_call(app: Flask, name: str, args: tuple | list) -> Any:
    """Run the job `name` with `args` in a fresh app context; commit is the job's business."""
    spec = spec_for(name)
    with app.app_context():
        try:
            return spec.func(*args)
        finally:
            db.session.remove()


def run_job(name: str, args: list) -> Any:
    """Entry point of queued jobs (RQ pickles a reference to this function and the args)."""
    app = _APP["app"]
    if app is None:
        raise RuntimeError("This process has no tpcourse app: start workers with "
                           "`flask --app wsgi jobs worker`.")
    if _APP["pid"] != os.getpid():
        # A forked work horse must not share the parent's pooled connections.
        with app.app_context():
            db.engine.dispose(close=False)
        _APP["pid"] = os.getpid()
    return run_call(app, name, args)
