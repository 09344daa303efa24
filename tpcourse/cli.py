"""flask CLI commands: thin calls into services."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from werkzeug.serving import run_simple

from .content.loader import check_paths
from .models import ROLES

content_cli = AppGroup("content", help="Check and load lesson and quiz files.")
users_cli = AppGroup("users", help="Manage accounts.")


def _folders() -> tuple[Path, Path]:
    return (Path(current_app.config["TPCOURSE_LESSONS_DIR"]),
            Path(current_app.config["TPCOURSE_QUIZZES_DIR"]))


@content_cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def content_check(paths: tuple[Path, ...]) -> None:
    """Validate lesson and quiz files; print path:line: message per problem."""
    lessons_dir, quizzes_dir = _folders()
    problems = check_paths(list(paths), lessons_dir, quizzes_dir)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo("All content files are valid.")


@content_cli.command("stats")
def content_stats() -> None:
    """Print per-course statistics; exit 1 if an objective is under-covered or unexplained."""
    from .content.loader import load_content
    from .content.stats import course_stats, format_stats

    content = load_content(*_folders())
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
    from .services.content_sync import ContentInvalid, sync_from_folders

    try:
        report = sync_from_folders(*_folders())
    except ContentInvalid as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        click.echo("Nothing was loaded: fix the problems above first.", err=True)
        raise SystemExit(1) from None
    for line in report.created:
        click.echo(f"new  {line}")
    for line in report.unchanged:
        click.echo(f"same {line}")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), default="trainee", show_default=True)
@click.option("--name", default=None, help="Full name; defaults to the part before the @.")
@click.option("--school", "school_slug", default=None, help="Slug of the user's school.")
@click.option("--password", default=None, help="Omit to generate one and print it.")
def users_create(email: str, role: str, name: str | None, school_slug: str | None,
                 password: str | None) -> None:
    """Create an account of any role."""
    from .services.accounts import create_user
    from .services.errors import ServiceError

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = create_user(email, name or email.split("@")[0], password, role, school_slug)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {user.role} {user.email}" + (f" with password {password}"
                                                       if generated else ""))


@click.command("demo")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Set everything up but don't start the server.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """Create/upgrade the database, load the course, create demo accounts and serve."""
    from .services.demo import prepare_demo

    accounts = prepare_demo(*_folders())
    click.echo("\nDemo accounts (saved in the instance folder as demo-accounts.txt):")
    for role, email, password in accounts:
        click.echo(f"  {role:<13} {email:<32} {password}")
    if no_serve:
        return
    click.echo(f"\nServing on http://{host}:{port}/ — press Ctrl+C to stop.")
    # The demo serves plain HTTP on localhost, where Secure cookies would not be sent back.
    current_app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    # app.run() refuses to start inside the `flask` CLI, so serve with werkzeug directly.
    run_simple(host, port, current_app._get_current_object(), threaded=True)


def register_commands(app: Flask) -> None:
    """Attach every command group to the app's CLI."""
    from . import cli_backup, cli_certificates, cli_quiz, cli_records

    app.cli.add_command(content_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo)
    for module in (cli_records, cli_certificates, cli_quiz, cli_backup):
        module.register(app)
