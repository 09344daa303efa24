"""Cohorts: create, rename, archive, invite codes, joining and leaving."""

from __future__ import annotations

from sqlalchemy import select

from tpcourse.models import AuditEvent, Cohort, CompletionRecord, Enrollment
from tpcourse.services.schools import cohorts


def _enrollment(db, user, course):
    return db.session.execute(select(Enrollment).filter_by(
        user_id=user.id, course_id=course.id)).scalar_one_or_none()


def test_create_a_cohort_and_see_its_invite(client, login_as, world, db):
    login_as(world.north_admin)
    response = client.post("/school/north/cohorts/new",
                           data={"name": "Evening group", "course": world.course.id})
    assert response.status_code == 302
    cohort = db.session.execute(select(Cohort).filter_by(name="Evening group")).scalar_one()
    assert cohort.school_id == world.north.id and len(cohort.invite_code) == 12
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/school/join/{cohort.invite_code}" in page and cohort.invite_code in page
    assert db.session.execute(select(AuditEvent).filter_by(kind="cohort.created")).scalars().all()


def test_a_bad_cohort_form_rerenders_with_errors(client, login_as, world):
    login_as(world.north_admin)
    response = client.post("/school/north/cohorts/new", data={"name": "", "course": "999"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "error-summary" in html and 'aria-invalid="true"' in html


def test_joining_by_link_enrols_in_the_course_and_sets_the_school(client, login_as, world,
                                                                  make_user, db):
    newcomer = login_as(make_user(name="New Person"))
    code = world.spring.invite_code
    confirm = client.get(f"/school/join/{code}").get_data(as_text=True)
    assert "Spring 2026" in confirm and "Basics of Pressure Work" in confirm
    response = client.post(f"/school/join/{code}")
    assert response.headers["Location"].endswith("/courses/basics")
    db.session.expire_all()
    assert _enrollment(db, newcomer, world.course).cohort_id == world.spring.id
    assert newcomer.school_id == world.north.id


def test_joining_by_typed_code_is_forgiving_and_keeps_an_existing_school(client, login_as,
                                                                         world, make_user, db):
    south_person = login_as(make_user(school="south"))
    typed = world.spring.invite_code.replace("-", "").lower()
    assert client.post("/school/join", data={"code": typed}).status_code == 302
    db.session.expire_all()
    assert _enrollment(db, south_person, world.course).cohort_id == world.spring.id
    assert south_person.school_id == world.south.id  # their school stays theirs


def test_unknown_code_rerenders_the_form_with_a_message(client, login_as, make_user, world):
    login_as(make_user())
    response = client.post("/school/join", data={"code": "NOPE-NOPE-NO"})
    assert response.status_code == 422
    assert "does not open a cohort" in response.get_data(as_text=True)
    assert client.get("/school/join/NOPE-NOPE-NO").status_code == 404


def test_someone_in_another_cohort_of_the_course_cannot_join_a_second(client, login_as, world):
    login_as(world.south_done)
    response = client.post("/school/join", data={"code": world.spring.invite_code})
    assert response.status_code == 422
    assert "another cohort" in response.get_data(as_text=True)


def test_archiving_stops_the_invite_and_restoring_revives_it(client, login_as, world,
                                                             make_user):
    login_as(world.north_admin)
    base = f"/school/north/cohorts/{world.spring.id}"
    assert client.post(base + "/archive", data={"archived": "1"}).status_code == 302
    assert "archived" in client.get(base).get_data(as_text=True)
    assert "Spring 2026" in client.get("/school/north/").get_data(as_text=True)
    login_as(make_user())
    assert client.get(f"/school/join/{world.spring.invite_code}").status_code == 404
    login_as(world.north_admin)
    client.post(base + "/archive", data={"archived": "0"})
    login_as(make_user())
    assert client.get(f"/school/join/{world.spring.invite_code}").status_code == 200


def test_a_new_invite_code_retires_the_old_one(client, login_as, world, db):
    old = world.spring.invite_code
    login_as(world.north_admin)
    client.post(f"/school/north/cohorts/{world.spring.id}/invite")
    db.session.expire_all()
    assert world.spring.invite_code != old
    assert client.get(f"/school/join/{old}").status_code == 404
    assert client.get(f"/school/join/{world.spring.invite_code}").status_code == 200


def test_rename_checks_the_name(client, login_as, world, db):
    login_as(world.north_admin)
    base = f"/school/north/cohorts/{world.spring.id}"
    empty = client.post(base + "/rename", data={"name": "  "})
    assert empty.status_code == 422 and "This field is required" in empty.get_data(as_text=True)
    assert client.post(base + "/rename", data={"name": "Spring A"}).status_code == 302
    db.session.expire_all()
    assert world.spring.name == "Spring A"


def test_removing_a_trainee_keeps_their_enrolment_progress_and_record(client, login_as, world,
                                                                      db):
    login_as(world.north_admin)
    base = f"/school/north/cohorts/{world.spring.id}"
    assert client.post(f"{base}/members/{world.done.id}/remove").status_code == 302
    db.session.expire_all()
    enrollment = _enrollment(db, world.done, world.course)
    assert enrollment is not None and enrollment.cohort_id is None
    assert db.session.execute(select(CompletionRecord).filter_by(
        user_id=world.done.id)).scalar_one()
    assert "Zoë Müller" not in client.get(base).get_data(as_text=True)
    # still north's trainee by school, so still on the dashboard and in exports
    assert "Zoë Müller" in client.get("/school/north/?cohort=none").get_data(as_text=True)
    assert client.post(f"{base}/members/{world.done.id}/remove").status_code == 404


def test_cohort_summaries_count_their_trainees(world):
    summary = {s.cohort.name: s.trainees for s in cohorts.cohorts_of(world.north)}
    assert summary == {"Spring 2026": 3}


def test_invite_codes_are_normalised(world):
    assert cohorts.normalise_code(" k7qx m2pa rb ") == "K7QX-M2PA-RB"
    cohort, school, title = cohorts.cohort_by_code(world.spring.invite_code.lower())
    assert (cohort.id, school.slug, title) == (world.spring.id, "north", "Basics of Pressure Work")
