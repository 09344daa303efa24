"""The schools', administrators', integrations' and notifications' pages in Spanish, and every
email written in its recipient's language (a Spanish reader gets Spanish, an English one the
same email as before).

The Spanish comes from a scratch catalogue: the shipped messages.po with the marking helpers'
fragments (translations/es/LC_MESSAGES/parts/*.po) merged in, compiled for this test session.
"""

from __future__ import annotations

import html
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import empty_database, make_app
from tests.i18n.english import english_sentences
from tests.schools.conftest import fast_passwords, world  # noqa: F401 (fixtures)
from tpcourse.extensions import babel
from tpcourse.extensions import db as _db
from tpcourse.models import User
from tpcourse.services.notifications import mail

SPANISH = Path(__file__).resolve().parents[2] / "tpcourse" / "translations" / "es" / "LC_MESSAGES"
SITE_URL = "https://learn.example.org"


@pytest.fixture(scope="session")
def catalogue(tmp_path_factory) -> Path:
    """A translations folder whose Spanish is messages.po plus every fragment in parts/."""
    with open(SPANISH / "messages.po", "rb") as source:
        merged = read_po(source, locale="es")
    for part in sorted((SPANISH / "parts").glob("*.po")):
        with open(part, "rb") as source:
            for message in read_po(source, locale="es"):
                if message.id and message.string:
                    merged[message.id] = message
    folder = tmp_path_factory.mktemp("translations")
    (folder / "es" / "LC_MESSAGES").mkdir(parents=True)
    with open(folder / "es" / "LC_MESSAGES" / "messages.mo", "wb") as out:
        write_mo(out, merged)
    return folder


@pytest.fixture
def app(_migrated, tmp_path, clock, catalogue):
    """The test app, reading the scratch catalogue (Flask-Babel's cache emptied around it)."""
    app = make_app(_migrated, tmp_path, TPCOURSE_NOW=clock, TPCOURSE_SITE_URL=SITE_URL,
                   BABEL_TRANSLATION_DIRECTORIES=str(catalogue))
    with app.app_context():
        babel.domain_instance.cache.clear()
        yield app
        babel.domain_instance.cache.clear()
        empty_database()


def in_spanish(user: User) -> User:
    """Give the account the Spanish interface (and emails)."""
    user.locale = "es"
    _db.session.commit()
    return user


def main_of(response) -> str:
    """The page's own part (<main>: breadcrumbs, flashes, content), as a page in its language."""
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 422), page[:500]
    lang = re.search(r'<html lang="([^"]+)"', page).group(1)
    main = re.search(r"<main\b.*?</main>", page, re.S).group(0)
    return f'<html lang="{lang}"><body>{main}</body></html>'


def english_left(response, *allow: str) -> list[str]:
    return english_sentences(main_of(response), allow=allow)


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main_of(response))).split())


# Names and titles that come from data, not from the interface; and the shared form macro's
# heading (templates/_forms.html, another area's).
NAMES = ("North Massage School", "North CE Institute", "Basics of Pressure Work", "Spring 2026",
         "Zoë Müller", "Ann Partial", "Ian Idle", "Lou Loner", "School_Admin ",
         "Please fix these to continue")


def test_the_school_admins_pages_are_in_spanish(client, login_as, world):
    login_as(in_spanish(world.north_admin))
    pages = {
        "/school/north/": "Panel de la escuela",
        f"/school/north/cohorts/{world.spring.id}": "Invitar estudiantes",
        "/school/north/cohorts/new": "Un grupo reúne a estudiantes suyos",
        "/school/north/people": "Invitar a un estudiante",
        "/school/north/people/import": "Inscribir una clase desde un archivo CSV",
        "/school/north/tokens": "Aún no hay tokens.",
        "/school/north/issuer": "Logotipo y firma",
        "/school/north/webhooks": "Aún no hay endpoints.",
        "/school/north/integrations": "LMS e inicio de sesión de la escuela",
    }
    for path, spanish in pages.items():
        response = client.get(path)
        assert english_left(response, *NAMES) == [], path
        assert spanish in text(response), path


def test_counts_are_plural_in_spanish(client, login_as, world):
    login_as(in_spanish(world.north_admin))
    assert "1 estudiante" in text(client.get("/school/north/people?q=Idle"))
    every = text(client.get("/school/north/people"))
    assert re.search(r"\b4 estudiantes\b", every), every
    roster = text(client.get("/school/north/?q=Zo%C3%AB"))
    assert "1 estudiante × curso" in roster and "aprobado" in roster


def test_a_class_list_is_checked_in_spanish(client, login_as, world):
    login_as(in_spanish(world.north_admin))
    data = "name,email\nAna Kim,ana@example.org\n,nobody@example.org\nBen,not-an-email\n"
    import io

    response = client.post("/school/north/people/import", data={
        "people": (io.BytesIO(data.encode()), "class.csv")}, content_type="multipart/form-data")
    page = text(response)
    assert english_left(response, *NAMES, "Ana Kim", "not-an-email") == []
    assert "el nombre está vacío" in page and "no es una dirección de correo" in page
    assert "1 cuenta nueva (invitada por correo)" in page
    assert "2 filas con problemas (omitidas)" in page


def test_flashes_and_errors_are_in_spanish(client, login_as, world):
    login_as(in_spanish(world.north_admin))
    base = f"/school/north/cohorts/{world.spring.id}"
    followed = client.post(base + "/archive", data={"archived": "1"}, follow_redirects=True)
    assert "Grupo archivado: su invitación ya no funciona." in text(followed)
    assert english_left(followed, *NAMES) == []
    refused = client.post("/school/north/cohorts/new", data={"name": "", "course": ""})
    assert refused.status_code == 422 and english_left(refused, *NAMES) == []


