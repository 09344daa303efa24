"""The fields every tabular export shares, in their stable (**contract**) order."""

from __future__ import annotations

from typing import Any

from tpcourse.records.encoding import optional_isoformat_z
from tpcourse.records.rows import CompletionRow

__all__ = ["FIELDS", "completion_fields"]

# Stable order: schools' scripts read these by position as well as by name. Append only.
FIELDS: tuple[str, ...] = (
    "trainee_id",
    "name",
    "email",
    "school",
    "cohort",
    "course",
    "course_version",
    "ce_hours",
    "enrolled_at",
    "completed_at",
    "final_score",
    "certificate_code",
    "certificate_status",
    "expires_at",
    "verify_url",
    "cycle",
    "renews_certificate_code",
)


def completion_fields(row: CompletionRow) -> dict[str, Any]:
    """Map a row to the shared fields as JSON values; school and course are their display names."""
    return {
        "trainee_id": row.trainee_id,
        "name": row.name,
        "email": row.email,
        "school": row.school_name,
        "cohort": row.cohort,
        "course": row.course_title,
        "course_version": row.course_version,
        "ce_hours": row.ce_hours,
        "enrolled_at": optional_isoformat_z(row.enrolled_at),
        "completed_at": optional_isoformat_z(row.completed_at),
        "final_score": row.final_score,
        "certificate_code": row.certificate_code,
        "certificate_status": row.certificate_status,
        "expires_at": optional_isoformat_z(row.expires_at),
        "verify_url": row.verify_url,
        "cycle": row.cycle or (1 if row.completed_at is not None else None),
        "renews_certificate_code": row.renews_certificate_code,
    }
