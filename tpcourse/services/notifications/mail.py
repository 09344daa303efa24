"""Sending email through the SMTP server named in the settings."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


class MailNotConfigured(RuntimeError):
    """Raised when no SMTP server is configured."""


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text email via SMTP (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, ...)."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise MailNotConfigured("Set MAIL_SERVER (and MAIL_PORT) to send email.")
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
