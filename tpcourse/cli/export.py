"""flask export completions: a school's completion records, signed, to a file."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import ngettext

from .common import now

export_cli = AppGroup("export", help="Export completion records.")


@export_cli.command("completions")
@click.option("--school", "school_slug", required=True, help="Slug of the school.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xapi", "badges"]),
              default="csv", show_default=True)
@click.option("--cohort", default=None, help="Cohort id (see the school dashboard).")
@click.option("--course", default=None, help="Course slug.")
@click.option("--since", default=None, help="Completed on or after this date (YYYY-MM-DD).")
@click.option("--until", default=None, help="Completed on or before this date (YYYY-MM-DD).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write; FILE.sig.json is written beside it.")
def export_completions(school_slug, fmt, cohort, course, since, until, output) -> None:
    """Write a school's completion records, signed, to FILE and FILE.sig.json."""
    from ..services.errors import ServiceError
    from ..services.records import signing_keys
    from ..services.schools import exports, schools

    try:
        school = schools.school_by_slug(school_slug)
        where = exports.resolve_filter(school, cohort, course, exports.parse_bound(since),
                                       exports.parse_bound(until, end=True))
        export = exports.CompletionExport(
            school, fmt, where, "cli", "cli", now(), signing_keys.signing_key(current_app),
            current_app.config["TPCOURSE_SITE_URL"], name=output.name if output else None)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    output = output or Path(export.filename)
    with output.open("wb") as handle:
        for chunk in export.chunks():
            handle.write(chunk)
    signature = output.with_name(output.name + ".sig.json")
    signature.write_text(json.dumps(export.signature, indent=2) + "\n")
    click.echo(ngettext("Wrote %(num)d record to %(file)s and its signature to %(signature)s.",
                        "Wrote %(num)d records to %(file)s and its signature to "
                        "%(signature)s.", export.rows, file=output, signature=signature))
