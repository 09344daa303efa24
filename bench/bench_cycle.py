"""Time one trainee's start + submit of a 20-question exam inside one process (no HTTP, one thread).

    python bench/bench_cycle.py [--databases sqlite,postgresql] [--cycles 300] [--profile FILE]

The same requests as bench_submit.py, through Flask's test client, so the figure is the app's
own time per exam, free of gunicorn, sockets and the load generator: wall milliseconds, and CPU
milliseconds of this process (which other load on the machine barely moves). It is the figure
each optimisation in docs/performance.md is measured with, for tpcourse and the baseline app
alike; it also counts the SQL statements of each request.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from bench import harness  # noqa: E402

MIN_TRAINEES = 40


def tpcourse_app(database: harness.Database, prepared: dict):
    """Build tpcourse for the test client (CSRF off: the client posts no token)."""
    from tpcourse import create_app
    from tpcourse.config import database_url

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(database.url),
                      "SECRET_KEY": harness.SECRET_KEY, "WTF_CSRF_ENABLED": False,
                      "TPCOURSE_LOGIN_LIMIT": "1000000 per minute", "SESSION_COOKIE_SECURE": False,
                      "TPCOURSE_LESSONS_DIR": str(prepared["lessons"]),
                      "TPCOURSE_QUIZZES_DIR": str(prepared["quizzes"])})
    with app.app_context():
        from tpcourse.extensions import db

        engine = db.engine
    return app, engine, "/quizzes/trigger-point-final/start"


def baseline_app(database: harness.Database, prepared: dict):
    """Build the baseline app."""
    os.environ.update(BENCH_DATABASE_URL=database.url, BENCH_KEY_FILE=str(prepared["key_file"]),
                      SECRET_KEY=harness.SECRET_KEY)
    from bench.baseline_app import create_app

    app = create_app()
    return app, app.config["BENCH_ENGINE"], "/start"


def subscribe_to_grades(app) -> object:
    """Put every trainee in a school whose webhook endpoint (a local receiver answering 204)
    subscribed to attempt.graded; return the receiver's server (shut it down after)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from sqlalchemy import update

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app.config["TPCOURSE_WEBHOOK_ALLOW_PRIVATE"] = "127.0.0.1/32"
    with app.app_context():
        from tpcourse.extensions import db
        from tpcourse.integrations.webhooks import endpoints
        from tpcourse.models import User, utcnow
        from tpcourse.services.accounts.accounts import ensure_school

        school = ensure_school("bench", "Bench")
        db.session.execute(update(User).values(school_id=school.id))
        db.session.commit()
        endpoints.create_endpoint(school, f"http://127.0.0.1:{server.server_address[1]}/",
                                  ["attempt.graded"], "bench", None, utcnow())
    return server


def measure(kind: str, which: str, cycles: int, profile: str = "",
            show_sql: bool = False, webhook: bool = False) -> tuple[float, float, int, int]:
    """Return wall ms and CPU ms per cycle and statements per start and per submit.

    Each account sits the exam at most about three times (cycles / 2 accounts), as trainees
    do under an attempt limit, so no account's history grows beyond what production sees.
    """
    trainees = max(MIN_TRAINEES, cycles // 2)
    with tempfile.TemporaryDirectory(prefix="tpcourse-cycle-") as tmp, \
            harness.fresh_database(kind, Path(tmp)) as database:
        prepared = harness.prepare(database, Path(tmp))
        emails = harness.create_trainees(database, "cycle", trainees, scrypt_count=0)
        app, engine, start_path = (tpcourse_app if which == "tpcourse" else baseline_app)(
            database, prepared)
        receiver = subscribe_to_grades(app) if webhook and which == "tpcourse" else None
        clients = []
        for email in emails:
            client = app.test_client()
            response = client.post("/login", data={"email": email, "password": harness.PASSWORD})
            assert response.status_code == 302, response.status_code
            clients.append(client)
        statements = []
        requests = threading.get_ident()  # the audit sealer's statements are not the request's

        def count(*args) -> None:
            if threading.get_ident() == requests:
                statements.append(args[2])

        event.listen(engine, "before_cursor_execute", count)

        def cycle(n: int) -> tuple[int, int]:
            client = clients[n % len(clients)]
            before = len(statements)
            started = client.post(start_path)
            assert started.status_code == 302, started.get_data(as_text=True)[:500]
            middle = len(statements)
            submitted = client.post(started.headers["Location"], data=prepared["key"])
            assert submitted.headers["Location"].endswith("/result"), submitted.status_code
            return middle - before, len(statements) - middle

        for n in range(trainees):  # warm up: templates, statement caches, per-process caches
            cycle(n)
        if show_sql:
            before = len(statements)
            cycle(0)
            print(f"-- {which} on {kind}: the statements of one start + submit")
            for statement in statements[before:]:
                print("  ", " ".join(statement.split())[:160])
        began, cpu = time.perf_counter(), time.process_time()
        for n in range(cycles):
            counts = cycle(n)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for n in range(cycles):
                cycle(n)
            profiler.stop()
            Path(profile).write_text(profiler.output_text(unicode=False, color=False))
        if which == "tpcourse":  # let the audit sealer finish before the database goes
            from tpcourse.services.records.audit_sealer import sealer_for

            sealer_for(app).wait_until_sealed(timeout=60)
            if receiver is not None:  # and the webhook deliveries it queued
                from tpcourse.services.jobs import adapter

                queue = adapter(app)
                if hasattr(queue, "wait_idle"):  # in-process jobs; on Redis they just wait
                    queue.wait_idle(timeout=120)
                receiver.shutdown()
        engine.dispose()
        return 1000 * elapsed / cycles, 1000 * cpu / cycles, *counts


def main() -> None:
    """Parse arguments, measure both apps on each database, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--apps", default="tpcourse,baseline")
    parser.add_argument("--cycles", type=int, default=300)
    parser.add_argument("--profile", default="", help="write a pyinstrument profile of tpcourse")
    parser.add_argument("--sql", action="store_true", help="print the statements of one exam")
    parser.add_argument("--webhook", action="store_true",
                        help="tpcourse's trainees' school subscribes a webhook to attempt.graded")
    args = parser.parse_args()
    databases = args.databases.split(",")
    if "postgresql" in databases and not harness.postgres_available():
        print("PostgreSQL is not reachable - skipping it.")
        databases.remove("postgresql")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'db':<11}{'app':<10}{'ms/exam':>9}{'CPU ms':>8}{'start SQL':>11}{'submit SQL':>12}",
          flush=True)
    for kind in databases:
        for which in args.apps.split(","):
            profile = f"{args.profile}.{kind}" if args.profile and which == "tpcourse" else ""
            ms, cpu, start, submit = measure(kind, which, args.cycles, profile, args.sql,
                                             args.webhook)
            print(f"{kind:<11}{which:<10}{ms:>9.2f}{cpu:>8.2f}{start:>11}{submit:>12}", flush=True)


if __name__ == "__main__":
    main()
