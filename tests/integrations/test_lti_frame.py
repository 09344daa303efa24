"""An LMS-launched browser session: shown in the LMS's iframe (SameSite=None, frame-ancestors),
and its grades sent after the response, never inside the exam's submit request."""

from __future__ import annotations

import pytest
from flask import session
from sqlalchemy import select

from tests.helpers import answer_form
from tests.perf.test_submit_path import SUBMIT_BUDGET, _cold_request
from tpcourse.integrations.lti.registrations import PlatformForm, save_platform
from tpcourse.models import Attempt, Quiz
from tpcourse.models.integrations import LtiAttempt, LtiIdentity, LtiLink, LtiScoreSent
from tpcourse.services.accounts.accounts import ensure_school
from tpcourse.web.integrations import frame

LMS = "https://lms.example.edu"
CLOSED_PORT = "http://127.0.0.1:9"  # nothing listens: a send fails at once, with no network


def test_only_lms_framed_sessions_get_samesite_none(app):
    assert app.config["SESSION_COOKIE_SECURE"]
    with app.test_request_context("/"):
        assert app.session_interface.get_cookie_samesite(app) == "Lax"
        session[frame.SESSION_KEY] = {"links": [], "frame": LMS}
        assert app.session_interface.get_cookie_samesite(app) == "None"
        session[frame.SESSION_KEY] = {"links": [3], "frame": ""}  # launched in a new window
        assert app.session_interface.get_cookie_samesite(app) == "Lax"
    app.config["SESSION_COOKIE_SECURE"] = False  # browsers refuse SameSite=None without Secure
    with app.test_request_context("/"):
        session[frame.SESSION_KEY] = {"links": [], "frame": LMS}
        assert app.session_interface.get_cookie_samesite(app) == "Lax"


def test_the_lms_may_frame_an_lms_session_and_nobody_frames_the_others(client, enrolled,
                                                                       login_as):
    login_as(enrolled)
    plain = client.get("/records")
    assert "frame-ancestors 'none'" in plain.headers["Content-Security-Policy"]
    assert plain.headers["X-Frame-Options"] == "DENY"
    with client.session_transaction() as kept:
        kept[frame.SESSION_KEY] = {"links": [], "frame": LMS}
    framed = client.get("/records")
    assert framed.status_code == 200
    assert f"frame-ancestors 'self' {LMS}" in framed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in framed.headers
    assert "Set-Cookie" not in framed.headers or "SameSite=None" in framed.headers["Set-Cookie"]


def test_frame_origins_are_origins_only():
    assert frame.origins([LMS + "/mod/lti/auth.php", LMS + "/x", "javascript:alert(1)",
                          "https://a.example/'none' https://b", "https://b'; x.example/",
                          None]) == LMS + " https://a.example"


@pytest.fixture
def lti_link(db, enrolled, clock):
    """An LMS link on intro-quiz with a line item, the trainee's LMS identity on it."""
    north = ensure_school("north", "North")
    platform = save_platform(north, None, PlatformForm(
        "LMS", CLOSED_PORT, "client", ["1"], CLOSED_PORT + "/auth", CLOSED_PORT + "/token",
        CLOSED_PORT + "/jwks"), "user:test", clock())
    quiz = db.session.execute(select(Quiz).filter_by(slug="intro-quiz")).scalar_one()
    link = LtiLink(platform_id=platform.id, deployment_id="1", resource_link_id="rl",
                   target="quiz/intro-quiz", course_id=quiz.course_id, quiz_id=quiz.id,
                   lineitem_url=CLOSED_PORT + "/lineitems/1", created_at=clock(),
                   updated_at=clock(),
                   ags_scopes=["https://purl.imsglobal.org/spec/lti-ags/scope/score"])
    db.session.add(link)
    db.session.add(LtiIdentity(platform_id=platform.id, subject="sub-1", user_id=enrolled.id,
                               created_at=clock()))
    db.session.commit()
    return link.id


