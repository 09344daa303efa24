"""flask reminders send: email trainees before their certificates expire."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

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
        raise click.ClickException(_("Set MAIL_SERVER (and MAIL_PORT, MAIL_FROM) to send "
                                     "email."))
    run = send_reminders(now(), thresholds, dry_run=dry_run)
    for reminder in run.sent:
        click.echo(_reminder_line(reminder, dry_run))
    for reminder, error in run.failed:
        click.echo(_("failed  %(code)s  %(email)s  %(error)s",
                     code=reminder.record.certificate_code, email=reminder.record.user.email,
                     error=error), err=True)
    click.echo(_summary(len(run.sent), len(run.failed), thresholds, dry_run))
    if run.failed:
        raise SystemExit(1)


def _reminder_line(reminder, dry_run: bool) -> str:
    """One reminder sent (or, in a dry run, that would be): certificate, email, days left."""
    values = {"code": reminder.record.certificate_code, "email": reminder.record.user.email,
              "thresholds": ", ".join(map(str, reminder.thresholds))}
    if dry_run:
        return ngettext("would send  %(code)s  %(email)s  %(num)d day left  "
                        "(threshold %(thresholds)s)",
                        "would send  %(code)s  %(email)s  %(num)d days left  "
                        "(threshold %(thresholds)s)", reminder.days_left, **values)
    return ngettext("sent  %(code)s  %(email)s  %(num)d day left  (threshold %(thresholds)s)",
                    "sent  %(code)s  %(email)s  %(num)d days left  (threshold %(thresholds)s)",
                    reminder.days_left, **values)


def _summary(sent: int, failed: int, thresholds: list[int], dry_run: bool) -> str:
    """The closing line: how many reminders went (or would go), how many failed."""
    values = {"failed": failed, "thresholds": ", ".join(map(str, thresholds))}
    if dry_run:
        return ngettext("%(num)d reminder would send, %(failed)d failed "
                        "(thresholds: %(thresholds)s days).",
                        "%(num)d reminders would send, %(failed)d failed "
                        "(thresholds: %(thresholds)s days).", sent, **values)
    return ngettext("%(num)d reminder sent, %(failed)d failed (thresholds: %(thresholds)s days).",
                    "%(num)d reminders sent, %(failed)d failed (thresholds: %(thresholds)s "
                    "days).", sent, **values)
