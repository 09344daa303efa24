"""Factories for completion rows and a fixed signing key; no app, no database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tpcourse.records.rows import CompletionRow, Issuer, QuizOutcome

COMPLETED = datetime(2025, 3, 7, 14, 30, 5, tzinfo=UTC)
SITE = "https://tpcourse.example"


def quiz_outcome(**overrides: Any) -> QuizOutcome:
    """Build a passed final-exam outcome, with any field overridden."""
    outcome = QuizOutcome(
        quiz_slug="final-exam",
        quiz_title="Final exam",
        attempt_id="att-7f3a",
        submitted_at=COMPLETED - timedelta(minutes=5),
        score=18.0,
        max_score=20.0,
        percent=90.0,
        passed=True,
        is_final_exam=True,
    )
    return replace(outcome, **overrides)


def completion_row(**overrides: Any) -> CompletionRow:
    """Build a completed, certified row, with any field overridden."""
    row = CompletionRow(
        trainee_id=42,
        name="Zoë Müller",
        email="zoe@example.org",
        school_slug="north",
        school_name="North Massage School",
        cohort="Spring 2025",
        course_slug="trigger-point-foundations",
        course_title="Trigger-Point Foundations",
        course_version=3,
        ce_hours=7.5,
        enrolled_at=COMPLETED - timedelta(days=20),
        completed_at=COMPLETED,
        final_score=90.0,
        certificate_code="TPF-2025-0042",
        certificate_status="valid",
        issued_at=COMPLETED,
        expires_at=COMPLETED + timedelta(days=730),
        verify_url=f"{SITE}/verify/TPF-2025-0042",
        quiz_outcomes=(
            quiz_outcome(
                quiz_slug="module-1", quiz_title="Module 1 check", attempt_id="att-1",
                score=3.0, max_score=5.0, percent=60.0, passed=False, is_final_exam=False,
            ),
            quiz_outcome(),
        ),
    )  # fmt: skip
    return replace(row, **overrides)


def generated_rows(count: int) -> Iterator[CompletionRow]:
    """Yield `count` distinct rows lazily, as the service layer's cursor would; 3 in 4 complete."""
    for index in range(count):
        done = index % 4 != 0
        completed = COMPLETED + timedelta(minutes=index)
        code = f"TPF-{index:07d}"
        outcome = QuizOutcome(
            "final-exam", "Final exam", f"att-{index}", completed, 17.0, 20.0, 85.0, True, True
        )
        yield CompletionRow(
            trainee_id=index,
            name=f"Trainee {index}",
            email=f"trainee{index}@example.org",
            school_slug="north",
            school_name="North Massage School",
            cohort="Spring 2025",
            course_slug="trigger-point-foundations",
            course_title="Trigger-Point Foundations",
            course_version=3,
            ce_hours=7.5,
            enrolled_at=COMPLETED,
            completed_at=completed if done else None,
            final_score=50.0 + index % 50 if done else None,
            certificate_code=code if done else None,
            certificate_status="valid" if done else None,
            issued_at=completed if done else None,
            expires_at=completed + timedelta(days=730) if done else None,
            verify_url=f"{SITE}/verify/{code}" if done else None,
            quiz_outcomes=(outcome,) if done else (),
        )


@pytest.fixture(scope="session")
def make_row() -> Callable[..., CompletionRow]:
    """Factory for completion rows: `make_row(cohort=None, ...)`."""
    return completion_row


@pytest.fixture(scope="session")
def make_outcome() -> Callable[..., QuizOutcome]:
    """Factory for quiz outcomes."""
    return quiz_outcome


@pytest.fixture(scope="session")
def row_stream() -> Callable[[int], Iterator[CompletionRow]]:
    """Generator of many distinct rows."""
    return generated_rows


@pytest.fixture(scope="session")
def key() -> Ed25519PrivateKey:
    """A fixed Ed25519 signing key, so outputs are reproducible across runs."""
    return Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


@pytest.fixture(scope="session")
def issuer() -> Issuer:
    """The training provider that issues badges."""
    return Issuer(
        name="North Massage School",
        url=SITE,
        provider_number="NCBTMB-1234",
        contact_email="records@tpcourse.example",
    )
