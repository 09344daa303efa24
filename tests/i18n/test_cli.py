"""The `flask` commands print in the operator's language: the shell's LC_ALL, LC_MESSAGES or LANG
when the site offers it, else the site default (tpcourse/cli/common.py)."""

from __future__ import annotations

import click
import pytest

from tests.i18n import spanish
from tests.i18n.english import reads_as_english
from tpcourse.services.platform.languages import operator_locale, shell_locale

SPANISH = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "es_ES.UTF-8"}
ENGLISH = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C"}


app = spanish.app  # fixture: the app serving the shipped Spanish catalogue


def english_lines(output: str) -> list[str]:
    """The lines of a command's output that read as English."""
    return [line for line in output.splitlines() if reads_as_english(line)]


def queue_events(db, count: int) -> None:
    """Record `count` audit events that wait to be chained."""
    from tpcourse.services.records.audit import queue_event

    for number in range(count):
        queue_event("test.event", {"n": number})
    db.session.commit()


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LANG": "es_ES.UTF-8"}, "es"),
    ({"LANG": "es_MX.UTF-8@euro"}, "es"),
    ({"LC_ALL": "es_AR", "LANG": "en_GB.UTF-8"}, "es"),
    ({"LC_MESSAGES": "es", "LANG": "en_US"}, "es"),
    ({"LC_ALL": "C", "LANG": "es_ES.UTF-8"}, "en"),  # LC_ALL=C: a script asked for plain output
    ({"LC_ALL": "", "LANG": "es_ES.UTF-8"}, "es"),  # set but empty counts as unset
    ({"LANG": "fr_FR.UTF-8"}, "en"),
    ({"LANG": "POSIX"}, "en"),
    ({}, "en"),
])
def test_the_shell_names_the_language(environ, expected):
    assert operator_locale(environ, ("en", "es")) == expected


def test_a_regional_locale_wins_when_the_site_offers_it():
    assert shell_locale({"LANG": "pt_BR.UTF-8"}) == "pt_BR"
    assert operator_locale({"LANG": "pt_BR.UTF-8"}, ("en", "pt", "pt_BR")) == "pt_BR"
    assert operator_locale({"LANG": "pt_PT.UTF-8"}, ("en", "pt", "pt_BR")) == "pt"
    assert operator_locale({"LANG": "en_US.UTF-8"}, ("es", "en")) == "en"
    assert operator_locale({"LANG": "de_DE.UTF-8"}, ("es", "en")) == "es"  # the site default


def test_every_command_runs_in_the_operator_language(app):
    def bodies(command: click.Command):
        yield command
        for sub in getattr(command, "commands", {}).values():
            yield from bodies(sub)

    ours = [command for command in bodies(app.cli)
            if command.callback and command.callback.__module__.startswith("tpcourse.cli")]
    assert len(ours) > 30
    assert [c.name for c in ours if not hasattr(c.callback, "operator_language")] == []


def test_purge_prints_spanish_under_a_spanish_shell_and_english_under_c(runner):
    spanish = runner.invoke(args=["users", "purge-expired"], env=SPANISH)
    assert spanish.exit_code == 0, spanish.output
    assert spanish.output == ("Se anonimizaron 0 cuentas eliminadas que superaron el período "
                              "de conservación.\nSe eliminaron 0 sesiones de navegador "
                              "antiguas.\n")
    english = runner.invoke(args=["users", "purge-expired"], env=ENGLISH)
    assert english.output == ("Anonymised 0 deleted accounts past the retention period.\n"
                              "Removed 0 old browser sessions.\n")


@pytest.mark.parametrize(("count", "spanish", "english"), [
    (1, "Se encadenó 1 evento en espera.", "Chained 1 waiting event."),
    (2, "Se encadenaron 2 eventos en espera.", "Chained 2 waiting events."),
])
def test_counts_take_the_language_plural(runner, db, count, spanish, english):
    queue_events(db, count)
    assert runner.invoke(args=["audit", "seal"], env=SPANISH).output == spanish + "\n"
    queue_events(db, count)
    assert runner.invoke(args=["audit", "seal"], env=ENGLISH).output == english + "\n"


def test_audit_verify_in_spanish_leaves_no_english(runner, db):
    queue_events(db, 1)
    assert runner.invoke(args=["audit", "seal"]).exit_code == 0
    queue_events(db, 2)
    result = runner.invoke(args=["audit", "verify"], env=SPANISH)
    assert result.exit_code == 0, result.output
    ok, waiting = result.output.splitlines()
    assert ok.startswith("OK: 1 entrada de auditoría, cadena intacta; la más reciente es la "
                         "entrada 1, con hash ")
    assert waiting.startswith("2 eventos registrados esperan a entrar en la cadena")
    assert not reads_as_english(ok.rsplit(" ", 1)[0]) and not reads_as_english(waiting)
    english = runner.invoke(args=["audit", "verify"], env=ENGLISH).output
    assert english.startswith("OK: 1 audit entry, chain intact; head is entry 1, hash ")
    assert "2 recorded events wait to be chained" in english


