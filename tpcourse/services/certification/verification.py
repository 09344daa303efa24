"""What a certificate's public verification shows — no more personal data than it prints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ...extensions import db
from ...models import CompletionRecord
from ...records.certificate import (
    CertificateLanguage,
    ce_hours_split,
    course_type_name,
    format_ce_hours,
)
from .certificates import assessors, provider_of, verify_url
from .renewal import newer_record


def certificate_facts(record: CompletionRecord, now: datetime) -> dict[str, Any]:
    """Return the public facts of a certificate and its status at `now`.

    Only what the certificate itself prints: never the holder's email, score or school
    account, nor the reason a certificate was revoked. `expires_on` is when the certification
    stops being valid; the CE hours earned do not expire (`ce_hours_expire` is always false).
    """
    version = record.course_version
    provider = provider_of(record)
    hands_on = min(version.hands_on_ce_hours or 0.0, record.ce_hours)
    return {
        "certificate_code": record.certificate_code,
        "status": record.status(now),
        "holder_name": record.user.name,
        "course": {"slug": version.course.slug, "title": version.title,
                   "version": version.version, "type": version.course_type},
        "ce_hours": record.ce_hours,
        "ce_hours_split": {"home_study": round(record.ce_hours - hands_on, 4),
                           "hands_on": hands_on,
                           "text": ce_hours_split(record.ce_hours, hands_on, version.course_type)},
        "ce_hours_expire": False,
        "approved_by": (version.ce_approval or {}).get("approver"),
        "assessed_by": list(assessors(record)),
        "completed_on": record.completed_at.date().isoformat(),
        "expires_on": record.expires_at.date().isoformat() if record.expires_at else None,
        "revoked_on": record.revoked_at.date().isoformat() if record.revoked_at else None,
        "issuer": {"name": provider.name, "provider_number": provider.number,
                   "contact": provider.contact},
        "verify_url": verify_url(record.certificate_code),
        **cycle_facts(record),
    }


def cycle_facts(record: CompletionRecord) -> dict[str, Any]:
    """The record's certification cycle: its number, whether a newer record supersedes it, and
    the codes of the newer and the renewed record when the holder lets verification name them
    (`users.share_renewed_codes`). The record's own status never changes when it is renewed."""
    newer = newer_record(record)
    previous = db.session.get(CompletionRecord, record.renews_id) if record.renews_id else None
    share = bool(record.user.share_renewed_codes)

    def link(other: CompletionRecord | None) -> dict[str, str] | None:
        if other is None or not share:
            return None
        return {"certificate_code": other.certificate_code,
                "verify_url": verify_url(other.certificate_code)}

    return {"cycle": record.cycle, "superseded": newer is not None,
            "superseded_by": link(newer), "renews": link(previous),
            "renewal": record.renews_id is not None,
            "links": {"html": verify_url(record.certificate_code),
                      "json": verify_url(record.certificate_code) + ".json"}}


def facts_in_words(facts: dict[str, Any], language: CertificateLanguage) -> dict[str, str]:
    """The CE facts of `certificate_facts` as the verification page writes them in `language`
    (the JSON keeps its English): the hours, how they were earned, the course type."""
    course_type = facts["course"]["type"]
    return {"ce_hours": format_ce_hours(facts["ce_hours"], language),
            "ce_hours_split": ce_hours_split(facts["ce_hours"], facts["ce_hours_split"]["hands_on"],
                                             course_type, language),
            "course_type": course_type_name(course_type, language)}
