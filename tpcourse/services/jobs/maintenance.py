"""The scheduled jobs (see schedule.py): reminders, audit checkpoints, retention, the sweeper."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from flask import current_app

from ...models import utcnow
from .registry import job

log = logging.getLogger(__name__)


def clock():
    """The jobs' clock: TPCOURSE_NOW when a test set one, else the time now."""
    configured = current_app.config.get("TPCOURSE_NOW")
    return configured() if configured else utcnow()


@job("reminders.send_due")
def send_due_reminders() -> dict:
    """Email (and notify) every renewal reminder due now; each is sent once per threshold."""
    from ..certification.reminders import configured_thresholds, send_reminders

    run = send_reminders(clock(), configured_thresholds())
    if run.failed:  # the sent ones are recorded; a retry sends the rest
        raise RuntimeError(f"{len(run.failed)} reminder(s) could not be sent: {run.failed[0][1]}")
    return {"sent": len(run.sent)}


def checkpoint_folder() -> Path:
    """Where the scheduled audit checkpoints go (TPCOURSE_AUDIT_CHECKPOINT_DIR)."""
    configured = current_app.config.get("TPCOURSE_AUDIT_CHECKPOINT_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "checkpoints"


@job("audit.checkpoint")
def write_audit_checkpoint() -> str | None:
    """Sign the audit chain's head and keep it in the checkpoint folder (once per head)."""
    from ...records.audit_chain import sign_checkpoint
    from ..records import signing_keys
    from ..records.audit import seal_pending, stored_entries

    seal_pending()
    last = None
    for last in stored_entries():  # noqa: B007 (the final entry is wanted)
        pass
    if last is None:
        return None
    folder = checkpoint_folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"audit-checkpoint-{last.seq:010d}.json"
    if not path.exists():
        checkpoint = sign_checkpoint(last, signing_keys.signing_key(current_app))
        partial = path.with_suffix(".tmp")
        partial.write_text(json.dumps(checkpoint, indent=2) + "\n")
        partial.replace(path)
    return str(path)


@job("retention.purge")
def purge_retention() -> dict:
    """`users purge-expired` on a schedule: names past retention, old browser sessions."""
    from ..accounts import retention, sessions

    now = clock()
    purged = retention.purge_expired(now, retention.retention_days(current_app.config), "jobs")
    remember = current_app.config["REMEMBER_COOKIE_DURATION"].days
    return {"purged": purged, "sessions_pruned": sessions.prune_sessions(now, remember)}


@job("jobs.sweep")
def sweep() -> dict:
    """Enqueue again what should have been sent by now (lost hand-overs, killed workers), and
    chain waiting audit events."""
    from ...integrations.webhooks import delivery
    from ..notifications import delivery as email_delivery
    from ..records.audit import seal_pending

    now = clock()
    return {"webhooks": delivery.requeue_due(now), "emails": email_delivery.requeue_stale(now),
            "sealed": seal_pending()}
