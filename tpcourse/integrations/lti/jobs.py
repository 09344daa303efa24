"""Grade passback as background jobs: the LMS gets the score after the trainee's page is sent,
from a worker (or the app's job thread without Redis), retried like every other job."""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app

from ...services.jobs.maintenance import clock
from ...services.jobs.registry import job
from . import grades


@job("lti.pass_back_attempt")
def pass_back_attempt(attempt_id: str, link_ids: Sequence[int]) -> int:
    """Send the counting score of the links an attempt was launched from; return how many."""
    return len(grades.pass_back_attempt(attempt_id, link_ids, current_app.config, clock()))


@job("lti.pass_back_link")
def pass_back_link(link_id: int, user_id: int) -> bool:
    """Catch up on a user's score on a link that could not be sent before."""
    return grades.pass_back(link_id, user_id, current_app.config, clock()) is not None
