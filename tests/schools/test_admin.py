"""Admins create and edit schools, list users, and assign roles and schools."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tpcourse.models import AuditEvent, School, User

SCHOOL = {"name": "East Coast Massage", "slug": "east-coast", "provider_name": "East CE",
          "provider_number": "CE-E-7", "contact_email": "office@east.example",
          "contact_address": "1 Shore Road", "signatory_name": "Dr. E. Signer"}


@pytest.fixture
def admin(make_user, login_as):
    return login_as(make_user(role="admin", name="Ada Admin"))


def test_admin_creates_a_school_with_its_provider_details(client, admin, db):
    response = client.post("/admin/schools/new", data=SCHOOL)
    assert response.status_code == 302
    school = db.session.execute(select(School).filter_by(slug="east-coast")).scalar_one()
    assert (school.provider_number, school.signatory_name) == ("CE-E-7", "Dr. E. Signer")
    assert "East Coast Massage" in client.get("/admin/schools").get_data(as_text=True)
    event = db.session.execute(select(AuditEvent).filter_by(kind="school.created")).scalar_one()
    assert event.payload["provider_number"] == "CE-E-7"


def test_bad_school_forms_keep_what_was_typed(client, admin, world):
    bad = client.post("/admin/schools/new", data={**SCHOOL, "slug": "East Coast!",
                                                  "contact_email": "nope"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "lower-case letters" in html
    assert 'value="East Coast Massage"' in html and "Invalid email address" in html
    taken = client.post("/admin/schools/new", data={**SCHOOL, "slug": "north"})
    assert taken.status_code == 422 and "already uses the slug" in taken.get_data(as_text=True)
    reserved = client.post("/admin/schools/new", data={**SCHOOL, "slug": "join"})
    assert reserved.status_code == 422


def test_admin_edits_a_school(client, admin, world, db):
    page = client.get(f"/admin/schools/{world.north.id}/edit").get_data(as_text=True)
    assert 'value="North CE Institute"' in page
    response = client.post(f"/admin/schools/{world.north.id}/edit",
                           data={**SCHOOL, "slug": "north", "name": "North School"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.north.name == "North School" and world.north.slug == "north"


def test_users_are_listed_and_searchable(client, admin, world):
    html = client.get("/admin/users?q=NORTH.example").get_data(as_text=True)
    assert "zoe@north.example" in html and "sam@south.example" not in html
    assert "No account matches" in client.get("/admin/users?q=zzzz").get_data(as_text=True)


def test_admin_assigns_a_role_and_school(client, admin, world, db):
    url = f"/admin/users/{world.partial.id}"
    assert f'<option selected value="{world.north.id}">' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"role": "school_admin", "school_id": str(world.south.id)})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, world.partial.id)
    assert (user.role, user.school_id) == ("school_admin", world.south.id)
    no_school = client.post(url, data={"role": "school_admin", "school_id": ""})
    assert no_school.status_code == 422 and "needs a school" in no_school.get_data(as_text=True)
    bad_role = client.post(url, data={"role": "overlord", "school_id": ""})
    assert bad_role.status_code == 422


def test_an_admin_cannot_delete_themselves(client, admin):
    assert client.post(f"/admin/users/{admin.id}/delete", data={"confirm": "y"}).status_code == 409
