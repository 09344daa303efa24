"""Accommodations: who may grant extra time or attempts, and that the quiz pages apply them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from tpcourse.models import Accommodation, AuditEvent
from tpcourse.services.exams.attempts import get_quiz, start_attempt
from tpcourse.services.learning.learning import enroll

PAGE = "/author/quizzes/safety-quiz/accommodations"


def _grant(client, trainee, **amounts):
    data = {"trainee": str(trainee.id), "extra_attempts": "0", "extra_minutes": "0",
            "extra_percent": "0", "note": "Dyslexia: time and a half", **amounts}
    return client.post(PAGE, data=data)


def test_instructor_grants_extra_time_and_the_trainee_gets_it(client, db, author, enrolled,
                                                              login_as, clock):
    response = _grant(client, enrolled, extra_percent="50", extra_minutes="5",
                      extra_attempts="1")
    assert response.status_code == 302
    grant = db.session.execute(select(Accommodation)).scalar_one()
    assert (grant.extra_percent, grant.extra_minutes, grant.extra_attempts) == (50, 5, 1)
    assert grant.granted_by_id == author.id
    event = db.session.execute(select(AuditEvent).filter_by(
        kind="accommodation.granted")).scalar_one()
    assert event.payload["user"] == enrolled.id and event.payload["extra_percent"] == 50
    assert "Dyslexia" in client.get(PAGE).get_data(as_text=True)
    login_as(enrolled)
    page = client.get("/quizzes/safety-quiz").get_data(as_text=True)
    assert "yours: 20 minutes" in page and "yours: 3" in page  # 10 × 1.5 + 5; 2 + 1
    quiz, version = get_quiz("safety-quiz")
    attempt = start_attempt(enrolled, quiz, version, clock())
    assert attempt.deadline - attempt.started_at == timedelta(minutes=20)


def test_changing_and_removing_an_accommodation(client, db, author, enrolled):
    _grant(client, enrolled, extra_attempts="1")
    _grant(client, enrolled, extra_attempts="2")
    grant = db.session.execute(select(Accommodation)).scalar_one()
    assert grant.extra_attempts == 2
    assert client.post(f"{PAGE}/{grant.id}/revoke").status_code == 302
    assert db.session.execute(select(Accommodation)).first() is None
    assert db.session.execute(select(AuditEvent).filter_by(
        kind="accommodation.revoked")).scalar_one()


def test_nothing_granted_or_out_of_range_is_a_field_error(client, db, author, enrolled):
    nothing = _grant(client, enrolled)
    assert nothing.status_code == 422
    assert "Grant at least one extra attempt" in nothing.get_data(as_text=True)
    too_much = _grant(client, enrolled, extra_percent="900")
    assert too_much.status_code == 422 and "Enter 0 to 300." in too_much.get_data(as_text=True)
    assert db.session.execute(select(Accommodation)).first() is None


def test_school_admin_grants_only_to_their_own_trainees(client, db, course, make_user, login_as):
    ours = make_user(school="north")
    theirs = make_user(school="south")
    for trainee in (ours, theirs):
        enroll(trainee, course.id)
    admin = login_as(make_user(role="school_admin", school="north"))
    page = client.get(PAGE).get_data(as_text=True)
    assert ours.email in page and theirs.email not in page
    assert _grant(client, ours, extra_minutes="10").status_code == 302
    refused = _grant(client, theirs, extra_minutes="10")
    assert refused.status_code == 422  # not among the choices
    grants = db.session.execute(select(Accommodation)).scalars().all()
    assert [(g.user_id, g.granted_by_id) for g in grants] == [(ours.id, admin.id)]
    assert "safety-quiz" in client.get("/author/").get_data(as_text=True)


def test_a_school_admin_cannot_remove_another_schools_grant(client, db, course, make_user,
                                                           login_as):
    theirs = make_user(school="south")
    enroll(theirs, course.id)
    enroll(make_user(school="north"), course.id)
    quiz, _version = get_quiz("safety-quiz")
    grant = Accommodation(user_id=theirs.id, quiz_id=quiz.id, extra_attempts=1)
    db.session.add(grant)
    db.session.commit()
    login_as(make_user(role="school_admin", school="north"))
    assert client.post(f"{PAGE}/{grant.id}/revoke").status_code == 404
    assert db.session.get(Accommodation, grant.id) is not None
