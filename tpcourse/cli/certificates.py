"""flask certificates reissue | revoke: a certificate's PDF again, or its revocation."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from .common import now

certificates_cli = AppGroup("certificates", help="Re-issue or revoke certificates.")


@certificates_cli.command("reissue")
@click.argument("code")
@click.option("--page-size", type=click.Choice(["A4", "Letter"], case_sensitive=False),
              default="A4", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="PDF file to write (default: certificate-CODE-SIZE.pdf here).")
def certificates_reissue(code: str, page_size: str, output: Path | None) -> None:
    """Write a certificate's PDF again, with the same code (logged in the audit trail)."""
    from ..services.certification.certificates import reissue
    from ..services.errors import ServiceError

    try:
        record, pdf = reissue(code, page_size, now())
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    output = output or Path(f"certificate-{record.certificate_code}-{page_size.lower()}.pdf")
    output.write_bytes(pdf)
    values = {"file": output, "name": record.user.name, "code": record.certificate_code}
    click.echo(_("Wrote %(file)s for %(name)s, %(code)s (marked REVOKED).", **values)
               if record.revoked_at else _("Wrote %(file)s for %(name)s, %(code)s.", **values))


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Why; kept with the record and in the audit log.")
def certificates_revoke(code: str, reason: str) -> None:
    """Revoke a certificate: its PDF, verification page and records then say revoked."""
    from ..services.certification.certificates import revoke
    from ..services.errors import ServiceError

    try:
        record = revoke(None, code, reason, now())
    except ServiceError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(_("Revoked %(code)s (%(name)s).", code=record.certificate_code,
                 name=record.user.name))
