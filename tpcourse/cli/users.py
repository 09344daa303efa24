"""flask users create | delete | purge-expired: accounts from the command line."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext, pgettext

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
    if generated:
        click.echo(_("Created %(role)s %(email)s with password %(password)s", role=user.role,
                     email=user.email, password=password))
    else:
        click.echo(_("Created %(role)s %(email)s", role=user.role, email=user.email))


@users_cli.command("delete")
@click.option("--email", required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def users_delete(email: str, yes: bool) -> None:
    """Delete an account; its completion records are kept for the retention period."""
    from ..services.accounts import retention
    from ..services.accounts.accounts import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(_("No account with email %(email)s.", email=email))
    days = retention.retention_days(current_app.config)
    if not yes:
        click.confirm(ngettext("Delete %(name)s <%(email)s>? Records stay for %(num)d day.",
                               "Delete %(name)s <%(email)s>? Records stay for %(num)d days.",
                               days, name=user.name, email=user.email), abort=True)
    until = retention.delete_account(user, "cli", now(), days)
    click.echo(_("Deleted account %(id)s; its records are kept until %(date)s.", id=user.id,
                 date=until.strftime("%Y-%m-%d")))


@users_cli.command("purge-expired")
def users_purge_expired() -> None:
    """Remove names from records of accounts deleted longer ago than the retention period,
    and forget browser sessions that ended long ago or outlived the remember-me cookie."""
    from ..services.accounts import retention, sessions

    count = retention.purge_expired(now(), retention.retention_days(current_app.config), "cli")
    click.echo(ngettext("Anonymised %(num)d deleted account past the retention period.",
                        "Anonymised %(num)d deleted accounts past the retention period.",
                        count))
    remember = current_app.config["REMEMBER_COOKIE_DURATION"].days
    removed = sessions.prune_sessions(now(), remember)
    click.echo(ngettext("Removed %(num)d old browser session.",
                        "Removed %(num)d old browser sessions.", removed))


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
        click.echo(_("note: %(note)s", note=note))
    for problem in plan.problems:
        click.echo(f"{file}: {problem}")
    for line in _plan_lines(plan.rows):
        click.echo(line)
    counts = {"create": plan.count(bulk_enrolment.CREATE),
              "enrol": plan.count(bulk_enrolment.ENROL),
              "done": plan.count(bulk_enrolment.UNCHANGED), "problems": len(plan.problems)}
    if dry_run:
        click.echo(_("Dry run: nothing changed. %(create)d to create, %(enrol)d to enrol, "
                     "%(done)d already done, %(problems)d with problems.", **counts))
    elif not plan.changes:
        click.echo(_("Nothing to change: %(create)d to create, %(enrol)d to enrol, "
                     "%(done)d already done, %(problems)d with problems.", **counts))
    else:
        result = bulk_enrolment.apply_enrolment(plan, school, "cli", now())
        click.echo(_("Created and invited %(created)d, enrolled %(enrolled)d, %(done)d already "
                     "done, %(skipped)d with problems left out.", created=result.created,
                     enrolled=result.enrolled, done=result.unchanged, skipped=result.skipped))
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
    raise NotFound(_("No live cohort '%(cohort)s' in %(school)s.", cohort=text,
                     school=school.name))


def _plan_lines(rows) -> list[str]:
    """One line per row of the plan: what happens to it (a column), who, and where to."""
    from ..services.schools import bulk_enrolment

    actions = {bulk_enrolment.CREATE: pgettext("enrolment plan", "create"),
               bulk_enrolment.ENROL: pgettext("enrolment plan", "enrol"),
               bulk_enrolment.UNCHANGED: pgettext("enrolment plan", "same")}
    width = max(map(len, actions.values())) + 1
    lines = []
    for row in rows:
        who = _("row %(row)s: %(name)s <%(email)s>", row=row.person.row, name=row.person.name,
                email=row.person.email)
        course = f" → {row.course_title}" if row.course_title else ""
        cohort = f" ({row.cohort.name})" if row.cohort else ""
        lines.append(f"{actions[row.action]:<{width}} {who}{course}{cohort}")
    return lines
