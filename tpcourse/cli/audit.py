"""flask audit verify | seal | checkpoint: the hash-chained audit log."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from ..records.audit_chain import sign_checkpoint, verify_chain, verify_checkpoint
from .common import translated

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
            click.echo(_("BROKEN: checkpoint %(path)s: %(problems)s", path=path,
                         problems="; ".join(map(translated, problems))))
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
        click.echo(_("BROKEN at entry %(seq)s: %(reason)s", seq=broken.seq,
                     reason=translated(broken.reason)))
        raise SystemExit(1)
    click.echo(_chain_intact(counted["entries"], counted["last"]))
    waiting = waiting_count()
    if waiting:
        click.echo(ngettext(
            "%(num)d recorded event waits to be chained (the app's sealer does it moments "
            "after it is recorded; `flask audit seal` does it now).",
            "%(num)d recorded events wait to be chained (the app's sealer does it moments "
            "after they are recorded; `flask audit seal` does it now).", waiting))


def _chain_intact(entries: int, last) -> str:
    """The sentence saying the chain verifies: how many entries, and its head if any."""
    if last is None:
        return ngettext("OK: %(num)d audit entry, chain intact.",
                        "OK: %(num)d audit entries, chain intact.", entries)
    return ngettext("OK: %(num)d audit entry, chain intact; head is entry %(seq)s, "
                    "hash %(hash)s.",
                    "OK: %(num)d audit entries, chain intact; head is entry %(seq)s, "
                    "hash %(hash)s.", entries, seq=last.seq, hash=last.hash)


@audit_cli.command("seal")
def audit_seal() -> None:
    """Chain the recorded events that wait in the queue (grades), oldest first."""
    from ..services.records.audit import seal_pending

    chained = seal_pending()
    click.echo(ngettext("Chained %(num)d waiting event.", "Chained %(num)d waiting events.",
                        chained))


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
        raise click.ClickException(_("The audit log is empty: nothing to checkpoint yet."))
    text = json.dumps(sign_checkpoint(last, signing_keys.signing_key(current_app)), indent=2)
    if output:
        output.write_text(text + "\n")
        click.echo(_("Checkpoint of entry %(seq)s written to %(file)s.", seq=last.seq,
                     file=output))
    else:
        click.echo(text)
