"""The fields every tabular export shares, in their stable (**contract**) order."""

from __future__ import annotations

from typing import Any

from tpcourse.records.encoding import optional_isoformat_z
from tpcourse.records.rows import CompletionRow

__all__ = ["FIELDS", "completion_fields", "field_values"]

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


def field_values(row: CompletionRow) -> tuple[Any, ...]:
    """The shared fields' JSON values in FIELDS order; school and course are display names."""
    completed_at = row.completed_at
    return (
        row.trainee_id,
        row.name,
        row.email,
        row.school_name,
        row.cohort,
        row.course_title,
        row.course_version,
        row.ce_hours,
        optional_isoformat_z(row.enrolled_at),
        optional_isoformat_z(completed_at),
        row.final_score,
        row.certificate_code,
        row.certificate_status,
        optional_isoformat_z(row.expires_at),
        row.verify_url,
        row.cycle or (1 if completed_at is not None else None),
        row.renews_certificate_code,
    )


def completion_fields(row: CompletionRow) -> dict[str, Any]:
    """Map a row to the shared fields as JSON values, by name (see `field_values`)."""
    return dict(zip(FIELDS, field_values(row), strict=True))
