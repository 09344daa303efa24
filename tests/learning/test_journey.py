"""The core trainee journey through the web UI, end to end."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.helpers import answer_form, register
from tpcourse.models import Attempt, CompletionRecord


def _latest_attempt(db, user) -> Attempt:
    return db.session.execute(
        select(Attempt).filter_by(user_id=user.id).order_by(Attempt.started_at.desc(),
                                                             Attempt.number.desc())
    ).scalars().first()


def _take(client, db, user, slug, correct=True):
    response = client.post(f"/quizzes/{slug}/start")
    assert response.status_code == 302
    attempt_id = response.headers["Location"].rsplit("/", 1)[-1]
    attempt = db.session.get(Attempt, attempt_id)
    response = client.post(f"/attempts/{attempt_id}", data=answer_form(attempt, correct))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id)


def test_register_enrol_read_pass_and_verify(app, client, db, content, clock):
    response = register(client, app, "Maria Lopez", "Maria@Example.com", "a long enough pw")
    assert response.status_code == 302

    page = client.get("/").get_data(as_text=True)
    assert "Basics of Pressure Work" in page and "Enrol" in page
    assert client.post("/courses/basics/enrol").status_code == 302
    page = client.get("/courses/basics").get_data(as_text=True)
    assert "0 of 2 lessons read" in page and 'role="progressbar"' in page

    lesson = client.get("/courses/basics/01-intro/01-welcome").get_data(as_text=True)
    assert "<strong>trigger point</strong>" in lesson
    assert "<table>" in lesson and 'src="/assets/map.svg"' in lesson
    assert 'class="admonition warning"' in lesson
    assert "<script>alert" not in lesson
    assert 'rel="next"' in lesson

    for path in ("01-intro/01-welcome", "01-intro/02-holding", "02-safety/01-red-flags"):
        assert client.post(f"/courses/basics/{path}/read").status_code == 302
    assert "2 of 2 lessons read" in client.get("/courses/basics").get_data(as_text=True)

    from tpcourse.services.accounts.accounts import find_user_by_email

    user = find_user_by_email("maria@example.com")
    assert _take(client, db, user, "intro-quiz").passed
    assert _take(client, db, user, "safety-quiz").passed
    assert db.session.execute(select(CompletionRecord)).first() is None  # final exam missing
    final = _take(client, db, user, "basics-final")
    assert final.passed

    record = db.session.execute(select(CompletionRecord)).scalar_one()
    assert record.ce_hours == 2.5 and record.score == final.percent
    assert re.fullmatch(r"TP(-[A-Z2-9]{4}){5}", record.certificate_code)
    assert (record.expires_at - record.completed_at).days == 365

    records_page = client.get("/records").get_data(as_text=True)
    assert record.certificate_code in records_page

    client.post("/logout")
    verify = client.get(f"/verify/{record.certificate_code}")
    assert verify.status_code == 200
    text = verify.get_data(as_text=True)
    assert "Maria Lopez" in text and "Valid certificate" in text and "2.5" in text
    data = client.get(f"/verify/{record.certificate_code}.json").get_json()
    assert data["status"] == "valid" and data["holder_name"] == "Maria Lopez"
    assert data["course"]["title"] == "Basics of Pressure Work" and data["ce_hours"] == 2.5
    assert data["verify_url"].endswith(f"/verify/{record.certificate_code}")
    assert "email" not in str(data)


def test_completion_record_is_created_once(client, db, enrolled, login_as):
    login_as(enrolled)
    for path in ("01-intro/01-welcome", "01-intro/02-holding", "02-safety/01-red-flags"):
        client.post(f"/courses/basics/{path}/read")
    for slug in ("intro-quiz", "safety-quiz", "basics-final"):
        _take(client, db, enrolled, slug)
    client.post("/courses/basics/01-intro/01-welcome/read")
    from tpcourse.services.certification.completion import check_completion

    check_completion(enrolled, db.session.execute(select(CompletionRecord.course_id)).scalar())
    assert len(db.session.execute(select(CompletionRecord)).all()) == 1


def test_unknown_certificate_is_404_as_page_and_json(client, content):
    assert client.get("/verify/TP-NOPE-NOPE-NOPE-NOPE-NOPE").status_code == 404
    response = client.get("/verify/TP-NOPE-NOPE-NOPE-NOPE-NOPE.json")
    assert response.status_code == 404
    assert response.get_json()["error"]["message"]


def test_lessons_need_enrolment(client, content, make_user, login_as):
    login_as(make_user())
    response = client.get("/courses/basics/01-intro/01-welcome")
    assert response.status_code == 302 and response.headers["Location"].endswith("/courses/basics")
    assert client.post("/courses/basics/01-intro/01-welcome/read").status_code == 403
    assert client.get("/quizzes/intro-quiz").status_code == 404
