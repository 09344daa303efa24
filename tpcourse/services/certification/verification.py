"""What a certificate's public verification shows — no more personal data than it prints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...models import CompletionRecord
from .certificates import provider_for, verify_url


def certificate_facts(record: CompletionRecord, now: datetime) -> dict[str, Any]:
    """Return the public facts of a certificate and its status at `now`.

    Only what the certificate itself prints: never the holder's email, score or school
    account, nor the reason a certificate was revoked.
    """
    version = record.course_version
    provider = provider_for(record.user.school)
    return {
        "certificate_code": record.certificate_code,
        "status": record.status(now),
        "holder_name": record.user.name,
        "course": {"slug": version.course.slug, "title": version.title,
                   "version": version.version, "type": version.course_type},
        "ce_hours": record.ce_hours,
        "completed_on": record.completed_at.date().isoformat(),
        "expires_on": record.expires_at.date().isoformat() if record.expires_at else None,
        "revoked_on": record.revoked_at.date().isoformat() if record.revoked_at else None,
        "issuer": {"name": provider.name, "provider_number": provider.number,
                   "contact": provider.contact},
        "verify_url": verify_url(record.certificate_code),
    }
