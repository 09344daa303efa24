"""Load the quiz-submission path of tpcourse and of a minimal baseline app, in the same run.

    python bench/bench_submit.py [--databases sqlite,postgresql] [--trainees 8,32,128]
                                 [--duration 15] [--rounds 3] [--workers 4] [--threads 2]

For each database (a fresh SQLite file, a fresh PostgreSQL database) and each number N of
concurrent trainees, it serves tpcourse and bench/baseline_app.py side by side under gunicorn
on 127.0.0.1 with the same worker settings, logs N trainees into each (each trainee holds a few
accounts, so no account piles up more than a handful of attempts), then alternates measured
windows between the two apps: in each, every trainee starts a 20-question attempt and submits
it, again and again. It prints requests/s, latency percentiles and errors per app, then
tpcourse / baseline.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness, loadgen  # noqa: E402


@dataclass
class Row:
    """One line of the table."""

    database: str
    trainees: int
    app: str
    result: loadgen.LoadResult

    @property
    def rate(self) -> float:
        """Successful requests per second in the measured window."""
        return self.result.requests / self.result.seconds

    @property
    def busiest_worker(self) -> float:
        """The busiest worker's share of the workers' CPU (1 / workers when balanced)."""
        workers = [seconds for part, seconds in self.result.cpu.items()
                   if part.startswith("worker ")]
        return max(workers) / sum(workers) if workers and sum(workers) else float("nan")

    def cells(self) -> list[str]:
        """Format the row."""
        stats = self.result.stats.latencies
        login = self.result.login.latencies["login"]
        ms = [loadgen.percentile(stats[kind], p) * 1000
              for kind in ("start", "submit") for p in (0.5, 0.95, 0.99)]
        exams = max(1, self.result.count("submit"))
        cpu = [f"{1000 * self.result.cpu.get(part, 0.0) / exams:.1f}" for part in
               ("app", "db", "load")]
        cpu.append(f"{100 * self.busiest_worker:.0f}")
        return [self.database, str(self.trainees), self.app, f"{self.rate:.0f}",
                f"{self.result.count('submit') / self.result.seconds:.1f}",
                *(f"{value:.0f}" for value in ms),
                f"{loadgen.percentile(login, 0.5) * 1000:.0f}", str(self.result.errors), *cpu]


HEADER = ["db", "N", "app", "req/s", "exams/s", "start p50", "p95", "p99", "submit p50", "p95",
          "p99", "login p50", "errors", "CPU ms/exam: app", "db", "load", "busiest worker %"]


def print_table(rows: list[list[str]], header: list[str]) -> None:
    """Print a plain-text table with right-aligned numbers."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for line in [header, *rows]:
        print("  ".join(str(cell).rjust(width) for cell, width in zip(line, widths, strict=True)),
              flush=True)


def server_env(app: str, database: harness.Database, prepared: dict) -> tuple[str, dict]:
    """Return the gunicorn app spec and environment for tpcourse or the baseline."""
    if app == "baseline":
        return "bench.baseline_app:app", {
            "BENCH_DATABASE_URL": database.url, "BENCH_KEY_FILE": str(prepared["key_file"]),
            "SECRET_KEY": harness.SECRET_KEY}
    return "wsgi:app", {
        "DATABASE_URL": database.url, "SECRET_KEY": harness.SECRET_KEY,
        "TPCOURSE_SECURE_COOKIES": "false", "TPCOURSE_LOGIN_LIMIT": "1000000 per minute",
        "TPCOURSE_LESSONS_DIR": str(prepared["lessons"]),
        "TPCOURSE_QUIZZES_DIR": str(prepared["quizzes"])}


