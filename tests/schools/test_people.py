"""Staff create accounts by invitation; a school enrols a class from a CSV; invite links survive
sign-up and log-in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, make_app
from tests.helpers import link_in, outbox
from tpcourse.models import AuditEvent, Enrollment, User


def account_mail(app):
    """The invitations and staff-sent reset links in the outbox (other notices left out)."""
    return [m for m in outbox(app)
            if "account is ready" in m.subject or m.subject == "Choose a new password"]


def csv_upload(client, slug: str, text: str, cohort: str = ""):
    from io import BytesIO

    return client.post(f"/school/{slug}/people/import", data={
        "people": (BytesIO(text.encode("utf-8-sig")), "class.csv"), "cohort": cohort},
        content_type="multipart/form-data")


def confirm(client, slug: str, preview_page: str):
    data = re.search(r'name="class_list" type="hidden" value="([^"]*)"', preview_page).group(1)
    cohort = re.search(r'name="cohort" type="hidden" value="([^"]*)"', preview_page).group(1)
    return client.post(f"/school/{slug}/people/import/confirm",
                       data={"class_list": data, "cohort": cohort})


def class_list(world, rows: int = 200, bad: int = 5) -> str:
    lines = ["Name;Email;Cohort"]
    for n in range(rows - bad):
        lines.append(f"Trainee {n};trainee{n}@class.example.org;{world.spring.name}")
    lines += ["No Email;;Spring 2026", ";nameless@class.example.org;",
              "Bad Address;not-an-email;", "Twin;trainee0@class.example.org;",
              "Lost;lost@class.example.org;No such cohort"]
    return "\r\n".join(lines) + "\r\n"


def test_a_class_of_200_with_five_bad_rows_is_previewed_confirmed_and_invited(
        app, client, db, world, login_as):
    login_as(world.north_admin)
    page = csv_upload(client, "north", class_list(world)).get_data(as_text=True)
    assert "<strong>195</strong> new accounts" in page and "<strong>5</strong> rows" in page
    assert db.session.execute(select(func.count(User.id))).scalar_one() == 7  # dry run only
    for row, column in ((197, "email"), (198, "name"), (199, "email"), (200, "email"),
                        (201, "cohort")):
        assert re.search(rf"<td>{row}</td><td>{column}</td>", page), (row, column)
    assert "the same email as row 2" in page
    done = confirm(client, "north", page).get_data(as_text=True)
    assert "195 accounts created and invited" in done and "5 rows with problems" in done
    enrolled = db.session.execute(select(func.count(Enrollment.id)).where(
        Enrollment.cohort_id == world.spring.id)).scalar_one()
    assert enrolled == 3 + 195
    mail = account_mail(app)
    assert len(mail) == 195 and all("Choose your password" in m.body for m in mail)
    events = db.session.execute(select(AuditEvent).filter_by(kind="school.people_imported"))
    assert events.scalar_one().payload["created"] == 195


def test_the_same_file_again_changes_nothing_and_says_so(app, client, db, world, login_as):
    login_as(world.north_admin)
    text = class_list(world, rows=10, bad=0)
    first = csv_upload(client, "north", text).get_data(as_text=True)
    confirm(client, "north", first)
    again = csv_upload(client, "north", text).get_data(as_text=True)
    assert "Nothing to change: every usable row is already done" in again
    assert "<strong>10</strong> already done" in again and "Confirm" not in again
    assert len(account_mail(app)) == 10  # no second invitation


def test_existing_trainees_are_enrolled_and_other_schools_people_are_not(client, db, world,
                                                                        login_as):
    login_as(world.north_admin)
    text = ("name,email,cohort\nLou Loner,lou@north.example,Spring 2026\n"
            f"Sam South,sam@south.example,Spring 2026\nNorth Admin,{world.north_admin.email},\n")
    page = csv_upload(client, "north", text).get_data(as_text=True)
    assert "<strong>1</strong> existing account to enrol" in page
    assert page.count("this email belongs to an account this school does not manage") == 2
    confirm(client, "north", page)
    enrolment = db.session.execute(select(Enrollment).filter_by(user_id=world.loner.id)
                                   ).scalar_one()
    assert enrolment.cohort_id == world.spring.id
    sam = db.session.execute(select(Enrollment).filter_by(user_id=world.south_done.id)
                             ).scalar_one()
    assert sam.cohort_id == world.autumn.id  # untouched


def test_a_sample_file_and_another_schools_admin(client, db, world, login_as):
    login_as(world.north_admin)
    sample = client.get("/school/north/people/sample.csv")
    assert sample.status_code == 200 and sample.get_data().startswith(b"\xef\xbb\xbfname,email")
    assert client.get("/school/south/people/import").status_code == 404
    login_as(world.south_admin)
    assert client.post(f"/school/south/people/{world.done.id}/access",
                       data={"action": "reset"}).status_code == 404


def test_an_invited_trainee_chooses_a_password_once_and_starts(app, client, db, world,
                                                               login_as, clock):
    login_as(world.north_admin)
    response = client.post("/school/north/people", data={
        "name": "Nia New", "email": "nia@example.org", "cohort": str(world.spring.id)})
    assert response.status_code == 302
    nia = db.session.execute(select(User).filter_by(email="nia@example.org")).scalar_one()
    assert nia.awaiting_password and nia.school_id == world.north.id
    client.post("/logout")
    assert client.post("/login", data={"email": nia.email, "password": PASSWORD}
                       ).status_code == 422  # no password yet: nothing logs in
    link = link_in(account_mail(app)[0].body, "/welcome/")
    page = client.get(link).get_data(as_text=True)
    assert "Welcome, Nia New" in page and "North Massage School" in page
    new = "nia's own password"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert "Basics of Pressure Work" in client.get("/").get_data(as_text=True)
    assert app.test_client().get(link).status_code == 400  # works once
    client.post("/logout")
    assert client.post("/login", data={"email": nia.email, "password": new}).status_code == 302


def test_an_invitation_expires(app, client, db, world, login_as, clock):
    login_as(world.north_admin)
    client.post("/school/north/people", data={"name": "Ola", "email": "ola@example.org"})
    link = link_in(account_mail(app)[0].body, "/welcome/")
    clock.advance(days=8)
    assert app.test_client().get(link).status_code == 400


def test_school_admins_resend_reset_and_deactivate(app, client, db, world, login_as):
    login_as(world.north_admin)
    client.post("/school/north/people", data={"name": "Ola", "email": "ola@example.org"})
    ola = db.session.execute(select(User).filter_by(email="ola@example.org")).scalar_one()
    resend = client.post(f"/school/north/people/{ola.id}/access", data={"action": "invite"})
    assert resend.status_code == 302 and len(account_mail(app)) == 2
    refused = client.post(f"/school/north/people/{ola.id}/access", data={"action": "reset"})
    assert refused.status_code == 409  # no password yet: the invitation is what to resend
    reset = client.post(f"/school/north/people/{world.done.id}/access", data={"action": "reset"})
    assert reset.status_code == 302 and "/password/reset/" in account_mail(app)[0].body
    laptop = make_app(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path).test_client()
    assert laptop.post("/login", data={"email": world.done.email, "password": PASSWORD}
                       ).status_code == 302
    client.post(f"/school/north/people/{world.done.id}/access", data={"action": "deactivate"})
    assert laptop.get("/records").status_code == 302  # logged out everywhere
    assert laptop.post("/login", data={"email": world.done.email, "password": PASSWORD}
                       ).status_code == 422
    client.post(f"/school/north/people/{world.done.id}/access", data={"action": "reactivate"})
    assert laptop.post("/login", data={"email": world.done.email, "password": PASSWORD}
                       ).status_code == 302


@pytest.mark.parametrize("role", ["instructor", "school_admin", "admin"])
def test_an_admin_creates_an_account_of_any_role(app, client, db, world, make_user, login_as,
                                                 role):
    login_as(make_user(role="admin"))
    response = client.post("/admin/users/new", data={
        "name": "New Person", "email": "new.person@example.org", "role": role,
        "school_id": str(world.north.id)})
    assert response.status_code == 302
    user = db.session.execute(select(User).filter_by(email="new.person@example.org")
                              ).scalar_one()
    assert user.role == role and user.awaiting_password
    assert "/welcome/" in account_mail(app)[0].body
    again = client.post("/admin/users/new", data={
        "name": "Twice", "email": "NEW.person@example.org", "role": role,
        "school_id": str(world.north.id)})
    assert again.status_code == 422 and "already exists" in again.get_data(as_text=True)
    assert 'value="Twice"' in again.get_data(as_text=True)


def test_registering_from_an_invite_link_lands_in_the_cohort(app, client, db, world):
    link = f"/school/join/{world.spring.invite_code}"
    page = client.get(link).get_data(as_text=True)
    assert "Create an account" in page and "Spring 2026" in page
    register = re.search(r'href="(/register\?next=[^"]+)"', page).group(1)
    client.post(register.replace("&amp;", "&"), data={"name": "Kai Kim",
                                                      "email": "kai@example.org"})
    finish = link_in(next(m.body for m in outbox(app) if "/register/finish/" in m.body),
                     "/register/finish/")
    done = client.post(finish, data={"password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/courses/basics"
    kai = db.session.execute(select(User).filter_by(email="kai@example.org")).scalar_one()
    enrolment = db.session.execute(select(Enrollment).filter_by(user_id=kai.id)).scalar_one()
    assert enrolment.cohort_id == world.spring.id and kai.school_id == world.north.id
    assert "You joined Spring 2026" in client.get("/courses/basics").get_data(as_text=True)


def test_the_cli_imports_a_class_with_a_dry_run_first(app, runner, db, world, tmp_path):
    path = tmp_path / "class.csv"
    path.write_text("name,email\nAna,ana@example.org\nBen,ben@example.org\n,x@example.org\n")
    dry = runner.invoke(args=["users", "import", str(path), "--school", "north", "--cohort",
                              "Spring 2026", "--dry-run"])
    assert dry.exit_code == 1 and f"{path}: row 4, name: the name is empty" in dry.output
    assert "Dry run: nothing changed. 2 to create" in dry.output
    assert db.session.execute(select(func.count(User.id))).scalar_one() == 7
    done = runner.invoke(args=["users", "import", str(path), "--school", "north", "--cohort",
                               "Spring 2026"])
    assert "Created and invited 2, enrolled 2" in done.output
    assert len(account_mail(app)) == 2 and "http://127.0.0.1:5000/welcome/" in account_mail(app)[0].body
    path.write_text("name,email\nAna,ana@example.org\nBen,ben@example.org\n")
    again = runner.invoke(args=["users", "import", str(path), "--school", "north", "--cohort",
                                str(world.spring.id)])
    assert again.exit_code == 0 and "Nothing to change" in again.output
