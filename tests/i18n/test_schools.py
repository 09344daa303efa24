"""The schools', administrators', integrations' and notifications' pages in Spanish: no English
left in the page's own part, counts in the plural forms, flashes and form errors translated.
The Spanish is the shipped catalogue (tests/i18n/spanish.py serves it)."""

from __future__ import annotations

import io
import re

from tests.i18n import spanish
from tests.i18n.spanish import NAMES, english_left, in_spanish, text
from tests.schools import conftest as schools

app = spanish.app  # fixture: the app serving the shipped Spanish catalogue
world, fast_passwords = schools.world, schools.fast_passwords

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
    for path, expected in pages.items():
        response = client.get(path)
        assert english_left(response, *NAMES) == [], path
        assert expected in text(response), path


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
    for path, expected in pages.items():
        response = client.get(path)
        assert english_left(response, *NAMES, "Ada Admin", "South Bodywork College") == [], path
        assert expected in text(response), path
    users = text(client.get("/admin/users"))
    assert "administrador/a de escuela" in users and "cuentas" in users
    assert admin.locale == "es"


def test_notices_and_their_settings_are_in_spanish(client, login_as, world):
    login_as(in_spanish(world.done))
    for path, expected in {"/notifications/": "Avisos",
                          "/notifications/preferences": "Enviarme un correo cuando"}.items():
        response = client.get(path)
        assert english_left(response, *NAMES) == [], path
        assert expected in text(response), path


def test_joining_a_cohort_is_in_spanish(client, login_as, world, make_user):
    login_as(in_spanish(make_user(name="Nia Nueva")))
    for path in ("/school/join", f"/school/join/{world.spring.invite_code}"):
        response = client.get(path)
        assert english_left(response, *NAMES) == [], path
    assert "Unirse a Spring 2026" in text(client.get(f"/school/join/{world.spring.invite_code}"))


def test_the_settings_forms_and_their_answers_are_in_spanish(client, login_as, world, clock):
    from tpcourse.integrations.webhooks import endpoints
    from tpcourse.services.schools import export_jobs
    from tpcourse.services.schools.roster import RosterFilter

    admin = login_as(in_spanish(world.north_admin))
    endpoint, _secret = endpoints.create_endpoint(world.north, "http://127.0.0.1:9/hook",
                                                  ["completion.issued"], "", "test", clock.now)
    job = export_jobs.start(world.north, "csv", RosterFilter(), admin, 2, clock.now)
    created = client.post("/school/north/tokens", data={"name": "Registro nocturno"})
    pages = {
        f"/school/north/webhooks/{endpoint.id}": "Registro de entregas",
        f"/school/north/exports/jobs/{job.id}": "Exportación de registros de finalización",
        "/school/north/integrations/lti/new": "Pegue estos valores en su LMS",
        "/school/north/integrations/sso/new": "Configurar un inicio de sesión de escuela",
    }
    for path, expected in pages.items():
        response = client.get(path)
        assert english_left(response, *NAMES) == [], path
        assert expected in text(response), path
    assert "Token «Registro nocturno» creado" in text(created)
    assert english_left(created, *NAMES, "Registro nocturno") == []
    bad = client.post("/school/north/webhooks", data={"url": "ftp://x", "events": []})
    assert bad.status_code == 422 and english_left(bad, *NAMES) == []
    assert "Elija al menos un evento." in text(bad)


def test_unsubscribing_from_an_email_is_in_spanish(client, world):
    from tpcourse.services.notifications.notices import unsubscribe_token

    in_spanish(world.done)
    path = f"/notifications/unsubscribe/{unsubscribe_token(world.done.id, 'skill_signed_off')}"
    asked = client.get(path, headers={"Accept-Language": "es"})
    assert english_left(asked, *NAMES) == []
    assert "¿Dejar de recibir los correos de «Un instructor aprueba" in text(asked)
    done = client.post(path, headers={"Accept-Language": "es"})
    assert "Hecho: ya no recibirá correos" in text(done) and english_left(done, *NAMES) == []
