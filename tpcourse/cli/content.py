"""flask content check | stats | sync: validate lesson and quiz files, load them as versions."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..content.loader import check_paths
from .common import content_folders

content_cli = AppGroup("content", help="Check and load lesson and quiz files.")


@content_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def content_check(paths: tuple[Path, ...]) -> None:
    """Validate lesson and quiz files; print path:line: message per problem and warning."""
    lessons_dir, quizzes_dir = content_folders()
    found = check_paths(list(paths), lessons_dir, quizzes_dir)
    for problem in found:
        click.echo(str(problem))
    errors = [p for p in found if not p.warning]
    if errors:
        click.echo(f"{len(errors)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo("All content files are valid.")
    if len(found) > len(errors):
        click.echo(f"{len(found) - len(errors)} warning(s) above for a reviewer to look at.")


@content_cli.command("stats")
def content_stats() -> None:
    """Print per-course statistics; exit 1 if an objective is under-covered or unexplained."""
    from ..content.loader import load_content
    from ..content.stats import course_stats, format_stats

    content = load_content(*content_folders())
    for problem in content.problems:
        click.echo(str(problem), err=True)
    all_stats = course_stats(content)
    for stats in all_stats:
        for line in format_stats(stats):
            click.echo(line)
    if content.problems or not all(stats.ok for stats in all_stats):
        raise SystemExit(1)


@content_cli.command("sync")
def content_sync() -> None:
    """Load lessons/ and quizzes/ into the database as new versions where they changed."""
    from ..services.authoring.content_sync import ContentInvalid, sync_from_folders

    try:
        report = sync_from_folders(*content_folders())
    except ContentInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        click.echo("Nothing was loaded: fix the problems above first.", err=True)
        raise SystemExit(1) from None
    for line in report.created:
        click.echo(f"new  {line}")
    for line in report.unchanged:
        click.echo(f"same {line}")


@content_cli.command("regions")
@click.argument("quiz", required=False)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("regions"),
              show_default=True, help="Folder to write the overlays and index.html into.")
def content_regions(quiz: str | None, output: Path) -> None:
    """Draw every hotspot question's regions over its drawing (one SVG each), for a reviewer."""
    from ..content.loader import ASSETS, load_content
    from ..content.overlay import write_overlays

    lessons_dir, quizzes_dir = content_folders()
    content = load_content(lessons_dir, quizzes_dir)
    if quiz and quiz not in content.quizzes:
        click.echo(f"No quiz '{quiz}' in {quizzes_dir}.", err=True)
        raise SystemExit(1)
    written = write_overlays(content.quizzes, lessons_dir / ASSETS, output, quiz)
    for path in written:
        click.echo(str(path))
    click.echo(f"{len(written) - 1} hotspot question(s) drawn; open {written[-1]} to review them.")