@pytest.mark.parametrize("launched", [False, True])
def test_submitting_sends_nothing_inside_the_request(app, client, db, enrolled, login_as,
                                                    lti_link, count_statements, launched,
                                                    clock):
    app.config["TPCOURSE_LTI_PASSBACK"] = "manual"
    app.config["TPCOURSE_AUDIT_SEALING"] = "manual"
    login_as(enrolled)
    if launched:
        with client.session_transaction() as kept:
            kept[frame.SESSION_KEY] = {"links": [lti_link], "frame": LMS}
    for _ in range(2):  # the first exam warms the process caches; the second is measured
        _cold_request(db)
        started = client.post("/quizzes/intro-quiz/start")
        attempt_id = started.headers["Location"].rsplit("/", 1)[1]
        form = answer_form(db.session.get(Attempt, attempt_id))
        _cold_request(db)
        with count_statements() as submit:
            response = client.post(f"/attempts/{attempt_id}", data=form)
        assert response.headers["Location"].endswith("/result")
        clock.advance(minutes=1)
    assert submit.count <= SUBMIT_BUDGET, submit.statements  # the same budget as any submit
    assert not any("lti_" in statement for statement in submit.statements)
    kept_jobs = app.extensions.get("lti_deferred", [])
    assert len(kept_jobs) == (2 if launched else 0)
    assert frame.run_deferred(app) == len(kept_jobs)
    db.session.remove()
    sent = db.session.execute(select(LtiScoreSent).order_by(LtiScoreSent.id)).scalars().all()
    if not launched:
        assert sent == [] and db.session.execute(select(LtiAttempt)).first() is None
        return
    assert db.session.get(LtiAttempt, attempt_id).link_id == lti_link
    # The LMS is unreachable here: each try is kept as failed, the second for the attempt that
    # counts now (both scored 100: the later one), to be sent again.
    assert [(s.status, s.score_given) for s in sent] == [("failed", 100.0)] * 2
    assert sent[-1].attempt_id == attempt_id
    assert "refused" in sent[-1].detail.lower() or "connect" in sent[-1].detail.lower()


def test_the_cli_prints_rotates_and_resends(app, runner, lti_link, enrolled):
    import json

    before = json.loads(runner.invoke(args=["lti", "keys"]).output)["keys"]
    rotated = runner.invoke(args=["lti", "rotate-key"])
    assert rotated.exit_code == 0 and "New LTI signing key" in rotated.output
    after = json.loads(runner.invoke(args=["lti", "keys"]).output)["keys"]
    assert len(after) == len(before) + 1
    nothing = runner.invoke(args=["lti", "pass-back", "--link", str(lti_link), "--user",
                                  str(enrolled.id)])
    assert nothing.exit_code == 0 and "Nothing new" in nothing.output  # no LMS attempt yet


def test_by_default_the_passback_is_a_background_job(app, client, db, enrolled, login_as,
                                                     lti_link, clock, monkeypatch):
    """With the job queue (the default), a launched exam's submit enqueues one passback job,
    keyed by the attempt; the job (run here at commit by the synchronous test queue) sends the
    score and keeps what happened."""
    from tpcourse.services.jobs import queue

    assert app.config["TPCOURSE_LTI_PASSBACK"] == "queue"
    submitted = []
    real = queue.adapter

    def recording(app_=None):
        engine = real(app_)
        original = engine.submit

        def submit(call):
            submitted.append(call)
            original(call)
        monkeypatch.setattr(engine, "submit", submit)
        return engine
    monkeypatch.setattr(queue, "adapter", recording)
    login_as(enrolled)
    with client.session_transaction() as kept:
        kept[frame.SESSION_KEY] = {"links": [lti_link], "frame": LMS}
    started = client.post("/quizzes/intro-quiz/start")
    attempt_id = started.headers["Location"].rsplit("/", 1)[1]
    response = client.post(f"/attempts/{attempt_id}",
                           data=answer_form(db.session.get(Attempt, attempt_id)))
    assert response.headers["Location"].endswith("/result")
    passbacks = [c for c in submitted if c.name == "lti.pass_back_attempt"]
    assert [(c.args, c.key) for c in passbacks] == [
        ((attempt_id, [lti_link]), f"lti-passback:{attempt_id}")]
    db.session.remove()
    sent = db.session.execute(select(LtiScoreSent)).scalars().all()
    assert [(s.status, s.attempt_id) for s in sent] == [("failed", attempt_id)]
