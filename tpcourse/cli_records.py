"""CLI commands: export completions, verify exports and the audit chain, delete accounts."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .models import utcnow
from .records.audit_chain import sign_checkpoint, verify_chain, verify_checkpoint
from .records.signing import public_key_to_pem


def _now():
    """The current time, or the app's test clock (TPCOURSE_NOW) when one is set."""
    clock = current_app.config.get("TPCOURSE_NOW")
    return clock() if clock else utcnow()


export_cli = AppGroup("export", help="Export completion records.")
records_cli = AppGroup("records", help="Check exported records offline; show the public keys.")
audit_cli = AppGroup("audit", help="Check the hash-chained audit log.")


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
    from .services import exports, schools, signing_keys
    from .services.errors import ServiceError

    try:
        school = schools.school_by_slug(school_slug)
        where = exports.resolve_filter(school, cohort, course, exports.parse_bound(since),
                                       exports.parse_bound(until, end=True))
        export = exports.CompletionExport(
            school, fmt, where, "cli", "cli", _now(), signing_keys.signing_key(current_app),
            current_app.config["TPCOURSE_SITE_URL"], name=output.name if output else None)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    output = output or Path(export.filename)
    with output.open("wb") as handle:
        for chunk in export.chunks():
            handle.write(chunk)
    signature = output.with_name(output.name + ".sig.json")
    signature.write_text(json.dumps(export.signature, indent=2) + "\n")
    click.echo(f"Wrote {export.rows} record(s) to {output} and its signature to {signature}.")


def _key_set(source: str | None) -> dict:
    """Load a JWK set from a URL, a file, or (by default) this site's own keys."""
    from .services import signing_keys

    if not source:
        return signing_keys.key_set(current_app)
    if source.startswith(("https://", "http://")):
        with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310 (http(s) only)
            return json.load(response)
    return json.loads(Path(source).read_text())


@records_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--sig", "sig_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Signature document (default: FILE.sig.json).")
@click.option("--keys", "keys_source", default=None,
              help="JWK set: a URL such as https://site/.well-known/tpcourse-keys.json, or a "
                   "file. Default: this installation's keys.")
def records_verify(file: Path, sig_path: Path | None, keys_source: str | None) -> None:
    """Check a downloaded export against its signature; exit 1 naming what fails."""
    from .services.exports import verify_file

    sig_path = sig_path or file.with_name(file.name + ".sig.json")
    try:
        document = json.loads(sig_path.read_text()) if sig_path.exists() else None
        key_set = _key_set(keys_source)
    except (OSError, ValueError) as error:
        raise click.ClickException(f"Could not read the signature or keys: {error}") from None
    report = verify_file(file, document, key_set, _now())
    for note in report.notes:
        click.echo(f"note: {note}")
    for problem in report.problems:
        click.echo(f"FAILED: {problem}")
    if report.problems:
        raise SystemExit(1)
    signed = f" (signed {document['signed_at']}, key {document['kid']})" if document else ""
    click.echo(f"OK: {file} is intact{signed}.")


@records_cli.command("keys")
@click.option("--pem", is_flag=True, help="Print the public key as PEM (for openssl).")
def records_keys(pem: bool) -> None:
    """Print this installation's public JWK set (what /.well-known/tpcourse-keys.json serves)."""
    from .services import signing_keys

    if pem:
        click.echo(public_key_to_pem(signing_keys.signing_key(current_app)), nl=False)
    else:
        click.echo(json.dumps(signing_keys.key_set(current_app), indent=2))


@audit_cli.command("verify")
@click.option("--checkpoint", "checkpoints", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A signed checkpoint kept outside the database (repeatable).")
def audit_verify(checkpoints: tuple[Path, ...]) -> None:
    """Check the audit chain; print OK, or name the first broken entry and exit 1."""
    from .services import signing_keys
    from .services.audit import stored_entries, waiting_count

    anchors = {}
    for path in checkpoints:
        checkpoint = json.loads(path.read_text())
        problems = verify_checkpoint(checkpoint, signing_keys.key_set(current_app))
        if problems:
            click.echo(f"BROKEN: checkpoint {path}: {'; '.join(problems)}")
            raise SystemExit(1)
        anchors[int(checkpoint["seq"])] = checkpoint["hash"]
    counted = {"entries": 0, "last": None}

    def counting():
        for entry in stored_entries():
            counted["entries"] += 1
            counted["last"] = entry
            yield entry

    broken = verify_chain(counting(), anchors=anchors)
    if broken is not None:
        click.echo(f"BROKEN at entry {broken.seq}: {broken.reason}")
        raise SystemExit(1)
    last = counted["last"]
    head = f"; head is entry {last.seq}, hash {last.hash}" if last else ""
    click.echo(f"OK: {counted['entries']} audit entries, chain intact{head}.")
    waiting = waiting_count()
    if waiting:
        click.echo(f"{waiting} recorded event(s) wait to be chained (the app's sealer does it "
                   "moments after they are recorded; `flask audit seal` does it now).")


@audit_cli.command("seal")
def audit_seal() -> None:
    """Chain the recorded events that wait in the queue (grades), oldest first."""
    from .services.audit import seal_pending

    click.echo(f"Chained {seal_pending()} waiting event(s).")


@audit_cli.command("checkpoint")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the checkpoint here (default: print it).")
def audit_checkpoint(output: Path | None) -> None:
    """Sign the chain's current head, to keep outside the database as an anchor."""
    from .services import signing_keys
    from .services.audit import stored_entries

    last = None
    for last in stored_entries():  # noqa: B007 (we want the final entry)
        pass
    if last is None:
        raise click.ClickException("The audit log is empty: nothing to checkpoint yet.")
    text = json.dumps(sign_checkpoint(last, signing_keys.signing_key(current_app)), indent=2)
    if output:
        output.write_text(text + "\n")
        click.echo(f"Checkpoint of entry {last.seq} written to {output}.")
    else:
        click.echo(text)


@click.command("delete")
@click.option("--email", required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def users_delete(email: str, yes: bool) -> None:
    """Delete an account; its completion records are kept for the retention period."""
    from .services import retention
    from .services.accounts import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with email {email}.")
    days = retention.retention_days(current_app.config)
    if not yes:
        click.confirm(f"Delete {user.name} <{user.email}>? Records stay for {days} days.",
                      abort=True)
    until = retention.delete_account(user, "cli", _now(), days)
    click.echo(f"Deleted account {user.id}; its records are kept until {until:%Y-%m-%d}.")


@click.command("purge-expired")
def users_purge_expired() -> None:
    """Remove names from records of accounts deleted longer ago than the retention period."""
    from .services import retention

    count = retention.purge_expired(_now(), retention.retention_days(current_app.config), "cli")
    click.echo(f"Anonymised {count} deleted account(s) past the retention period.")


def register(app: Flask) -> None:
    """Attach this module's commands to the app's CLI."""
    for group in (export_cli, records_cli, audit_cli):
        app.cli.add_command(group)
    users = app.cli.commands.get("users")
    if users is not None:  # the `users` group lives in cli.py; add our commands to it
        users.add_command(users_delete)
        users.add_command(users_purge_expired)
