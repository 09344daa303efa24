"""flask courses export | add-instructor | remove-instructor: courses from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from .common import now

courses_cli = AppGroup("courses", help="Export courses and choose their instructors.")


@courses_cli.command("export")
@click.argument("slug")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Zip file to write (default: SLUG.zip).")
def courses_export(slug: str, output: Path | None) -> None:
    """Write the course's current version as a zip of lessons/ and quizzes/ files."""
    from ..services.authoring.course_publish import course_export
    from ..services.authoring.courses import command_line_workspace
    from ..services.errors import ServiceError

    try:
        name, blob = course_export(command_line_workspace(slug))
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    target = output or Path(name)
    target.write_bytes(blob)
    click.echo(ngettext("Wrote %(file)s (%(num)d byte): unzip it and run `content check` on it.",
                        "Wrote %(file)s (%(num)d bytes): unzip it and run `content check` on "
                        "it.", len(blob), file=target))


@courses_cli.command("add-instructor")
@click.argument("slug")
@click.argument("email")
def courses_add_instructor(slug: str, email: str) -> None:
    """Make the instructor with this email an instructor of the course."""
    from ..services.authoring.instructors import assign_instructor
    from ..services.errors import ServiceError

    try:
        user = assign_instructor(None, slug, email, now())
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(_("%(email)s now teaches %(course)s.", email=user.email, course=slug))


@courses_cli.command("remove-instructor")
@click.argument("slug")
@click.argument("email")
def courses_remove_instructor(slug: str, email: str) -> None:
    """Stop the instructor with this email teaching the course."""
    from ..services.authoring.instructors import remove_instructor
    from ..services.errors import ServiceError

    try:
        user = remove_instructor(None, slug, email, now())
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(_("%(email)s no longer teaches %(course)s.", email=user.email, course=slug))
