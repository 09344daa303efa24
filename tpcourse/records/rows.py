"""The plain input rows every exporter reads; the service layer builds them from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

__all__ = ["CertificateStatus", "CompletionRow", "Issuer", "QuizOutcome", "SkillOutcome"]

CertificateStatus = Literal["valid", "expired", "revoked"]


@dataclass(frozen=True)
class QuizOutcome:
    """One submitted quiz attempt; `score` and `max_score` are points, `percent` is 0-100."""

    quiz_slug: str
    quiz_title: str
    attempt_id: str
    submitted_at: datetime
    score: float
    max_score: float
    percent: float
    passed: bool
    is_final_exam: bool


@dataclass(frozen=True)
class SkillOutcome:
    """One practical skill signed off: when, by whom, where, and the rubric's levels."""

    skill_key: str
    skill_text: str
    signed_on: datetime
    assessor: str
    place: str
    levels: tuple[tuple[str, str], ...] = ()  # (criterion, level), in the rubric's order


@dataclass(frozen=True)
class CompletionRow:
    """One trainee in one course version; `completed_at` is None while still in progress."""

    trainee_id: int
    name: str
    email: str
    school_slug: str
    school_name: str
    cohort: str | None
    course_slug: str
    course_title: str
    course_version: int
    ce_hours: float
    enrolled_at: datetime | None
    completed_at: datetime | None
    final_score: float | None
    certificate_code: str | None
    certificate_status: CertificateStatus | None
    issued_at: datetime | None
    expires_at: datetime | None
    verify_url: str | None
    quiz_outcomes: tuple[QuizOutcome, ...] = ()
    criteria: str | None = None  # what earned it, from the course's completion rules (badges)
    cycle: int | None = None  # the certification cycle: 1, then 2, 3 ... for each renewal
    renews_certificate_code: str | None = None  # the certificate this record renews
    skill_signoffs: tuple[SkillOutcome, ...] = ()

    @property
    def is_renewal(self) -> bool:
        """Whether the row's record renews an earlier certificate (cycle 2 or later)."""
        return (self.cycle or 1) > 1


@dataclass(frozen=True)
class Issuer:
    """Who issues Open Badges: the training provider and its CE provider number, if any."""

    name: str
    url: str
    provider_number: str | None = None
    contact_email: str | None = None
    id: str | None = None  # the school's issuer id (its profile's URL); default `url`
    site: str | None = None  # the tpcourse site (course pages); default `url`
    official: str | None = None  # who signs for the school
    image: str | None = None  # the URL of the school's logo
