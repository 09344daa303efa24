"""Time password-reset requests for a registered and an unknown address (docs/security.md).

    python bench/bench_reset_timing.py [--requests 300] [--mode thread|sync]

One process, Flask's test client, a real SMTP server (aiosmtpd) on 127.0.0.1 that takes 20 ms
to answer (a near, fast mail server), a fresh SQLite database. Requests for the two addresses
alternate; the table gives each one's median, 90th and 99th percentile in ms, and the
Mann-Whitney U test of "the two come from one distribution" (its z and two-sided p: a
timing attack needs the two apart, p near 0). Run it on an older checkout to see the gap
before issue 22 (the mail was sent inside the request).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


class SlowInbox:
    """An SMTP handler that answers after `delay` seconds, like a mail server over a LAN."""

    def __init__(self, delay: float) -> None:
        self.delay, self.count = delay, 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(self.delay)
        self.count += 1
        return "250 OK"


def mann_whitney(a: list[float], b: list[float]) -> tuple[float, float]:
    """z and two-sided p of the Mann-Whitney U test (normal approximation, ties averaged)."""
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks, i = [0.0] * len(pooled), 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        i = j + 1
    r_a = sum(r for r, (_v, g) in zip(ranks, pooled, strict=True) if g == 0)
    n1, n2 = len(a), len(b)
    u = r_a - n1 * (n1 + 1) / 2
    z = (u - n1 * n2 / 2) / math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return z, math.erfc(abs(z) / math.sqrt(2))


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--mode", default="thread", help="TPCOURSE_JOBS_INLINE (issue 22 on)")
    parser.add_argument("--smtp-delay", type=float, default=0.02)
    args = parser.parse_args()
    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade

    from tpcourse import create_app

    inbox = SlowInbox(args.smtp_delay)
    with tempfile.TemporaryDirectory() as tmp:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/reset.sqlite3", "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False, "TPCOURSE_LOGIN_LIMIT": "1000000 per minute",
            "TPCOURSE_MAIL_PER_ADDRESS_LIMIT": "1000000 per minute",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "TPCOURSE_JOBS_INLINE": args.mode,
            "TPCOURSE_AUDIT_SEALING": "manual"})
        app.instance_path = tmp
        with app.app_context():
            upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
            from tpcourse.services.accounts.accounts import create_user

            create_user("known@example.com", "Known Person", "a long password 1")
        client = app.test_client()
        times: dict[str, list[float]] = {"known": [], "unknown": []}
        for n in range(args.requests * 2 + 20):
            who = "known" if n % 2 == 0 else "unknown"
            began = time.perf_counter()
            response = client.post("/password/forgot", data={"email": f"{who}@example.com"})
            elapsed = (time.perf_counter() - began) * 1000
            assert response.status_code == 302, response.status_code
            if n >= 20:  # the first ones warm up templates and caches
                times[who].append(elapsed)
        try:  # let the background jobs finish (issue 22 on)
            from tpcourse.services.jobs import adapter
        except ImportError:
            pass
        else:
            queue = adapter(app)
            if hasattr(queue, "wait_idle"):
                queue.wait_idle(60)
        controller.stop()
    print(f"{args.requests} requests each; SMTP answers in {args.smtp_delay * 1000:.0f} ms; "
          f"{inbox.count} emails sent")
    print(f"{'address':<9}{'median':>8}{'p90':>8}{'p99':>8}")
    for who, values in times.items():
        q = statistics.quantiles(values, n=100)
        print(f"{who:<9}{statistics.median(values):>8.2f}{q[89]:>8.2f}{q[98]:>8.2f}")
    z, p = mann_whitney(times["known"], times["unknown"])
    print(f"Mann-Whitney U: z = {z:.2f}, p = {p:.3g}")


if __name__ == "__main__":
    main()
