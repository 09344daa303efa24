"""flask content check | stats | sync | translations: validate lesson and quiz files and
their translations, load them as versions. What the commands say is translated; the problems
they list are for course authors and stay in English (docs/translations.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from ..content.loader import check_content
from .common import content_folders, content_locales

content_cli = AppGroup("content", help="Check and load lesson and quiz files.")


@content_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def content_check(paths: tuple[Path, ...]) -> None:
    """Validate lesson and quiz files; print path:line: message per problem and warning,
    and per locale how many translations are current."""
    lessons_dir, quizzes_dir = content_folders()
    found, summaries = check_content(list(paths), lessons_dir, quizzes_dir, content_locales())
    for problem in found:
        click.echo(str(problem))
    for line in summaries:
        click.echo(f"Translations {line}")
    errors = [p for p in found if not p.warning]
    if errors:
        click.echo(ngettext("%(num)d problem found.", "%(num)d problems found.", len(errors)),
                   err=True)
        raise SystemExit(1)
    click.echo(_("All content files are valid."))
    if len(found) > len(errors):
        click.echo(ngettext("%(num)d warning above for a reviewer to look at.",
                            "%(num)d warnings above for a reviewer to look at.",
                            len(found) - len(errors)))


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
        click.echo(_("Nothing was loaded: fix the problems above first."), err=True)
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
        click.echo(_("No quiz '%(quiz)s' in %(folder)s.", quiz=quiz, folder=quizzes_dir), err=True)
        raise SystemExit(1)
    written = write_overlays(content.quizzes, lessons_dir / ASSETS, output, quiz)
    for path in written:
        click.echo(str(path))
    click.echo(ngettext("%(num)d hotspot question drawn; open %(index)s to review it.",
                        "%(num)d hotspot questions drawn; open %(index)s to review them.",
                        len(written) - 1, index=written[-1]))


translations_cli = AppGroup("translations", help="Report and stamp translated content.")
content_cli.add_command(translations_cli)


@translations_cli.command("status")
@click.argument("locale", required=False)
def translations_status(locale: str | None) -> None:
    """Print the state of each translation file: current, stale, not stamped, missing."""
    from ..content.loader import load_content
    from ..content.translation_set import locale_summaries

    locales = (locale,) if locale else content_locales()
    content = load_content(*content_folders(), locales=locales)
    states = [s for s in content.translation_states if s.locale in locales]
    width = max((len(s.state) for s in states), default=0)
    for state in states:
        detail = f"  ({state.detail})" if state.detail else ""
        click.echo(f"{state.state:<{width}}  {state.locale}  {state.path}{detail}")
    for line in locale_summaries(states):
        click.echo(line)


@translations_cli.command("stamp")
@click.argument("locale")
def translations_stamp(locale: str) -> None:
    """Write the source's fingerprint into every LOCALE translation file (after checking it)."""
    from ..content.loader import load_content
    from ..content.translations import stamp_text

    content = load_content(*content_folders(), locales=(locale,))
    broken = {p.path for p in content.problems}
    stamped = 0
    for translation in (t for t in content.translations if t.locale == locale):
        if translation.path in broken:
            click.echo(_("skipped  %(path)s: fix its problems first", path=translation.path),
                       err=True)
            continue
        path = Path(translation.path)
        before = path.read_bytes().decode("utf-8")  # line ends kept as they are
        text = stamp_text(before, translation.parts.values())
        if text != before:
            path.write_bytes(text.encode("utf-8"))
            click.echo(_("stamped  %(path)s", path=translation.path))
            stamped += 1
    click.echo(ngettext("%(num)d file stamped for %(locale)s.",
                        "%(num)d files stamped for %(locale)s.", stamped, locale=locale))
    if broken & {t.path for t in content.translations if t.locale == locale}:
        raise SystemExit(1)
