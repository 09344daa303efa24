"""Every email is written in its recipient's language: a Spanish reader gets the whole email
(subject, text, HTML part, calendar invitation) in Spanish, whoever's request or job sends it;
an English reader gets the same email as before."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar
from sqlalchemy import select

from tests.grading import conftest as grading
from tests.i18n import spanish
from tests.i18n.spanish import NAMES, english_in_email, in_spanish, outbox_to, plain_of
from tests.schools import conftest as schools
from tests.schools.conftest import complete_course
from tpcourse.models import CompletionRecord
from tpcourse.services.accounts import invitations
from tpcourse.services.notifications.notices import recent
from tpcourse.services.schools import cohorts

app = spanish.app  # fixture: the app serving the shipped Spanish catalogue
world, fast_passwords = schools.world, schools.fast_passwords
casework, instructor_of = grading.casework, grading.instructor_of
CASEWORK = "Client Cases with Written Answers"


def test_a_password_reset_email_is_in_the_recipients_language(client, make_user):
    lucia = in_spanish(make_user(name="Lucía Pérez", email="lucia@example.org"))
    liam = make_user(name="Liam Smith", email="liam@example.org")
    for person in (lucia, liam):  # the page asking is in English both times
        client.post("/password/forgot", data={"email": person.email},
                    headers={"Accept-Language": "en"})
    [to_lucia], [to_liam] = outbox_to("lucia@example.org"), outbox_to("liam@example.org")
    assert to_lucia["Subject"] == "Restablezca su contraseña"
    assert plain_of(to_lucia).startswith("Hola, Lucía Pérez:\n\nAlguien pidió restablecer")
    assert english_in_email(to_lucia, "Lucía Pérez") == []
    assert '<html lang="es"' in to_lucia.get_body(("html",)).get_content()
    assert to_liam["Subject"] == "Reset your password"
    assert plain_of(to_liam).startswith(
        "Hello Liam Smith,\n\nSomeone asked to reset the password of your")


def test_a_sign_up_link_is_in_the_language_it_was_asked_in(client):
    client.post("/register", data={"name": "Marta Ruiz", "email": "marta@example.org"},
                headers={"Accept-Language": "es"})
    client.post("/register", data={"name": "Mark Rees", "email": "mark@example.org"},
                headers={"Accept-Language": "en"})
    [marta], [mark] = outbox_to("marta@example.org"), outbox_to("mark@example.org")
    assert marta["Subject"].startswith("Termine de crear su cuenta de")
    assert english_in_email(marta, "Marta Ruiz") == []
    assert mark["Subject"].startswith("Finish creating your")


def test_staff_emails_follow_each_recipient_not_the_sender(client, login_as, world, clock):
    admin = login_as(world.north_admin)  # an English-speaking school admin
    in_spanish(world.idle)
    invitations.send_reset_link(world.idle, f"user:{admin.id}", clock.now)
    invitations.send_reset_link(world.partial, f"user:{admin.id}", clock.now)
    [to_ian], [to_ann] = outbox_to("ian@north.example"), outbox_to("ann@north.example")
    assert to_ian["Subject"] == "Elija una contraseña nueva"
    assert english_in_email(to_ian, *NAMES) == []
    assert to_ann["Subject"] == "Choose a new password"
    assert "Your school asked us to send you a link" in plain_of(to_ann)


def test_an_invitation_from_a_spanish_admin_goes_out_in_the_site_language(client, login_as,
                                                                         world):
    login_as(in_spanish(world.north_admin))
    client.post("/school/north/people", data={"name": "Nora New", "email": "nora@example.org",
                                              "cohort": ""})
    [invitation] = outbox_to("nora@example.org")  # Nora has chosen no language yet
    assert invitation["Subject"].endswith("account is ready")
    assert "North Massage School has created a" in plain_of(invitation)


def test_a_certificate_notice_and_its_email_are_in_spanish(client, world, clock, make_user):
    sofia = in_spanish(make_user(name="Sofía Gómez", email="sofia@example.org"))
    cohorts.join_cohort(sofia, world.spring.invite_code, clock.now)
    complete_course(sofia, world.course.id, clock)
    [notice] = recent(sofia.id)
    assert notice.subject == "Se emitió su certificado de Basics of Pressure Work"
    [message] = [m for m in outbox_to("sofia@example.org") if "certificado" in m["Subject"]]
    assert english_in_email(message, *NAMES, "Sofía Gómez") == []
    assert plain_of(message).startswith("Hola, Sofía Gómez:")
    # Zoë completed the course before choosing a language: her notice stayed in English
    assert recent(world.done.id)[0].subject.startswith("Your certificate for")


def test_a_renewal_reminder_is_in_spanish(world, db):
    from tpcourse.services.certification.reminders import send_reminders
    from tpcourse.services.notifications.mail import send_mail

    in_spanish(world.done)
    record = db.session.execute(select(CompletionRecord).filter_by(
        user_id=world.done.id)).scalar_one()
    run = send_reminders(record.expires_at - timedelta(days=30, hours=1), [90, 30, 7],
                         send=send_mail)
    assert len(run.sent) == 2 and not run.failed  # Zoë's, and Sam's (still in English)
    [reminder] = [m for m in outbox_to("zoe@north.example") if "vence" in m["Subject"]]
    assert reminder["Subject"] == "Su certificado de Basics of Pressure Work vence en 30 días"
    body = plain_of(reminder)
    assert "Para mantener su certificación al día, renuévela:" in body
    assert "Recibe este correo porque pidió recordatorios de renovación." in body
    assert english_in_email(reminder, *NAMES) == []
    [to_sam] = outbox_to("sam@south.example")[-1:]
    assert to_sam["Subject"] == "Your certificate for Basics of Pressure Work expires in 30 days"


def test_a_session_invitation_and_its_calendar_are_in_spanish(casework, instructor_of, make_user,
                                                             clock):
    from tpcourse.services.learning.learning import enroll
    from tpcourse.services.sessions.schedule import schedule_session
    from tpcourse.services.sessions.signups import sign_up

    session = schedule_session(instructor_of(casework), "casework",
                               clock.now + timedelta(days=3), 150, "Clínica, sala 2", 4, [],
                               clock.now)
    elena = in_spanish(make_user(name="Elena Vidal", email="elena@example.org"))
    enroll(elena, casework.id)
    sign_up(elena, session.id, clock.now)
    [message] = outbox_to("elena@example.org")
    assert message["Subject"].startswith("Su plaza en la sesión práctica de")
    assert "jueves 5 de marzo de 2026, 09:00 UTC, 150 minutos" in plain_of(message)
    assert english_in_email(message, "Elena Vidal", CASEWORK) == []
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "session.ics"]
    [event] = Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Sesión práctica: ")
    assert "Traiga sus propias toallas" in str(event["DESCRIPTION"])
    [notice] = recent(elena.id)
    assert notice.body.startswith("Su plaza: jueves 5 de marzo de 2026, 09:00 UTC")


def test_an_export_ready_email_is_in_the_requesters_language(world, clock):
    from tpcourse.services.schools import export_jobs
    from tpcourse.services.schools.roster import RosterFilter

    in_spanish(world.north_admin)
    export_jobs.start(world.north, "csv", RosterFilter(), world.north_admin, 2, clock.now)
    [message] = outbox_to(world.north_admin.email)
    assert message["Subject"] == ("Su exportación de los registros de North Massage School "
                                  "está lista")
    assert english_in_email(message, *NAMES) == []


def test_an_accommodation_notice_counts_in_spanish(world, clock, db):
    from tpcourse.services.notifications.announce import accommodation_granted

    in_spanish(world.idle)
    accommodation_granted(world.idle.id, "intro-quiz", "Intro quiz", {
        "extra_attempts": 1, "extra_minutes": 2, "extra_percent": 25, "lift_locks": True},
        clock.now)
    db.session.commit()
    [notice] = recent(world.idle.id)
    assert notice.subject == "Adaptación concedida en Intro quiz"
    assert notice.body == ("Se le ha concedido lo siguiente en Intro quiz: 1 intento adicional, "
                           "2 minutos adicionales, un 25 % más de tiempo, el desbloqueo (puede "
                           "empezarlo ya).")
    [message] = outbox_to("ian@north.example")
    assert english_in_email(message, *NAMES, "Intro quiz") == []
