"""flask reminders send: email trainees before their certificates expire."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from .common import now

reminders_cli = AppGroup("reminders", help="Email trainees before their certificates expire.")


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send and record nothing.")
def reminders_send(dry_run: bool) -> None:
    """Send due renewal reminders (TPCOURSE_REMINDER_DAYS); never twice per threshold."""
    from ..services.certification.reminders import configured_thresholds, send_reminders

    try:
        thresholds = configured_thresholds()
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if not dry_run and not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException("Set MAIL_SERVER (and MAIL_PORT, MAIL_FROM) to send email.")
    run = send_reminders(now(), thresholds, dry_run=dry_run)
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
