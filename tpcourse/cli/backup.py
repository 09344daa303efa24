"""CLI commands: backup create / backup restore."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

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
    click.echo(f"Backed up to {path} ({path.stat().st_size:,} bytes).")


@backup_cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking first.")
def backup_restore(file: Path, yes: bool) -> None:
    """Replace the database's contents with FILE, then check the audit chain."""
    from ..extensions import db
    from ..services.errors import ServiceError
    from ..services.platform.backup import restore_backup

    if not yes:
        click.confirm(f"Replace everything in {db.engine.url.render_as_string()} "
                      f"with {file}?", abort=True)
    try:
        report = restore_backup(file)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    for table, count in sorted(report.counts.items()):
        click.echo(f"{table:<28} {count:>8}")
    if report.chain_break is not None:
        click.echo(f"Audit chain broken: {report.chain_break}", err=True)
        raise SystemExit(1)
    click.echo(f"Restored from {file}; the audit chain verifies "
               f"({report.counts.get('audit_events', 0)} events).")
