"""A local HTTP receiver for webhooks: answers from a script of status codes, records all."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """What the receiver got: each request's headers and body, and what it answered."""

    requests: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)  # status codes to give, in order; then 200
    redirect_to: str | None = None
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 30) -> list:
        """The requests once `count` have arrived (a bounded wait)."""
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= count, timeout=timeout)
        return list(self.requests)


@contextmanager
def webhook_receiver(answers: list[int] | None = None,
                     redirect_to: str | None = None) -> Iterator[tuple[str, Received]]:
    """Serve on 127.0.0.1 (a free port); yield the URL and what it receives."""
    received = Received(answers=list(answers or []), redirect_to=redirect_to)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = received.answers.pop(0) if received.answers else 200
            if received.redirect_to:
                status = 307
            self.send_response(status)
            if received.redirect_to:
                self.send_header("Location", received.redirect_to)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
            with received.arrived:
                received.requests.append(({k.lower(): v for k, v in self.headers.items()}, body,
                                          status))
                received.arrived.notify_all()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/tpcourse", received
    finally:
        server.shutdown()
        server.server_close()
