"""A real SMTP server (aiosmtpd) for tests that send mail, and a free-port helper."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """Messages received by the test SMTP server."""

    def __init__(self) -> None:
        self.messages: list = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        from email import message_from_bytes
        from email.policy import default

        with self._arrived:
            self.messages.append(message_from_bytes(envelope.content, policy=default))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10) -> list:
        """Return the messages once `count` have arrived (a bounded wait, no sleep)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        return list(self.messages)


@contextmanager
def smtp_server(app, sender: str, **config) -> Iterator[Inbox]:
    """Run an SMTP server on a free local port and point the app's mail settings at it."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                      MAIL_USERNAME=None, MAIL_FROM=sender, **config)
    try:
        yield inbox
    finally:
        controller.stop()


def text_of(message) -> str:
    """The plain-text part of a received email (emails carry an HTML part too)."""
    return message.get_body(preferencelist=("plain",)).get_content()
