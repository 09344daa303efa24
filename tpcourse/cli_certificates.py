"""CLI commands: renewal reminders, and re-issuing or revoking certificates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .models import utcnow

reminders_cli = AppGroup("reminders", help="Email trainees before their certificates expire.")
certificates_cli = AppGroup("certificates", help="Re-issue or revoke certificates.")


def _now() -> datetime:
    """The current time (tests set TPCOURSE_NOW to move it)."""
    clock = current_app.config.get("TPCOURSE_NOW")
    return clock() if clock else utcnow()


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send and record nothing.")
def reminders_send(dry_run: bool) -> None:
    """Send due renewal reminders (TPCOURSE_REMINDER_DAYS); never twice per threshold."""
    from .services.reminders import configured_thresholds, send_reminders

    try:
        thresholds = configured_thresholds()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if not dry_run and not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException("Set MAIL_SERVER (and MAIL_PORT, MAIL_FROM) to send email.")
    run = send_reminders(_now(), thresholds, dry_run=dry_run)
    verb = "would send" if dry_run else "sent"
    for reminder in run.sent:
        record = reminder.record
        click.echo(f"{verb}  {record.certificate_code}  {record.user.email}  "
                   f"{reminder.days_left} day(s) left  "
                   f"(threshold {', '.join(map(str, reminder.thresholds))})")
    for reminder, error in run.failed:
        click.echo(f"failed  {reminder.record.certificate_code}  {reminder.record.user.email}  "
                   f"{error}", err=True)
    click.echo(f"{len(run.sent)} reminder(s) {verb}, {len(run.failed)} failed "
               f"(thresholds: {', '.join(map(str, thresholds))} days).")
    if run.failed:
        raise SystemExit(1)


@certificates_cli.command("reissue")
@click.argument("code")
@click.option("--page-size", type=click.Choice(["A4", "Letter"], case_sensitive=False),
              default="A4", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="PDF file to write (default: certificate-CODE-SIZE.pdf here).")
def certificates_reissue(code: str, page_size: str, output: Path | None) -> None:
    """Write a certificate's PDF again, with the same code (logged in the audit trail)."""
    from .services.certificates import reissue
    from .services.errors import ServiceError

    try:
        record, pdf = reissue(code, page_size, _now())
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    output = output or Path(f"certificate-{record.certificate_code}-{page_size.lower()}.pdf")
    output.write_bytes(pdf)
    state = " (marked REVOKED)" if record.revoked_at else ""
    click.echo(f"Wrote {output} for {record.user.name}, {record.certificate_code}{state}.")


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why; kept with the record and in the audit log.")
def certificates_revoke(code: str, reason: str) -> None:
    """Revoke a certificate: its PDF, verification page and records then say revoked."""
    from .services.certificates import revoke
    from .services.errors import ServiceError

    try:
        record = revoke(None, code, reason, _now())
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Revoked {record.certificate_code} ({record.user.name}).")


def register(app: Flask) -> None:
    """Attach this module's commands to the app's CLI."""
    app.cli.add_command(reminders_cli)
    app.cli.add_command(certificates_cli)
