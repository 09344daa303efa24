"""Deleting an account while keeping its completion records for the retention period.

Records must stay re-issuable for years (regulators ask for six), so deleting an account does
not delete rows: it reduces the account to what the records need. Kept: the name (it is printed
on certificates), enrolments, lessons read, completion records and graded attempts (the evidence
behind a score; item analysis counts them too). Removed: the email (replaced by
`deleted-<id>@deleted.invalid`), the password (made unusable), the role, unfinished attempts; the
account can no longer log in. After the retention period
`purge_expired` replaces the name too; the records remain, anonymous.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ...extensions import db
from ...models import Attempt, CompletionRecord, User, UserSession
from ..errors import Conflict
from ..records.audit import record_event

DEFAULT_RETENTION_DAYS = 2192  # six years, leap days included
UNUSABLE_PASSWORD = "!deleted"  # not a werkzeug hash: no password ever matches it
FORMER_NAME = "Former trainee "


def retention_days(config: Mapping[str, Any]) -> int:
    """Return how long records of deleted accounts stay identifiable (TPCOURSE_RECORD_RETENTION_DAYS)."""
    value = config.get("TPCOURSE_RECORD_RETENTION_DAYS") or os.environ.get(
        "TPCOURSE_RECORD_RETENTION_DAYS")
    return int(value) if value else DEFAULT_RETENTION_DAYS


def deleted_email(user_id: int) -> str:
    """The placeholder email a deleted account gets (the .invalid domain never delivers)."""
    return f"deleted-{user_id}@deleted.invalid"


def delete_account(user: User, actor: str | None, now: datetime, days: int) -> datetime:
    """Reduce an account to what its records need; return the end of its retention period."""
    if user.deleted_at is not None:
        raise Conflict(_("This account was already deleted."))
    has_records = db.session.execute(
        select(CompletionRecord.id).where(CompletionRecord.user_id == user.id).limit(1)).first()
    user.email = deleted_email(user.id)
    user.password_hash = UNUSABLE_PASSWORD
    user.active = False
    user.role = "trainee"
    user.deleted_at = now
    if not has_records:  # nothing certifies this person: the name is not needed either
        user.name = f"Deleted account {user.id}"
    db.session.execute(delete(Attempt).where(Attempt.user_id == user.id,
                                             Attempt.status == "in_progress"))
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    from ..certification.evidence import forget_evidence

    evidence_removed = forget_evidence(user.id)
    retain_until = now + timedelta(days=days)
    record_event("account.deleted", {"user": user.id, "records_kept": bool(has_records),
                                     "retain_until": retain_until.isoformat(),
                                     **({"evidence_removed": evidence_removed}
                                        if evidence_removed else {})}, actor, now)
    db.session.commit()
    return retain_until


def purge_expired(now: datetime, days: int, actor: str | None = None) -> int:
    """Anonymise the names of accounts deleted more than `days` ago; return how many."""
    cutoff = now - timedelta(days=days)
    users = list(db.session.execute(
        select(User).where(User.deleted_at.is_not(None), User.deleted_at <= cutoff,
                           ~User.name.startswith(FORMER_NAME))).scalars())
    for user in users:
        user.name = f"{FORMER_NAME}{user.id}"
        record_event("account.purged", {"user": user.id}, actor, now)
    db.session.commit()
    return len(users)

