"""flask records verify | keys: check a downloaded export offline; print the public keys."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..records.signing import public_key_to_pem
from .common import now, translated

records_cli = AppGroup("records", help="Check exported records offline; show the public keys.")


def _key_set(source: str | None) -> dict:
    """Load a JWK set from a URL, a file, or (by default) this site's own keys."""
    from ..services.records import signing_keys

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
    from ..services.schools.exports import verify_file

    sig_path = sig_path or file.with_name(file.name + ".sig.json")
    try:
        document = json.loads(sig_path.read_text()) if sig_path.exists() else None
        key_set = _key_set(keys_source)
    except (OSError, ValueError) as error:
        raise click.ClickException(_("Could not read the signature or keys: %(error)s",
                                     error=error)) from None
    report = verify_file(file, document, key_set, now())
    for note in report.notes:
        click.echo(_("note: %(note)s", note=translated(note)))
    for problem in report.problems:
        click.echo(_("FAILED: %(problem)s", problem=translated(problem)))
    if report.problems:
        raise SystemExit(1)
    if document:
        click.echo(_("OK: %(file)s is intact (signed %(signed_at)s, key %(kid)s).", file=file,
                     signed_at=document["signed_at"], kid=document["kid"]))
    else:
        click.echo(_("OK: %(file)s is intact.", file=file))


@records_cli.command("keys")
@click.option("--pem", is_flag=True, help="Print the public key as PEM (for openssl).")
def records_keys(pem: bool) -> None:
    """Print this installation's public JWK set (what /.well-known/tpcourse-keys.json serves)."""
    from ..services.records import signing_keys

    if pem:
        click.echo(public_key_to_pem(signing_keys.signing_key(current_app)), nl=False)
    else:
        click.echo(json.dumps(signing_keys.key_set(current_app), indent=2))
