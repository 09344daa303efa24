"""Sending email: through the SMTP server named in the settings, or into the outbox folder.

With no `MAIL_SERVER` set (the demo, a fresh install) nothing leaves the machine: each message
is written to the outbox folder (`TPCOURSE_MAIL_OUTBOX`, default `instance/outbox/`) as an
`.eml` file, logged, and listed for admins at /admin/outbox, so registration and password
resets still work while mail is being set up.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

log = logging.getLogger(__name__)
OUTBOX_SHOWN = 50


class MailNotConfigured(RuntimeError):
    """Raised when no SMTP server is configured."""


def outbox_folder() -> Path:
    """Where messages go when no SMTP server is configured."""
    configured = current_app.config.get("TPCOURSE_MAIL_OUTBOX")
    return Path(configured) if configured else Path(current_app.instance_path) / "outbox"


def uses_outbox() -> bool:
    """Whether mail is kept in the outbox rather than sent (no MAIL_SERVER)."""
    return not current_app.config.get("MAIL_SERVER")


def send_mail(to: str, subject: str, body: str, html: str | None = None,
              headers: dict[str, str] | None = None,
              attachments: list[tuple[str, str, bytes]] | None = None) -> None:
    """Send one email via SMTP (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, ...), or keep it in the
    outbox when no server is configured: plain text, with an HTML alternative when given, and
    any `attachments` as (file name, media type, bytes)."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for name, media_type, data in attachments or ():
        maintype, subtype = media_type.split("/", 1)
        if maintype == "text":  # a calendar invitation: text, with its METHOD as mail wants
            message.add_attachment(data.decode("utf-8"), subtype=subtype, filename=name,
                                   params={"method": "REQUEST"} if subtype == "calendar" else {})
        else:
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    if uses_outbox():
        _keep_in_outbox(message)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _keep_in_outbox(message: EmailMessage) -> None:
    folder = outbox_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(message))
    log.warning("No MAIL_SERVER: email to %s (%s) kept in %s", message["To"], message["Subject"],
                path)


@dataclass(frozen=True)
class KeptMessage:
    """A message in the outbox, as the admin page lists it."""

    name: str
    kept_at: datetime
    to: str
    subject: str
    body: str


def outbox_messages(limit: int = OUTBOX_SHOWN) -> list[KeptMessage]:
    """The newest messages in the outbox, newest first."""
    folder = outbox_folder()
    if not folder.is_dir():
        return []
    messages = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        messages.append(KeptMessage(
            path.name, datetime.fromtimestamp(path.stat().st_mtime, UTC), str(parsed["To"]),
            str(parsed["Subject"]), body.get_content() if body is not None else ""))
    return messages
