"""CLI commands: backup create / backup restore."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import format_number, ngettext
from flask_babel import gettext as _

from .common import translated

backup_cli = AppGroup("backup", help="Back up the database, or restore it from a backup.")


@backup_cli.command("create")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Backup file to write (default: tpcourse-backup-<UTC time> here).")
def backup_create(output: Path | None) -> None:
    """Write a consistent snapshot of the database while the site keeps running."""
    from ..models import utcnow
    from ..services.errors import ServiceError
    from ..services.platform.backup import create_backup, default_backup_name

    try:
        path = create_backup(output or default_backup_name(utcnow()))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    size = path.stat().st_size
    click.echo(ngettext("Backed up to %(file)s (%(size)s byte).",
                        "Backed up to %(file)s (%(size)s bytes).", size, file=path,
                        size=format_number(size)))


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking first.")
def backup_restore(file: Path, yes: bool) -> None:
    """Replace the database's contents with FILE, then check the audit chain."""
    from ..extensions import db
    from ..services.errors import ServiceError
    from ..services.platform.backup import restore_backup

    if not yes:
        click.confirm(_("Replace everything in %(database)s with %(file)s?",
                        database=db.engine.url.render_as_string(), file=file), abort=True)
    try:
        report = restore_backup(file)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    for table, count in sorted(report.counts.items()):
        click.echo(f"{table:<28} {count:>8}")
    if report.chain_break is not None:
        click.echo(_("Audit chain broken: %(reason)s",
                     reason=translated(report.chain_break.reason)), err=True)
        raise SystemExit(1)
    click.echo(ngettext("Restored from %(file)s; the audit chain verifies (%(num)d event).",
                        "Restored from %(file)s; the audit chain verifies (%(num)d events).",
                        report.counts.get("audit_events", 0), file=file))
