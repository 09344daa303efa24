"""CLI commands: quiz — import question banks into a quiz's draft, export quizzes and banks."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

BANK_FORMATS = ("gift", "moodle-xml", "aiken", "canvas", "qti21")
EXPORT_FORMATS = ("gift", "moodle-xml", "aiken", "qti21")
quiz_cli = AppGroup("quiz", help="Import question banks into quiz drafts; export quizzes.")


def _import(file: Path, fmt: str, slug: str, replace: bool, course: str | None,
            scoring: str = "source") -> None:
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
        outcome = import_bank_cli(slug, file.read_bytes(), fmt, replace, utcnow(), course,
                                  scoring)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    for problem in outcome.problems:
        inner = f"[{problem.source}]" if problem.source else ""
        click.echo(f"{file}{inner}:{problem.line}: {problem.severity}: {problem.message}")
    for path in outcome.files:
        click.echo(_("Saved image %(path)s (in the lessons folder): commit it with the quiz.",
                     path=path))
    if outcome.added:
        click.echo(ngettext("Added %(num)d question to the draft of '%(quiz)s': %(ids)s",
                            "Added %(num)d questions to the draft of '%(quiz)s': %(ids)s",
                            len(outcome.added), quiz=slug, ids=", ".join(outcome.added)))
        click.echo(_("Review and publish it in the studio (/author/quizzes/%(quiz)s); trainees "
                     "see nothing until then.", quiz=slug))
    for problem in outcome.draft_problems:
        click.echo(_("draft %(quiz)s: %(problem)s", quiz=slug, problem=problem.message),
                   err=True)
    if outcome.errors or not outcome.added:
        click.echo(_("Some questions were not imported.") if outcome.added
                   else _("Nothing was imported."), err=True)
        raise SystemExit(1)


@quiz_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(BANK_FORMATS), required=True)
@click.option("--quiz", "slug", required=True, help="Slug of the quiz whose draft gets them.")
@click.option("--replace", is_flag=True, help="Replace the draft's questions.")
@click.option("--course", default=None, help="Start a new quiz in this course if needed.")
@click.option("--scoring", type=click.Choice(("source", "platform")), default="source",
              show_default=True, help="Keep the bank's scoring, or use the platform's rules.")
def quiz_import(file: Path, fmt: str, slug: str, replace: bool, course: str | None,
                scoring: str) -> None:
    """Import a bank (GIFT, Moodle XML, Aiken, Canvas .zip, QTI 2.1) into a quiz's draft.

    Prints FILE:line for every problem, and each question whose scores differ from the source.
    """
    _import(file, fmt, slug, replace, course, scoring)


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
        click.echo(_("not exported: %(note)s", note=note), err=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if output is None and fmt == "qti21":
        raise click.ClickException(_("A QTI 2.1 package is a .zip: write it to a file with "
                                     "-o."))
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
    else:
        output.write_bytes(data)
        click.echo(_("Wrote %(file)s", file=output), err=True)


@quiz_cli.command("export")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(("yaml", *EXPORT_FORMATS)), default="yaml",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--draft", is_flag=True, help="Export the unpublished draft instead.")
def quiz_export(slug: str, fmt: str, output: Path | None, draft: bool) -> None:
    """Write a quiz as quizzes/<slug>.yaml (default) or as a GIFT, Moodle XML, Aiken or QTI 2.1
    bank (QTI is a .zip: give -o)."""
    _export(slug, fmt, output, draft)


@quiz_cli.command("export-gift")
@click.argument("slug")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--draft", is_flag=True, help="Export the unpublished draft instead.")
def quiz_export_gift(slug: str, output: Path | None, draft: bool) -> None:
    """Write a quiz's questions as GIFT (same as: quiz export --format gift)."""
    _export(slug, "gift", output, draft)