def test_questions_and_refusals_are_spanish(runner, app, make_user):
    app.config["TPCOURSE_RECORD_RETENTION_DAYS"] = "1"
    user = make_user(name="Rosa Díaz", email="rosa@example.com")
    asked = runner.invoke(args=["users", "delete", "--email", user.email], input="n\n",
                          env=SPANISH)
    assert asked.exit_code == 1
    assert ("¿Eliminar a Rosa Díaz <rosa@example.com>? Sus registros se conservan 1 día."
            in asked.output)
    refused = runner.invoke(args=["users", "delete", "--email", "nadie@example.com"],
                            env=SPANISH)
    assert refused.exit_code == 1
    assert "No hay ninguna cuenta con el correo nadie@example.com." in refused.output
    deleted = runner.invoke(args=["users", "delete", "--email", user.email, "--yes"],
                            env=SPANISH)
    assert deleted.exit_code == 0, deleted.output
    assert deleted.output.startswith(f"Cuenta {user.id} eliminada; sus registros se conservan")
    assert english_lines(asked.output + refused.output + deleted.output) == []


def test_the_jobs_schedule_reads_in_spanish(runner):
    result = runner.invoke(args=["jobs", "schedule"], env=SPANISH)
    assert result.exit_code == 0, result.output
    assert "cada 300 s" in result.output and "recordatorios de renovación" in result.output
    assert english_lines(result.output) == []
    assert "every 300 s" in runner.invoke(args=["jobs", "schedule"], env=ENGLISH).output


def test_the_site_default_speaks_when_the_shell_language_is_not_offered(runner, app):
    app.config["TPCOURSE_LOCALES"] = "es,en"
    french = runner.invoke(args=["jobs", "failed"], env={**SPANISH, "LANG": "fr_FR.UTF-8"})
    assert french.output == "0 tareas fallidas.\n"
    assert runner.invoke(args=["jobs", "failed"], env={**SPANISH, "LANG": "en_US.UTF-8"}
                         ).output == "0 failed jobs.\n"


def test_a_broken_chain_is_named_in_spanish(runner, db):
    from sqlalchemy import update

    from tpcourse.models import AuditEvent
    from tpcourse.services.records.audit import record_event

    for number in range(3):
        record_event("test.event", {"n": number})
    db.session.commit()
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 2).values(payload={"n": 9}))
    db.session.commit()
    spanish = runner.invoke(args=["audit", "verify"], env=SPANISH)
    assert spanish.exit_code == 1
    assert spanish.output == ("CADENA ROTA en la entrada 2: La entrada 2 se modificó después de "
                              "escribirse: su contenido ya no coincide con su hash guardado.\n")
    english = runner.invoke(args=["audit", "verify"], env=ENGLISH)
    assert english.output == ("BROKEN at entry 2: Entry 2 was changed after it was written: its "
                              "content no longer matches its stored hash.\n")


def test_records_verify_names_problems_in_spanish(runner, tmp_path):
    badges = tmp_path / "north.badges.json"
    badges.write_text('["not-a-token"]')
    result = runner.invoke(args=["records", "verify", str(badges)], env=SPANISH)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "nota: 1 credencial Open Badges verificada",
        "FALLO: credencial 1: no es un JWS compacto: debe tener tres partes separadas por puntos",
    ]
    csv = tmp_path / "north.csv"
    csv.write_text("a,b\n")
    unsigned = runner.invoke(args=["records", "verify", str(csv)], env=SPANISH)
    assert unsigned.output == ("FALLO: no hay documento de firma: se esperaba north.csv.sig.json "
                               "a su lado (o indíquelo con --sig)\n")
    assert english_lines(result.output + unsigned.output) == []
    english = runner.invoke(args=["records", "verify", str(badges)], env=ENGLISH)
    assert english.output.splitlines() == [
        "note: 1 Open Badges credential checked",
        "FAILED: credential 1: not a compact JWS: it must have three dot-separated parts",
    ]


def test_reminder_settings_are_refused_in_spanish(runner, app):
    app.config["TPCOURSE_REMINDER_DAYS"] = "soon"
    result = runner.invoke(args=["reminders", "send", "--dry-run"], env=SPANISH)
    assert result.exit_code == 1
    assert result.output == ("Error: TPCOURSE_REMINDER_DAYS debe indicar días enteros, p. ej. "
                             "90,30,7; se recibió 'soon'\n")
    app.config["TPCOURSE_REMINDER_DAYS"] = "30"
    app.config["MAIL_SERVER"] = None
    refused = runner.invoke(args=["reminders", "send"], env=SPANISH)
    assert refused.output == ("Error: Defina MAIL_SERVER (y MAIL_PORT, MAIL_FROM) para enviar "
                              "correo.\n")
    dry = runner.invoke(args=["reminders", "send", "--dry-run"], env=SPANISH)
    assert dry.output == ("Se enviarían 0 recordatorios, 0 con error (umbrales: 30 días).\n")
