"""Live practical sessions: scheduling, sign-ups with a waitlist (exactly the capacity admitted
under simultaneous sign-ups), calendar invitations through the email job, attendance, and
attended hours as hands-on CE hours."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tests.security.test_exactly_once import race, unexpected
from tpcourse.extensions import db as _db
from tpcourse.models import AuditEvent, PracticalSession, SessionSignup


@pytest.fixture
def session_of(casework, instructor_of, clock):
    """Factory: a session of the casework course `days` ahead with `capacity` places."""
    from tpcourse.services.sessions.schedule import schedule_session

    instructor = instructor_of(casework)

    def factory(capacity=2, days=3, minutes=150):
        return schedule_session(instructor, "casework", clock.now + timedelta(days=days),
                                minutes, "School clinic, room 2", capacity,
                                ["pressure-release"], clock.now)

    factory.instructor = instructor
    return factory


def trainees(make_user, casework, count):
    from tpcourse.services.learning.learning import enroll

    people = [make_user(name=f"Trainee {n:02d}") for n in range(count)]
    for person in people:
        enroll(person, casework.id)
    return people


def test_an_instructor_schedules_a_session_through_the_form(client, db, login_as, casework,
                                                           instructor_of, clock):
    login_as(instructor_of(casework))
    bad = client.post("/teach/courses/casework/sessions/new", data={
        "starts_at": (clock.now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "minutes": "5", "place": "Clinic", "capacity": "0"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "in the future" in page and "from 15 to 720" in page
    assert "from 1 to 200" in page and 'value="Clinic"' in page
    good = client.post("/teach/courses/casework/sessions/new", data={
        "starts_at": (clock.now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "minutes": "120", "place": "Clinic", "capacity": "6", "skills": ["pressure-release"]})
    assert good.status_code == 302
    session = db.session.execute(select(PracticalSession)).scalar_one()
    assert (session.capacity, session.minutes, session.skills) == (6, 120, ["pressure-release"])
    assert db.session.execute(select(AuditEvent).filter_by(kind="session.scheduled")).scalar_one()


def test_a_full_session_puts_trainees_on_the_waitlist_and_a_freed_place_goes_to_the_first(
        client, db, login_as, casework, make_user, session_of, app):
    session = session_of(capacity=2)
    people = trainees(make_user, casework, 4)
    for person in people:
        login_as(person)
        response = client.post(f"/sessions/{session.id}/signup", data={"slug": "casework"})
        assert response.status_code == 303
    page = client.get("/courses/casework/sessions").get_data(as_text=True)
    assert "You are on the waitlist." in page and "0 of 2 places left · 2 waiting" in page
    statuses = dict(db.session.execute(select(SessionSignup.user_id, SessionSignup.status)).all())
    assert [statuses[p.id] for p in people] == ["admitted", "admitted", "waitlisted",
                                                "waitlisted"]
    login_as(people[0])
    assert client.post(f"/sessions/{session.id}/signup", data={}).status_code == 409
    client.post(f"/sessions/{session.id}/cancel", data={"slug": "casework"})
    db.session.expire_all()
    statuses = dict(db.session.execute(select(SessionSignup.user_id, SessionSignup.status)).all())
    assert [statuses[p.id] for p in people] == ["cancelled", "admitted", "admitted",
                                                "waitlisted"]
    from tpcourse.models import Notification

    invited = db.session.execute(select(Notification.user_id).filter_by(
        kind="session_invitation")).scalars().all()
    assert sorted(invited) == sorted([people[0].id, people[1].id, people[2].id])  # promoted too
    notice = db.session.execute(select(Notification).filter_by(user_id=people[2].id)).scalar_one()
    assert notice.link == "/courses/casework/sessions"


def test_exactly_the_capacity_is_admitted_when_everyone_signs_up_at_once(
        app, db, casework, make_user, session_of, clock):
    from tpcourse.models import User
    from tpcourse.services.sessions.signups import sign_up

    session = session_of(capacity=3)
    people = trainees(make_user, casework, 8)
    ids, session_id, now = [p.id for p in people], session.id, clock.now

    def work(index):
        return sign_up(_db.session.get(User, ids[index]), session_id, now).status

    results = race(app, work)
    assert not unexpected(results), results
    assert sorted(results) == ["admitted"] * 3 + ["waitlisted"] * 5
    db.session.expire_all()
    rows = db.session.execute(select(SessionSignup.status)).scalars().all()
    assert sorted(rows) == ["admitted"] * 3 + ["waitlisted"] * 5


def test_one_trainee_signing_up_eight_times_at_once_gets_one_place(
        app, db, casework, make_user, session_of, clock):
    from tpcourse.models import User
    from tpcourse.services.errors import Conflict
    from tpcourse.services.sessions.signups import sign_up

    session = session_of(capacity=5)
    [person] = trainees(make_user, casework, 1)
    person_id, session_id, now = person.id, session.id, clock.now
    results = race(app, lambda _i: sign_up(_db.session.get(User, person_id), session_id,
                                           now).status)
    assert not unexpected(results), results
    assert results.count("admitted") == 1
    assert all(isinstance(r, Conflict) for r in results if r != "admitted")



def test_an_admitted_trainee_is_emailed_a_calendar_invitation(client, db, login_as, casework,
                                                             make_user, session_of, app):
    app.config["TPCOURSE_MAIL_OUTBOX"] = None
    session = session_of(capacity=1)
    first, second = trainees(make_user, casework, 2)
    login_as(first)
    client.post(f"/sessions/{session.id}/signup", data={"slug": "casework"})
    login_as(second)
    client.post(f"/sessions/{session.id}/signup", data={"slug": "casework"})  # waitlisted
    from tpcourse.services.notifications.mail import outbox_folder

    files = sorted(outbox_folder().glob("*.eml"))
    assert len(files) == 1  # the waitlisted trainee gets no invitation
    message = message_from_bytes(files[0].read_bytes())
    assert message["To"] == first.email
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "session.ics" and part.get_param("method") == "REQUEST"
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.starts_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=150)
    assert str(event["location"]) == "School clinic, room 2"
    assert str(event["attendee"]) == f"mailto:{first.email}"
    login_as(first)
    client.post(f"/sessions/{session.id}/cancel", data={"slug": "casework"})
    files = sorted(outbox_folder().glob("*.eml"))
    assert [message_from_bytes(f.read_bytes())["To"] for f in files].count(second.email) == 1


def test_attendance_counts_as_hands_on_hours_on_the_record_and_certificate(
        client, db, login_as, casework, make_user, session_of, clock):
    from tpcourse.models import CompletionRecord
    from tpcourse.services.certification.certificates import certificate_data
    from tpcourse.services.certification.completion import check_completion

    session = session_of(capacity=4, minutes=150)
    present, absent = trainees(make_user, casework, 2)
    for person in (present, absent):
        login_as(person)
        client.post(f"/sessions/{session.id}/signup", data={"slug": "casework"})
    login_as(session_of.instructor)
    sheet = client.get(f"/teach/sessions/{session.id}/attendance").get_data(as_text=True)
    assert present.name in sheet and absent.name in sheet
    signup = db.session.execute(select(SessionSignup).filter_by(user_id=present.id)).scalar_one()
    response = client.post(f"/teach/sessions/{session.id}/attendance/save",
                           data={"present": [str(signup.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    marks = dict(db.session.execute(select(SessionSignup.user_id, SessionSignup.attended)).all())
    assert marks == {present.id: True, absent.id: False}

    from tests.grading.test_grading_queue import grade, submit

    attempt, _page = submit(client, db, login_as, present)
    login_as(session_of.instructor)
    grade(client, attempt, "calf-case", {"action": "3", "reason": "1"})
    grade(client, attempt, "neck-case", {"overall": "2"})
    record = db.session.execute(select(CompletionRecord)).scalar_one()
    assert record.user_id == present.id and record.hands_on_hours == 2.5  # 150 minutes
    assert record.ce_hours == pytest.approx(0.1 + 2.5)  # home study + hands-on
    certificate = certificate_data(record)
    assert certificate.hands_on_hours == 2.5 and certificate.home_study_hours == 0.1
    assert check_completion(present, casework.id, clock.now).id == record.id


@pytest.mark.parametrize("who, status", [("other_instructor", 404), ("trainee", 403)])
def test_only_the_course_instructors_take_attendance(client, db, login_as, casework,
                                                     make_user, session_of, who, status):
    session = session_of()
    [trainee] = trainees(make_user, casework, 1)
    login_as(trainee if who == "trainee" else make_user(role="instructor"))
    assert client.get(f"/teach/sessions/{session.id}/attendance").status_code == status
    assert client.post(f"/teach/sessions/{session.id}/attendance/save",
                       data={"present": ["1"]}).status_code == status
