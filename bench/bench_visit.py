"""CPU of each request of one trainee's exam visit, for sizing (issue 27).

The submit benchmark drives the start and the submit only. A trainee sitting an exam also logs
in (scrypt), opens the exam's page, the questions, and the result. This serves tpcourse under
one gunicorn worker on a fresh database, sends each kind of request `--repeat` times one after
the other (no concurrency), and prints the worker's and PostgreSQL's CPU milliseconds per
request, read from /proc, so the figures hardly depend on other load on the machine.

    python bench/bench_visit.py [--db postgresql] [--repeat 100] [--logins 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import harness, loadgen  # noqa: E402
from bench.bench_submit import server_env  # noqa: E402

EXAM = "/quizzes/trigger-point-final"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--logins", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tpcourse-visit-") as tmp, \
            harness.fresh_database(args.db, Path(tmp)) as database:
        workdir = Path(tmp)
        prepared = harness.prepare(database, workdir / "prepared")
        slow = harness.create_trainees(database, "visit-slow", args.logins,
                                       scrypt_count=args.logins)
        cheap = harness.create_trainees(database, "visit-cheap", args.repeat, scrypt_count=0)
        spec, env = server_env("tpcourse", database, prepared)
        server = harness.start_server(spec, env, 1, 2, workdir / "server.log")
        try:
            run(server, database, prepared, slow, cheap)
        finally:
            server.stop()


def run(server, database, prepared, slow: list[str], cheap: list[str]) -> None:
    """Measure each step in turn and print the table."""
    client = loadgen.Client(server.port)
    workers = harness.children(server.process.pid)
    backends: list[int] = []

    def cpu() -> tuple[float, float]:
        if database.kind == "postgresql" and not backends:
            backends.extend(harness.postgres_pids(database.url))
        return harness.process_cpu(workers), harness.process_cpu(backends)

    accounts = [loadgen.Account(email) for email in cheap]
    for account in accounts[:2]:  # open the pool's connections before measuring
        loadgen.log_in(client, loadgen.TPCOURSE, account, harness.PASSWORD)
    rows = []

    def step(name: str, items, send) -> list:
        before, began = cpu(), time.perf_counter()
        out = [send(item) for item in items]
        after, wall = cpu(), time.perf_counter() - began
        rows.append((name, len(items), 1000 * (after[0] - before[0]) / len(items),
                     1000 * (after[1] - before[1]) / len(items), 1000 * wall / len(items)))
        return out

    step("log in, production hash (GET + POST /login)",
         [loadgen.Account(email) for email in slow],
         lambda a: loadgen.log_in(client, loadgen.TPCOURSE, a, harness.PASSWORD))
    step("log in, cheap test hash (GET + POST /login, GET exam page)", accounts,
         lambda a: loadgen.log_in(client, loadgen.TPCOURSE, a, harness.PASSWORD))
    step("exam page (GET)", accounts, lambda a: client.request("GET", EXAM, a.jar))
    started = step("start (POST)", accounts, lambda a: client.request(
        "POST", f"{EXAM}/start", a.jar, {"csrf_token": [a.csrf]})[1])
    assert all("/attempts/" in location for location in started), started[:3]
    paths = [urlsplit(location).path for location in started]
    step("questions page (GET)", list(zip(accounts, paths, strict=True)),
         lambda ap: client.request("GET", ap[1], ap[0].jar))
    step("save answers (POST action=save, as the Save button; autosave: the same, every 30 s "
         "while answers change)", list(zip(accounts, paths, strict=True)),
         lambda ap: client.request("POST", ap[1], ap[0].jar, {
             **prepared["key"], "action": ["save"], "csrf_token": [ap[0].csrf]}))
    results = step("submit (POST)", list(zip(accounts, paths, strict=True)),
                   lambda ap: client.request("POST", ap[1], ap[0].jar,
                                             {**prepared["key"], "csrf_token": [ap[0].csrf]})[1])
    step("result page (GET)", list(zip(accounts, paths, strict=True)),
         lambda ap: client.request("GET", ap[1] + "/result", ap[0].jar))
    assert all(location.endswith("/result") for location in results), results[:3]
    client.close()
    print(f"one gunicorn worker (2 threads), requests one at a time, {database.kind}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'step':<60.60} {'n':>4} {'app CPU ms':>10} {'db CPU ms':>9} {'wall ms':>8}")
    for name, count, app, db, wall in rows:
        print(f"{name[:60]:<60} {count:>4} {app:>10.2f} {db:>9.2f} {wall:>8.1f}")


if __name__ == "__main__":
    main()
