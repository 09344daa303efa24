"""Webhooks without Redis (jobs at commit): signed per Standard Webhooks and verified with the
spec's own verifier, retried with backoff, logged, never sent to private addresses or after a
redirect, and kept off the exam's submit path."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.certification.steps import complete_basics
from tests.jobs.receiver import webhook_receiver
from tpcourse.integrations.webhooks import addresses, endpoints
from tpcourse.integrations.webhooks.events import EVENT_TYPES
from tpcourse.models import School, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from tpcourse.services.accounts.accounts import ensure_school
from tpcourse.services.jobs import adapter


@pytest.fixture
def north(db):
    ensure_school("north", "North")
    ensure_school("south", "South")
    return db.session.execute(select(School).filter_by(slug="north")).scalar_one()


def south(db) -> School:
    return db.session.execute(select(School).filter_by(slug="south")).scalar_one()


def verified(secret: str, request) -> dict:
    headers, body, _status = request
    return Webhook(secret).verify(body, headers)


def deliveries(db) -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.execute(select(WebhookDelivery).order_by(WebhookDelivery.id)).scalars())


def test_a_completion_is_delivered_signed_to_its_schools_endpoints_only(
        app, db, north, make_user, content, clock):
    with webhook_receiver() as (url, got), webhook_receiver() as (other_url, other):
        _endpoint, secret = endpoints.create_endpoint(north, url, ["completion.issued"], "CRM",
                                                      None, clock.now)
        endpoints.create_endpoint(south(db), other_url, ["completion.issued"], "", None,
                                  clock.now)
        trainee = make_user(school="north", name="Rosa Díaz", email="rosa@example.com")
        record = complete_basics(trainee, clock.now)
        [request] = got.wait_for(1)
        assert other.requests == []  # south hears nothing of north's trainee
    payload = verified(secret, request)
    assert payload["type"] == "completion.issued"
    data = payload["data"]
    assert data["certificate_code"] == record.certificate_code
    assert data["trainee"] == {"id": trainee.id, "name": "Rosa Díaz", "email": "rosa@example.com"}
    assert data["course"]["slug"] == "basics" and data["verify_url"].endswith(
        f"/verify/{record.certificate_code}")
    headers = request[0]
    assert headers["webhook-id"].startswith("msg_") and headers["content-type"] == "application/json"
    with pytest.raises(WebhookVerificationError):  # control: another secret does not verify
        Webhook("whsec_" + "A" * 43 + "=").verify(request[1], headers)
    [delivery] = deliveries(db)
    assert delivery.status == "delivered" and delivery.response_code == 200


def test_a_failing_receiver_is_retried_with_backoff_then_delivered_once(app, db, north, clock):
    app.config["TPCOURSE_WEBHOOK_RETRY_DELAYS"] = "30,120"
    with webhook_receiver(answers=[500, 503]) as (url, got):
        endpoint, secret = endpoints.create_endpoint(north, url, ["attempt.graded"], "", None,
                                                     clock.now)
        event_id = endpoints.send_test(endpoint, clock.now)
        [delivery] = deliveries(db)
        assert delivery.status == "retrying" and delivery.response_code == 500
        assert delivery.next_attempt_at == clock.now + timedelta(seconds=30)
        assert adapter().run_held() == 1  # run too early: nothing is sent, it waits again
        assert len(got.requests) == 1 and len(adapter().held) == 1
        clock.advance(seconds=30)
        adapter().run_held()
        assert deliveries(db)[0].next_attempt_at == clock.now + timedelta(seconds=120)
        clock.advance(seconds=120)
        adapter().run_held()
        requests = got.wait_for(3)
    assert [status for *_rest, status in requests] == [500, 503, 200]
    assert {r[0]["webhook-id"] for r in requests} == {event_id}
    assert all(verified(secret, r)["type"] == "webhook.test" for r in requests)
    [delivery] = deliveries(db)
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert [a.response_code for a in db.session.execute(
        select(WebhookAttempt).order_by(WebhookAttempt.number)).scalars()] == [500, 503, 200]


def test_after_the_last_try_it_fails_and_redelivery_keeps_the_event_id(app, db, north, clock):
    from tpcourse.integrations.webhooks.delivery import redeliver

    app.config["TPCOURSE_WEBHOOK_RETRY_DELAYS"] = "10"
    with webhook_receiver(answers=[500, 500]) as (url, got):
        endpoint, _secret = endpoints.create_endpoint(north, url, ["attempt.graded"], "", None,
                                                      clock.now)
        event_id = endpoints.send_test(endpoint, clock.now)
        clock.advance(seconds=10)
        adapter().run_held()
        [delivery] = deliveries(db)
        assert delivery.status == "failed" and delivery.attempts == 2
        redeliver(delivery, clock.now)
        got.wait_for(3)
    assert deliveries(db)[0].status == "delivered"
    assert [r[0]["webhook-id"] for r in got.requests] == [event_id] * 3


def test_redirects_are_not_followed(app, db, north, clock):
    with webhook_receiver() as (target, elsewhere), \
            webhook_receiver(redirect_to=target) as (url, got):
        endpoint, _secret = endpoints.create_endpoint(north, url, ["attempt.graded"], "", None,
                                                      clock.now)
        endpoints.send_test(endpoint, clock.now)
        got.wait_for(1)
        assert elsewhere.requests == []
    [delivery] = deliveries(db)
    assert delivery.status == "retrying" and delivery.response_code == 307
    assert "redirect" in delivery.error


def test_private_and_loopback_receivers_are_refused_unless_allowed(app, db, north, clock):
    app.config["TPCOURSE_WEBHOOK_ALLOW_PRIVATE"] = ""
    for url in ("http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/",
                "http://192.168.0.10/", "http://169.254.169.254/latest", "http://[::1]/",
                "ftp://example.com/", "http://user:pw@example.com/", "not a url"):
        with pytest.raises(Exception) as refused:
            endpoints.create_endpoint(north, url, ["attempt.graded"], "", None, clock.now)
        assert refused.type.__name__ == "ServiceError", url
    allowed = addresses.allowed_networks("127.0.0.1/32")
    assert addresses.resolve("http://127.0.0.1:9/x", allowed).address == "127.0.0.1"
    assert not addresses.public_enough("::ffff:10.0.0.1", [])
    assert addresses.public_enough("93.184.216.34", [])


def test_an_endpoint_that_turned_private_is_refused_at_send_time(app, db, north, clock):
    with webhook_receiver() as (url, got):
        endpoint, _secret = endpoints.create_endpoint(north, url, ["attempt.graded"], "", None,
                                                      clock.now)
        app.config["TPCOURSE_WEBHOOK_ALLOW_PRIVATE"] = ""  # e.g. DNS now points inside
        endpoints.send_test(endpoint, clock.now)
    assert got.requests == []
    [delivery] = deliveries(db)
    assert delivery.response_code is None and "private or local" in delivery.error


def test_secrets_are_encrypted_at_rest(app, db, north, clock):
    endpoint, secret = endpoints.create_endpoint(north, "http://127.0.0.1:9/", ["attempt.graded"],
                                                 "", None, clock.now)
    stored = db.session.execute(select(WebhookEndpoint.secret_sealed)).scalar_one()
    assert secret.startswith("whsec_") and secret not in stored and secret[6:] not in stored
    app.config["SECRET_KEY"] = "another key"
    from tpcourse.integrations.webhooks.secrets import unseal

    with pytest.raises(ValueError, match="SECRET_KEY changed"):
        unseal(stored)


def test_enrolment_revocation_and_grades_reach_subscribers(app, db, north, make_user, content,
                                                          clock):
    from tpcourse.services.certification.certificates import revoke

    with webhook_receiver() as (url, got):
        _e, secret = endpoints.create_endpoint(north, url, sorted(EVENT_TYPES), "", None,
                                               clock.now)
        trainee = make_user(school="north")
        record = complete_basics(trainee, clock.now)
        revoke(None, record.certificate_code, "issued in error", clock.now)
        types = [verified(secret, r)["type"] for r in got.wait_for(6)]
    assert types.count("enrollment.created") == 1
    assert types.count("attempt.graded") == 3  # three quizzes passed (sealed inline in tests)
    assert types.count("completion.issued") == 1 and types[-1] == "completion.revoked"
    graded = [verified(secret, r)["data"] for r in got.requests
              if verified(secret, r)["type"] == "attempt.graded"]
    assert all(g["passed"] and g["trainee"]["id"] == trainee.id for g in graded)
    assert "completion.renewed" in EVENT_TYPES  # defined; emitted once renewals exist


def test_grading_adds_no_statement_to_the_submit_request_for_subscribers(
        app, db, client, enrolled, login_as, count_statements, clock):
    """The submit path's statements are the same with and without a subscribed endpoint: the
    grade's event reaches webhooks when the sealer chains it, off the request."""
    from tests.helpers import answer_form
    from tpcourse.models import Attempt, User
    from tpcourse.services.records.audit import seal_pending

    app.config["TPCOURSE_AUDIT_SEALING"] = "manual"
    ensure_school("north", "North")
    north = db.session.execute(select(School).filter_by(slug="north")).scalar_one()
    db.session.get(User, enrolled.id).school_id = north.id
    db.session.commit()
    login_as(enrolled)
    counts = []
    with webhook_receiver() as (url, got):
        for subscribe in (False, False, True):  # the first exam warms the process's caches
            if subscribe:
                seal_pending()  # the first grade is chained before anyone subscribes
                endpoints.create_endpoint(north, url, ["attempt.graded"], "", None, clock.now)
            attempt_id = client.post("/quizzes/intro-quiz/start").headers["Location"].rsplit(
                "/", 1)[1]
            form = answer_form(db.session.get(Attempt, attempt_id))
            db.session.remove()
            with count_statements() as submit:
                assert client.post(f"/attempts/{attempt_id}", data=form).status_code == 302
            counts.append(submit.count)
            clock.advance(minutes=31)  # past the quiz's cooldown
        assert counts[1] == counts[2], counts
        assert got.requests == []  # nothing yet: the grade waits to be chained
        seal_pending()  # the sealer's pass: the subscribed grade is delivered
        [request] = got.wait_for(1)
    assert request[0]["webhook-id"].startswith("msg_")


