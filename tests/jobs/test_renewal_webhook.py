"""`completion.renewed` reaches a school's endpoint once a record renews another (issue 21)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from standardwebhooks.webhooks import Webhook

from tests.certification.steps import complete_basics, pass_quiz
from tests.jobs.receiver import webhook_receiver
from tpcourse.integrations.webhooks import endpoints
from tpcourse.integrations.webhooks.events import EVENT_TYPES
from tpcourse.models import School
from tpcourse.services.accounts.accounts import ensure_school

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_renewal_emits_completion_renewed_with_the_record_it_renews(
        app, db, make_user, content):
    ensure_school("north", "North")
    north = db.session.query(School).filter_by(slug="north").one()
    assert "completion.renewed" in EVENT_TYPES
    with webhook_receiver() as (url, got):
        _endpoint, secret = endpoints.create_endpoint(
            north, url, ["completion.renewed"], "CRM", None, T0)
        trainee = make_user(school="north")
        first = complete_basics(trainee, T0)  # issued, not renewed: nothing for this endpoint
        later = first.expires_at + timedelta(days=2)
        for slug in ("intro-quiz", "safety-quiz", "basics-final"):
            pass_quiz(trainee, slug, later)
        [request] = got.wait_for(1)
    payload = Webhook(secret).verify(request[1], request[0])
    assert payload["type"] == "completion.renewed"
    assert payload["data"]["renews_record_id"] == first.id
    assert payload["data"]["certificate_code"] != first.certificate_code