def run_cell(trainees: int, database: harness.Database, prepared: dict, args,
             workdir: Path) -> list[Row]:
    """Serve both apps, log `trainees` trainees into each, alternate measured windows."""
    per_trainee = max(1, args.accounts // trainees)
    servers, loads = {}, {}
    try:
        for app in args.apps.split(","):
            emails = harness.create_trainees(database, f"{app}-{trainees}-{int(time.time())}",
                                             trainees * per_trainee, scrypt_count=trainees)
            # Trainee i: account i (production hash, timed login) + set-up accounts after N.
            accounts = [[emails[i]] + emails[trainees + i * (per_trainee - 1):
                                             trainees + (i + 1) * (per_trainee - 1)]
                        for i in range(trainees)]
            spec, env = server_env(app, database, prepared)
            servers[app] = harness.start_server(
                spec, env, args.workers, args.threads,
                workdir / f"{app}-{database.kind}-{trainees}.log")
            flavor = loadgen.TPCOURSE if app == "tpcourse" else loadgen.BASELINE
            loads[app] = loadgen.Load(servers[app].port, flavor, accounts, harness.PASSWORD,
                                      prepared["key"], keep_alive=args.keep_alive)
            loads[app].log_in()
        order = list(loads)
        for turn in range(args.rounds):
            for app in (order if turn % 2 == 0 else order[::-1]):
                profile = args.profile and trainees == args.profile_trainees and turn == 0
                profiler = start_profiler(servers[app], args, workdir,
                                          f"{app}-{database.kind}") if profile else None
                loads[app].run_window(args.warmup,
                                      args.duration / args.rounds,
                                      cpu_meter(servers[app], database))
                if profiler is not None:
                    profiler.wait(timeout=args.duration + 60)
    finally:
        for load in loads.values():
            load.close()
        for server in servers.values():
            server.stop()
    rows = []
    for app, load in loads.items():
        result = load.result()
        for sample in result.stats.error_samples + result.login.error_samples:
            print(f"  error sample ({app}, {database.kind}, N={trainees}): {sample}", flush=True)
        if result.errors:
            print("  server log (last lines):", *servers[app].log.read_text().splitlines()[-30:],
                  sep="\n    ", flush=True)
        rows.append(Row(database.kind, trainees, app, result))
    return rows


def cpu_meter(server: harness.Server, database: harness.Database):
    """Return a function reading the CPU seconds of the app, its database backends and this
    process (the load generator): other users of the machine are not counted."""
    workers = harness.children(server.process.pid)
    backends: list[int] = []

    def read() -> dict[str, float]:
        if database.kind == "postgresql" and not backends:
            backends.extend(harness.postgres_pids(database.url))  # the pools are open by now
        times = os.times()
        return {"app": harness.process_cpu(workers), "db": harness.process_cpu(backends),
                "load": times.user + times.system,
                **{f"worker {pid}": harness.process_cpu([pid]) for pid in workers[1:]}}

    return read


def start_profiler(server: harness.Server, args, workdir: Path, name: str):
    """Sample every gunicorn worker with py-spy for the measured window (collapsed stacks)."""
    import subprocess

    out = Path(args.profile) / f"{name}-{args.profile_trainees}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "py-spy"), "record", "--pid",
         str(server.process.pid), "--subprocesses", "--format", "raw", "--rate", "250",
         "--duration", str(max(1, int(args.warmup + args.duration / args.rounds))),
         "--output", str(out), "--nonblocking"],
        stdout=subprocess.DEVNULL, stderr=(workdir / "py-spy.log").open("w"))


