"""flask users create | delete | purge-expired: accounts from the command line."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..models import ROLES
from .common import now

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(ROLES), default="trainee", show_default=True)
@click.option("--name", default=None, help="Full name; defaults to the part before the @.")
@click.option("--school", "school_slug", default=None, help="Slug of the user's school.")
@click.option("--password", default=None, help="Omit to generate one and print it.")
def users_create(email: str, role: str, name: str | None, school_slug: str | None,
                 password: str | None) -> None:
    """Create an account of any role."""
    from ..services.accounts.accounts import create_user
    from ..services.errors import ServiceError

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user = create_user(email, name or email.split("@")[0], password, role, school_slug)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Created {user.role} {user.email}" + (f" with password {password}"
                                                       if generated else ""))


@users_cli.command("delete")
@click.option("--email", required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def users_delete(email: str, yes: bool) -> None:
    """Delete an account; its completion records are kept for the retention period."""
    from ..services.accounts import retention
    from ..services.accounts.accounts import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with email {email}.")
    days = retention.retention_days(current_app.config)
    if not yes:
        click.confirm(f"Delete {user.name} <{user.email}>? Records stay for {days} days.",
                      abort=True)
    until = retention.delete_account(user, "cli", now(), days)
    click.echo(f"Deleted account {user.id}; its records are kept until {until:%Y-%m-%d}.")


@users_cli.command("purge-expired")
def users_purge_expired() -> None:
    """Remove names from records of accounts deleted longer ago than the retention period,
    and forget browser sessions that ended long ago or outlived the remember-me cookie."""
    from ..services.accounts import retention, sessions

    count = retention.purge_expired(now(), retention.retention_days(current_app.config), "cli")
    click.echo(f"Anonymised {count} deleted account(s) past the retention period.")
    remember = current_app.config["REMEMBER_COOKIE_DURATION"].days
    click.echo(f"Removed {sessions.prune_sessions(now(), remember)} old browser session(s).")


@users_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school", "school_slug", required=True, help="Slug of the school.")
@click.option("--cohort", default=None, help="Cohort (id or name) for rows that name none.")
@click.option("--dry-run", is_flag=True, help="Say what would happen; change nothing.")
def users_import(file: Path, school_slug: str, cohort: str | None, dry_run: bool) -> None:
    """Enrol a class from a CSV (name, email[, cohort][, course]); new accounts are invited."""
    from ..services.errors import ServiceError
    from ..services.schools import bulk_enrolment, schools

    try:
        school = schools.school_by_slug(school_slug)
        chosen = _cli_cohort(school, cohort) if cohort else None
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    plan = bulk_enrolment.plan_enrolment(school, file.read_bytes(), chosen)
    for note in plan.notes:
        click.echo(f"note: {note}")
    for problem in plan.problems:
        click.echo(f"{file}: {problem}")
    words = {bulk_enrolment.CREATE: "create", bulk_enrolment.ENROL: "enrol",
             bulk_enrolment.UNCHANGED: "same"}
    for row in plan.rows:
        click.echo(f"{words[row.action]:<7} row {row.person.row}: {row.person.name} "
                   f"<{row.person.email}>" + (f" → {row.course_title}" if row.course_title else "")
                   + (f" ({row.cohort.name})" if row.cohort else ""))
    if dry_run or not plan.changes:
        click.echo(("Dry run: nothing changed. " if dry_run else "Nothing to change: ")
                   + f"{plan.count(bulk_enrolment.CREATE)} to create, "
                   f"{plan.count(bulk_enrolment.ENROL)} to enrol, "
                   f"{plan.count(bulk_enrolment.UNCHANGED)} already done, "
                   f"{len(plan.problems)} with problems.")
    else:

        result = bulk_enrolment.apply_enrolment(plan, school, "cli", now())
        click.echo(f"Created and invited {result.created}, enrolled {result.enrolled}, "
                   f"{result.unchanged} already done, {result.skipped} with problems left out.")
    if plan.problems:
        raise SystemExit(1)


def _cli_cohort(school, text: str):
    from ..inputs import ascii_int
    from ..services.errors import NotFound
    from ..services.schools import cohorts

    cohort_id = ascii_int(text)
    if cohort_id is not None:
        return cohorts.get_cohort(school, cohort_id)
    for summary in cohorts.cohorts_of(school, include_archived=False):
        if summary.cohort.name.lower() == text.strip().lower():
            return summary.cohort
    raise NotFound(f"No live cohort '{text}' in {school.name}.")