def test_the_administrators_pages_are_in_spanish(client, login_as, make_user, world):
    admin = login_as(in_spanish(make_user(role="admin", name="Ada Admin")))
    pages = {
        "/admin/schools": "Añadir una escuela",
        "/admin/schools/new": "Nueva escuela",
        "/admin/users": "Crear una cuenta",
        "/admin/users/new": "La persona recibe un correo",
        f"/admin/users/{world.idle.id}": "Rol y escuela",
        "/admin/outbox": "Bandeja de salida",
        "/admin/jobs/": "Tareas fallidas",
        "/school/": "Escuelas",
    }
    for path, spanish in pages.items():
        response = client.get(path)
        assert english_left(response, *NAMES, "Ada Admin", "South Bodywork College") == [], path
        assert spanish in text(response), path
    users = text(client.get("/admin/users"))
    assert "administrador de escuela" in users and "cuentas" in users
    assert admin.locale == "es"


def test_notices_and_their_settings_are_in_spanish(client, login_as, world):
    login_as(in_spanish(world.done))
    for path, spanish in {"/notifications/": "Avisos",
                          "/notifications/preferences": "Enviarme un correo cuando"}.items():
        response = client.get(path)
        assert english_left(response, *NAMES) == [], path
        assert spanish in text(response), path


def test_joining_a_cohort_is_in_spanish(client, login_as, world, make_user):
    login_as(in_spanish(make_user(name="Nia Nueva")))
    for path in ("/school/join", f"/school/join/{world.spring.invite_code}"):
        response = client.get(path)
        assert english_left(response, *NAMES) == [], path
    assert "Unirse a Spring 2026" in text(client.get(f"/school/join/{world.spring.invite_code}"))


# Emails ---------------------------------------------------------------------------------------

def outbox_to(address: str) -> list:
    """The messages kept in the outbox for `address`, oldest first, parsed."""
    found = []
    for path in sorted(mail.outbox_folder().glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def english_in_email(message, *allow: str) -> list[str]:
    """English sentences in an email: its subject, its plain text and its HTML part."""
    plain = message.get_body(preferencelist=("plain",)).get_content()
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in
                    [str(message["Subject"]), *plain.splitlines()])
    part = message.get_body(preferencelist=("html",)).get_content()
    return (english_sentences(f'<html lang="es"><body>{lines}</body></html>', allow=allow)
            + english_sentences(part, allow=allow))


def test_a_password_reset_email_is_in_the_recipients_language(client, make_user):
    spanish = in_spanish(make_user(name="Lucía Pérez", email="lucia@example.org"))
    english = make_user(name="Liam Smith", email="liam@example.org")
    for person in (spanish, english):  # the page asking is in English both times
        client.post("/password/forgot", data={"email": person.email},
                    headers={"Accept-Language": "en"})
    [to_lucia], [to_liam] = outbox_to("lucia@example.org"), outbox_to("liam@example.org")
    assert to_lucia["Subject"] == "Restablezca su contraseña"
    assert "Hola, Lucía Pérez:" in to_lucia.get_body(("plain",)).get_content()
    assert english_in_email(to_lucia, "Lucía Pérez") == []
    assert 'lang="es"' in to_lucia.get_body(("html",)).get_content()
    assert to_liam["Subject"] == "Reset your password"
    assert to_liam.get_body(("plain",)).get_content().startswith(
        "Hello Liam Smith,\n\nSomeone asked to reset the password of your")


def test_a_sign_up_link_is_in_the_language_it_was_asked_in(client):
    client.post("/register", data={"name": "Marta Ruiz", "email": "marta@example.org"},
                headers={"Accept-Language": "es"})
    [message] = outbox_to("marta@example.org")
    assert message["Subject"].startswith("Termine de crear su cuenta de")
    assert english_in_email(message, "Marta Ruiz") == []


def test_staff_emails_and_notices_follow_each_recipient(client, login_as, world, clock):
    from tpcourse.services.accounts import invitations
    from tpcourse.services.notifications.notices import recent

    admin = login_as(world.north_admin)  # an English-speaking school admin
    in_spanish(world.idle)
    invitations.send_reset_link(world.idle, f"user:{admin.id}", clock.now)
    invitations.send_reset_link(world.partial, f"user:{admin.id}", clock.now)
    [to_ian] = outbox_to("ian@north.example")
    assert to_ian["Subject"] == "Elegir una nueva contraseña"
    assert english_in_email(to_ian, *NAMES) == []
    [to_ann] = outbox_to("ann@north.example")
    assert to_ann["Subject"] == "Choose a new password"
    assert "Your school asked us to send you a link" in to_ann.get_body(("plain",)).get_content()
    # the certificate notice Zoë got when she completed the course was written in English
    # (her account had no language then); a Spanish reader's next one is in Spanish
    assert recent(world.done.id)[0].subject.startswith("Your certificate for")


def test_a_certificate_notice_and_its_email_are_in_spanish(client, world, clock, make_user):
    from tests.schools.conftest import complete_course
    from tpcourse.services.notifications.notices import recent

    trainee = in_spanish(make_user(name="Sofía Gómez", email="sofia@example.org"))
    from tpcourse.services.schools import cohorts

    cohorts.join_cohort(trainee, world.spring.invite_code, clock.now)
    complete_course(trainee, world.course.id, clock)
    [notice] = recent(trainee.id)
    assert notice.subject == "Se emitió su certificado de Basics of Pressure Work"
    [message] = [m for m in outbox_to("sofia@example.org") if "certificado" in m["Subject"]]
    assert english_in_email(message, *NAMES, "Sofía Gómez") == []
    assert "Hola, Sofía Gómez:" in message.get_body(("plain",)).get_content()
