"""flask demo: set up the demo school and course, print the accounts, and serve."""

from __future__ import annotations

import logging
import os

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from werkzeug.serving import run_simple

from .common import content_folders


@click.command("demo")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Set everything up but don't start the server.")
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Create/upgrade the database, load the course, create demo accounts and serve.

    Links the site prints or embeds (emails, certificate QR codes, exports, badges) use the
    demo's own address unless TPCOURSE_SITE_URL is set.
    """
    from ..services.notifications.mail import uses_outbox
    from ..services.platform.demo import prepare_demo

    address = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    if not os.environ.get("TPCOURSE_SITE_URL"):
        current_app.config["TPCOURSE_SITE_URL"] = address
    mail_log = logging.getLogger("tpcourse.services.notifications.mail")
    level = mail_log.level
    mail_log.setLevel(logging.ERROR)  # the demo class's emails: summed up below, not one by one
    try:
        accounts = prepare_demo(*content_folders())
    finally:
        mail_log.setLevel(level)
    click.echo()
    click.echo(_("Demo accounts (saved in the instance folder as demo-accounts.txt):"))
    for role, email, password in accounts:
        click.echo(f"  {role:<13} {email:<32} {password}")
    click.echo()
    click.echo(_("The demo school's class (log in as the school admin to see the dashboard) "
                 "has a dozen trainees at different stages; their accounts have no password."))
    if uses_outbox():
        click.echo(_("Email is not sent (no MAIL_SERVER): read it at %(address)s/admin/outbox "
                     "as the admin, or in the instance folder's outbox/.", address=address))
    if no_serve:
        return
    click.echo()
    click.echo(_("Serving on %(address)s/ — press Ctrl+C to stop.", address=address))
    # The demo serves plain HTTP on localhost, where Secure cookies would not be sent back.
    current_app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    from ..services.jobs import adapter

    jobs = adapter()
    if hasattr(jobs, "start_schedule"):  # no Redis: the job thread runs the schedule too
        jobs.start_schedule()
    # app.run() refuses to start inside the `flask` CLI, so serve with werkzeug directly.
    run_simple(host, port, current_app._get_current_object(), threaded=True)