def test_the_school_pages_show_the_secret_once_and_log_deliveries(app, db, north, client,
                                                                 make_user, login_as):
    admin = make_user(role="school_admin", school="north")
    login_as(admin)
    with webhook_receiver() as (url, got):
        created = client.post("/school/north/webhooks", data={
            "url": url, "events": ["completion.issued", "attempt.graded"],
            "description": "Registrar"})
        page = created.get_data(as_text=True)
        assert created.status_code == 200 and "whsec_" in page and "Registrar" in page
        assert "whsec_" not in client.get("/school/north/webhooks").get_data(as_text=True)
        endpoint_id = db.session.execute(select(WebhookEndpoint.id)).scalar_one()
        assert client.post(f"/school/north/webhooks/{endpoint_id}/test").status_code == 302
        got.wait_for(1)
        log = client.get(f"/school/north/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "webhook.test" in log and "delivered" in log and "200" in log
    bad = client.post("/school/north/webhooks", data={"url": "http://10.0.0.1/",
                                                      "events": ["attempt.graded"]})
    assert bad.status_code == 422 and "private or local" in bad.get_data(as_text=True)
    assert 'value="http://10.0.0.1/"' in bad.get_data(as_text=True)  # the input is kept


def test_the_sweeper_sends_what_a_lost_hand_over_left_behind(runner, app, db, north, make_user,
                                                             clock):
    """A crash between the commit and the hand-over to the queue loses no event."""
    from tests.helpers import outbox
    from tpcourse.integrations.webhooks.events import emit
    from tpcourse.services.notifications.notices import notify

    with webhook_receiver() as (url, got):
        endpoint, _secret = endpoints.create_endpoint(north, url, ["attempt.graded"], "", None,
                                                      clock.now)
        user = make_user(email="lost@example.com")
        emit(north.id, "attempt.graded", "lost-event", {"x": 1}, clock.now,
             endpoints=[endpoint])
        notify(user.id, "certificate_issued", "lost-notice", "Issued", "Body", None, clock.now)
        db.session.info.pop("tpcourse_jobs")  # the process died before handing the jobs over
        db.session.commit()
        assert got.requests == [] and outbox(app) == []
        clock.advance(minutes=4)
        assert "'webhooks': 0, 'emails': 0" in runner.invoke(args=["jobs", "run",
                                                                    "jobs.sweep"]).output
        clock.advance(minutes=7)
        assert "'webhooks': 1, 'emails': 1" in runner.invoke(args=["jobs", "run",
                                                                    "jobs.sweep"]).output
        got.wait_for(1)
    assert len(got.requests) == 1 and [m.to for m in outbox(app)] == ["lost@example.com"]
    assert "'webhooks': 0, 'emails': 0" in runner.invoke(args=["jobs", "run",
                                                                "jobs.sweep"]).output


def test_a_turned_off_endpoint_gets_nothing(app, db, north, clock):
    with webhook_receiver() as (url, got):
        endpoint, _secret = endpoints.create_endpoint(north, url, ["attempt.graded"], "", None,
                                                      clock.now)
        endpoint.active = False
        db.session.commit()
        from tpcourse.integrations.webhooks.events import emit

        assert emit(north.id, "attempt.graded", "k", {}, clock.now) is None  # not subscribed
        emit(north.id, "attempt.graded", "k2", {}, clock.now, endpoints=[endpoint])
        db.session.commit()
    assert got.requests == []
    assert deliveries(db)[0].status == "failed" and "turned off" in deliveries(db)[0].error
