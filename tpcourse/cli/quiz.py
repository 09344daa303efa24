"""CLI commands: quiz — import question banks into a quiz's draft, export quizzes and banks."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

BANK_FORMATS = ("gift", "moodle-xml", "aiken")
quiz_cli = AppGroup("quiz", help="Import question banks into quiz drafts; export quizzes.")


def _import(file: Path, fmt: str, slug: str, replace: bool, course: str | None) -> None:
    from ..banks import MAX_BANK_BYTES
    from ..banks.model import too_big
    from ..models import utcnow
    from ..services.authoring.bank_import import import_bank_cli
    from ..services.errors import ServiceError

    size = file.stat().st_size
    if size > MAX_BANK_BYTES:
        click.echo(f"{file}:1: {too_big(size).problems[0].message}")
        raise SystemExit(1)
    try:
        outcome = import_bank_cli(slug, file.read_bytes(), fmt, replace, utcnow(), course)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    for problem in outcome.problems:
        click.echo(f"{file}:{problem.line}: {problem.severity}: {problem.message}")
    if outcome.added:
        click.echo(f"Added {len(outcome.added)} question(s) to the draft of '{slug}': "
                   f"{', '.join(outcome.added)}")
        click.echo("Review and publish it in the studio (/author/quizzes/"
                   f"{slug}); trainees see nothing until then.")
    for problem in outcome.draft_problems:
        click.echo(f"draft {slug}: {problem.message}", err=True)
    if outcome.errors or not outcome.added:
        click.echo("Some questions were not imported." if outcome.added
                   else "Nothing was imported.", err=True)
        raise SystemExit(1)


@quiz_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(BANK_FORMATS), required=True)
@click.option("--quiz", "slug", required=True, help="Slug of the quiz whose draft gets them.")
@click.option("--replace", is_flag=True, help="Replace the draft's questions.")
@click.option("--course", default=None, help="Start a new quiz in this course if needed.")
def quiz_import(file: Path, fmt: str, slug: str, replace: bool, course: str | None) -> None:
    """Import a GIFT, Moodle XML or Aiken file into a quiz's draft; print FILE:line problems."""
    _import(file, fmt, slug, replace, course)


@quiz_cli.command("import-gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--quiz", "slug", required=True, help="Slug of the quiz whose draft gets them.")
@click.option("--replace", is_flag=True, help="Replace the draft's questions.")
@click.option("--course", default=None, help="Start a new quiz in this course if needed.")
def quiz_import_gift(file: Path, slug: str, replace: bool, course: str | None) -> None:
    """Import a GIFT file into a quiz's draft (same as: quiz import --format gift)."""
    _import(file, "gift", slug, replace, course)


def _export(slug: str, fmt: str, output: Path | None, draft: bool) -> None:
    from ..services.authoring.bank_import import export_bank, export_quiz_file
    from ..services.authoring.quizzes import load_workspace
    from ..services.errors import ServiceError

    try:
        ws = load_workspace(slug)
        if fmt == "yaml":
            content, notes = export_quiz_file(ws, draft)[1], []
        else:
            bank = export_bank(ws, fmt, draft)[1]
            content, notes = bank.content, bank.notes
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    for note in notes:
        click.echo(f"not exported: {note}", err=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {output}", err=True)


@quiz_cli.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(("yaml", *BANK_FORMATS)), default="yaml",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--draft", is_flag=True, help="Export the unpublished draft instead.")
def quiz_export(slug: str, fmt: str, output: Path | None, draft: bool) -> None:
    """Write a quiz as quizzes/<slug>.yaml (default) or as a GIFT, Moodle XML or Aiken bank."""
    _export(slug, fmt, output, draft)


@quiz_cli.command("export-gift")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--draft", is_flag=True, help="Export the unpublished draft instead.")
def quiz_export_gift(slug: str, output: Path | None, draft: bool) -> None:
    """Write a quiz's questions as GIFT (same as: quiz export --format gift)."""
    _export(slug, "gift", output, draft)