def main() -> None:
    """Parse arguments, run every database x trainee count x app, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--trainees", default="8,32,128")
    parser.add_argument("--apps", default="tpcourse,baseline")
    parser.add_argument("--duration", type=float, default=15.0,
                        help="measured seconds per app, database and N")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternate the apps this many times within the duration")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--accounts", type=int, default=768,
                        help="accounts per app and N, shared out among the trainees")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=2,
                        help="threads per worker (the production setting: README.md)")
    parser.add_argument("--keep-alive", action="store_true",
                        help="keep each trainee's connection for the whole run (by default "
                        "each exam opens its own, so every worker gets a share)")
    parser.add_argument("--profile", default="", help="folder for py-spy profiles (raw format); "
                        "summarise them with bench/profile_summary.py")
    parser.add_argument("--profile-trainees", type=int, default=32)
    args = parser.parse_args()
    databases = args.databases.split(",")
    if "postgresql" in databases and not harness.postgres_available():
        print("PostgreSQL is not reachable at", harness.PG_ADMIN_URL, "- skipping it.")
        databases.remove("postgresql")
    counts = [int(n) for n in args.trainees.split(",")]
    print(f"gunicorn: {args.workers} workers x {args.threads} threads (gthread); "
          f"{args.duration:g} s measured per app in {args.rounds} alternating windows, after "
          f"{args.warmup:g} s warm-up; {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}", flush=True)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="tpcourse-bench-") as tmp:
        workdir = Path(tmp)
        for kind in databases:
            with harness.fresh_database(kind, workdir) as database:
                prepared = harness.prepare(database, workdir / kind)
                for trainees in counts:
                    cell = run_cell(trainees, database, prepared, args, workdir)
                    print_table([row.cells() for row in cell], HEADER)
                    rows.extend(cell)
                if "tpcourse" in args.apps.split(","):
                    check_grades(database, sum(row.result.count("submit") for row in rows
                                               if row.app == "tpcourse"
                                               and row.database == kind))
    print(f"\nload average at the end {os.getloadavg()[0]:.1f} (other work on the machine skews "
          "absolute figures; the alternating windows keep the ratio fair)")
    print_table([row.cells() for row in rows], HEADER)
    print_ratios(rows)
    if any(row.result.errors for row in rows) or any(row.result.count("submit") == 0
                                                      for row in rows):
        sys.exit("errors, or no exam completed: see the samples above")


def check_grades(database: harness.Database, counted: int) -> None:
    """Make sure the submits the load counted really graded attempts, each logged once.

    A submit that fails inside tpcourse can still answer with the redirect to the result page
    (a Conflict does), so a status code alone would count it; the database tells.
    """
    from sqlalchemy import create_engine, text

    from tpcourse.config import database_url

    engine = create_engine(database_url(database.url))
    with engine.connect() as conn:
        graded = conn.execute(text("SELECT COUNT(*) FROM attempts WHERE status = 'submitted' "
                                   "AND passed")).scalar_one()
        chained, waiting = (conn.execute(text(f"SELECT COUNT(*) FROM {table} "
                                              "WHERE kind = 'attempt.graded'")).scalar_one()
                            for table in ("audit_events", "audit_pending"))
    engine.dispose()
    logged = chained + waiting
    print(f"{database.kind}: {graded} attempts graded and passed, {logged} grade events "
          f"logged ({chained} chained by the sealers, {waiting} still queued when the servers "
          f"stopped), {counted} submits counted in the measured windows", flush=True)
    if graded < counted or logged != graded:
        sys.exit("the database does not hold the grades the load counted")
    os.environ.setdefault("SECRET_KEY", harness.SECRET_KEY)  # no key file in instance/
    from tpcourse import create_app
    from tpcourse.extensions import db
    from tpcourse.services.records.audit import verify_stored_chain

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(database.url)})
    with app.app_context():
        broken = verify_stored_chain()
        db.engine.dispose()
    if broken is not None:
        sys.exit(f"the audit chain is broken: {broken}")
    print(f"{database.kind}: audit chain intact", flush=True)


def print_ratios(rows: list[Row]) -> None:
    """Print tpcourse / baseline requests per second for every database and N."""
    by_key = {(r.database, r.trainees, r.app): r for r in rows}
    lines = []
    for (kind, trainees, app), row in by_key.items():
        baseline = by_key.get((kind, trainees, "baseline"))
        if app == "tpcourse" and baseline is not None:
            lines.append([kind, str(trainees), f"{row.rate:.0f}", f"{baseline.rate:.0f}",
                          f"{row.rate / baseline.rate:.2f}x",
                          str(row.result.errors + baseline.result.errors)])
    if lines:
        print()
        print_table(lines, ["db", "N", "tpcourse req/s", "baseline req/s", "ratio", "errors"])


if __name__ == "__main__":
    main()
