"""flask audit verify | seal | checkpoint: the hash-chained audit log."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..records.audit_chain import sign_checkpoint, verify_chain, verify_checkpoint

audit_cli = AppGroup("audit", help="Check the hash-chained audit log.")


@audit_cli.command("verify")
@click.option("--checkpoint", "checkpoints", multiple=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A signed checkpoint kept outside the database (repeatable).")
def audit_verify(checkpoints: tuple[Path, ...]) -> None:
    """Check the audit chain; print OK, or name the first broken entry and exit 1."""
    from ..services.records import signing_keys
    from ..services.records.audit import stored_entries, waiting_count

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
    from ..services.records.audit import seal_pending

    click.echo(f"Chained {seal_pending()} waiting event(s).")


@audit_cli.command("checkpoint")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the checkpoint here (default: print it).")
def audit_checkpoint(output: Path | None) -> None:
    """Sign the chain's current head, to keep outside the database as an anchor."""
    from ..services.records import signing_keys
    from ..services.records.audit import stored_entries

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
