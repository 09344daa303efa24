"""Practical-skill sign-offs: only the course's instructors, dated, audited, and gating."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.certification.steps import record_of
from tpcourse.models import AuditEvent, SkillSignoff
from tpcourse.services.learning.learning import enroll

SKILL = "pincer-upper-trap"


@pytest.fixture
def setup(certified, make_user, instructor_of):
    trainee = make_user(school="northfield", name="Noor Haddad")
    enroll(trainee, certified.id)
    return certified, trainee, instructor_of(certified)


def sign_url(trainee, skill=SKILL):
    return f"/teach/courses/certified/skills/{trainee.id}/{skill}"


def sign_form(day, note="", skill=SKILL):
    return {f"{skill}-signed_on": day.isoformat(), f"{skill}-note": note}


def signoffs(db):
    db.session.expire_all()
    return list(db.session.execute(select(SkillSignoff)).scalars())


def test_the_course_instructor_signs_a_skill_off_with_date_and_note(client, login_as, setup,
                                                                    clock, db):
    course, trainee, instructor = setup
    login_as(instructor)
    sheet = client.get(f"/teach/courses/certified/skills/{trainee.id}").get_data(as_text=True)
    assert "Locates the upper-trapezius trigger point by pincer palpation." in sheet

    day = clock.now.date() - timedelta(days=2)
    response = client.post(sign_url(trainee), data=sign_form(day, "Found it first time."))

    assert response.status_code == 302
    [signoff] = signoffs(db)
    assert (signoff.user_id, signoff.course_id, signoff.skill_key) == (trainee.id, course.id, SKILL)
    assert signoff.signed_by_id == instructor.id and signoff.signed_at.date() == day
    assert signoff.note == "Found it first time."
    event = db.session.execute(select(AuditEvent).filter_by(kind="skill.signed_off")).scalar_one()
    assert event.actor == f"user:{instructor.id}"
    assert event.payload["skill"] == SKILL and event.payload["signed_on"] == day.isoformat()
    page = client.get(f"/teach/courses/certified/skills/{trainee.id}").get_data(as_text=True)
    assert "Signed off" in page and "Found it first time." in page and instructor.name in page
    listing = client.get("/teach/courses/certified/skills").get_data(as_text=True)
    assert "Noor Haddad" in listing and "1 of 3" in listing


@pytest.mark.parametrize("who", ["trainee", "school_admin", "other_instructor", "anonymous"])
def test_nobody_else_signs_off(client, login_as, setup, make_user, instructor_of, basics, clock,
                               db, who):
    _course, trainee, _instructor = setup
    people = {"trainee": trainee, "school_admin": make_user(role="school_admin",
                                                             school="northfield"),
              "other_instructor": instructor_of(basics)}
    if who != "anonymous":
        login_as(people[who])
    status = client.post(sign_url(trainee), data=sign_form(clock.now.date())).status_code
    page = client.get(f"/teach/courses/certified/skills/{trainee.id}").status_code
    expected = {"trainee": 403, "school_admin": 403, "other_instructor": 404, "anonymous": 302}
    assert (status, page) == (expected[who], expected[who])
    assert signoffs(db) == []


def test_an_admin_may_sign_off(client, login_as, setup, make_user, clock, db):
    _course, trainee, _instructor = setup
    login_as(make_user(role="admin"))
    assert client.post(sign_url(trainee), data=sign_form(clock.now.date())).status_code == 302
    assert len(signoffs(db)) == 1


def test_unknown_trainee_or_skill_is_404(client, login_as, setup, make_user, clock):
    _course, trainee, instructor = setup
    stranger = make_user()  # not enrolled in the course
    login_as(instructor)
    assert client.post(sign_url(stranger), data=sign_form(clock.now.date())).status_code == 404
    assert client.post(sign_url(trainee, "juggling"),
                       data=sign_form(clock.now.date(), skill="juggling")).status_code == 404


@pytest.mark.parametrize(("day", "message"), [
    ("", "Enter the date you assessed the skill."),
    ("tomorrow", "Not a valid date value."),
    ("future", "The sign-off date cannot be in the future."),
])
def test_a_bad_date_is_sent_back_with_what_was_typed(client, login_as, setup, clock, db, day,
                                                     message):
    _course, trainee, instructor = setup
    login_as(instructor)
    if day == "future":
        day = (clock.now.date() + timedelta(days=1)).isoformat()
    response = client.post(sign_url(trainee), data={f"{SKILL}-signed_on": day,
                                                    f"{SKILL}-note": "Kept as typed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and f'id="{SKILL}-signed_on-error"' in page
    assert "Kept as typed" in page and 'class="error-summary"' in page
    assert signoffs(db) == []


def test_a_skill_is_signed_off_once(client, login_as, setup, clock):
    _course, trainee, instructor = setup
    login_as(instructor)
    assert client.post(sign_url(trainee), data=sign_form(clock.now.date())).status_code == 302
    assert client.post(sign_url(trainee), data=sign_form(clock.now.date())).status_code == 409


def test_withdraw_until_the_certificate_is_issued(client, login_as, setup, clock, db):
    from tests.certification.steps import CERTIFIED_SKILLS, evaluate, pass_quiz, read_every_lesson

    _course, trainee, instructor = setup
    login_as(instructor)
    client.post(sign_url(trainee), data=sign_form(clock.now.date()))
    assert client.post(sign_url(trainee) + "/withdraw").status_code == 302
    assert signoffs(db) == []
    assert db.session.execute(select(AuditEvent.kind).filter_by(
        kind="skill.signoff_withdrawn")).scalar_one()
    assert client.post(sign_url(trainee) + "/withdraw").status_code == 404

    read_every_lesson(trainee, "certified", clock.now)
    pass_quiz(trainee, "certified-check", clock.now)
    evaluate(trainee, clock.now)
    for key in CERTIFIED_SKILLS:
        assert client.post(sign_url(trainee, key),
                           data=sign_form(clock.now.date(), skill=key)).status_code == 302
    assert record_of(trainee, "certified") is not None
    assert client.post(sign_url(trainee) + "/withdraw").status_code == 409
    assert len(signoffs(db)) == 3


def test_the_teaching_page_lists_only_courses_taught(client, login_as, setup, make_user):
    _course, _trainee, instructor = setup
    login_as(instructor)
    page = client.get("/teach/").get_data(as_text=True)
    assert "Pressure Release with Practical Assessment" in page
    assert "Basics of Pressure Work" not in page
    login_as(make_user(role="admin"))
    assert "Basics of Pressure Work" in client.get("/teach/").get_data(as_text=True)


def test_trainees_can_be_searched(client, login_as, setup, certified, make_user):
    _course, _trainee, instructor = setup
    other = make_user(name="Ben Okafor")
    enroll(other, certified.id)
    login_as(instructor)
    page = client.get("/teach/courses/certified/skills?q=okaf").get_data(as_text=True)
    assert "Ben Okafor" in page and "Noor Haddad" not in page


def test_a_large_course_is_listed_a_page_at_a_time(client, login_as, setup, certified,
                                                    make_user, db):
    """Fifty trainees a page, in name order, with the same statements on every page however
    many are enrolled."""
    from tests.perf.pages import StatementCounter
    from tpcourse.services.certification.skills import TRAINEES_PER_PAGE

    _course, _trainee, instructor = setup  # Noor Haddad
    for n in range(TRAINEES_PER_PAGE + 4):
        enroll(make_user(name=f"Zed {n:03}"), certified.id)
    login_as(instructor)
    client.get("/teach/courses/certified/skills")  # warm the caches
    with StatementCounter(db.engine) as first:
        page1 = client.get("/teach/courses/certified/skills").get_data(as_text=True)
    with StatementCounter(db.engine) as second:
        page2 = client.get("/teach/courses/certified/skills?page=2").get_data(as_text=True)
    assert "55 trainees · page 1 of 2" in page1 and "Noor Haddad" in page1
    assert "Zed 048" in page1 and "Zed 049" not in page1
    assert "Zed 049" in page2 and "Zed 053" in page2 and "Noor Haddad" not in page2
    assert "Next page" in page1 and "Previous page" in page2
    assert first.count == second.count
    late = client.get("/teach/courses/certified/skills?page=99").get_data(as_text=True)
    assert "page 2 of 2" in late  # past the end: the last page
