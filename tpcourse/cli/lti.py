"""flask lti keys | rotate-key | pass-back: the tool's LTI keys, and resending scores."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from .common import now

lti_cli = AppGroup("lti", help="tpcourse as an LTI 1.3 tool: keys and grade passback.")


@lti_cli.command("keys")
def lti_keys() -> None:
    """Print the key set LMSs check the tool's signatures with (/lti/keys.json)."""
    from ..integrations.lti import keys

    click.echo(json.dumps(keys.key_set(current_app.config, now()), indent=2))


@lti_cli.command("rotate-key")
def lti_rotate_key() -> None:
    """Sign with a new RSA key from now on; the old one stays published for a while."""
    from ..integrations.lti import keys

    kid = keys.rotate(current_app.config, now())
    click.echo(ngettext("New LTI signing key %(kid)s. The previous key stays in /lti/keys.json "
                        "for %(num)d day.",
                        "New LTI signing key %(kid)s. The previous key stays in /lti/keys.json "
                        "for %(num)d days.", keys.KEEP_RETIRED_DAYS, kid=kid))


@lti_cli.command("pass-back")
@click.option("--link", "link_id", type=int, required=True, help="LMS link id (lti_links.id).")
@click.option("--user", "user_id", type=int, required=True, help="tpcourse user id.")
def lti_pass_back(link_id: int, user_id: int) -> None:
    """Send (again) a trainee's counting score on an LMS link, e.g. after the LMS was down."""
    from ..integrations.lti import grades

    sent = grades.pass_back(link_id, user_id, current_app.config, now())
    if sent is None:
        click.echo(_("Nothing new to send."))
        return
    click.echo(f"{sent.status}: {sent.score_given} / {sent.score_maximum} {sent.detail}".strip())
    if sent.status != "sent":
        raise SystemExit(1)
