"""Which load generator: bench/loadgen.py (threads, http.client) or Locust (FastHttpUser)?

On one machine the load generator takes CPU from the app it measures, so what decides is
its CPU per exam for the same load. This serves tpcourse under gunicorn on a fresh database,
then alternates measured windows of loadgen and of Locust (bench/locustfile.py, run by a
Python that has Locust: `--locust-python`), each with the same number of simulated trainees,
keep-alive connections and no think time, and prints per window: exams/s, errors, the
generator's CPU ms per exam and the app's (workers') CPU ms per exam.

    python bench/bench_loadtools.py --locust-python /path/to/venv/bin/python \
        [--db postgresql] [--trainees 16] [--workers 4] [--seconds 12] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import harness, loadgen  # noqa: E402
from bench.bench_submit import server_env  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--locust-python", required=True)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--trainees", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tpcourse-loadtools-") as tmp, \
            harness.fresh_database(args.db, Path(tmp)) as database:
        workdir = Path(tmp)
        prepared = harness.prepare(database, workdir / "prepared")
        emails = harness.create_trainees(database, f"tools-{int(time.time())}",
                                         2 * args.trainees, scrypt_count=0)
        (workdir / "accounts.txt").write_text("\n".join(emails[args.trainees:]))
        spec, env = server_env("tpcourse", database, prepared)
        server = harness.start_server(spec, env, args.workers, 2, workdir / "server.log")
        load = loadgen.Load(server.port, loadgen.TPCOURSE,
                            [[email] for email in emails[:args.trainees]], harness.PASSWORD,
                            prepared["key"], keep_alive=True)
        try:
            load.log_in()
            print(f"{os.cpu_count()} CPUs; {args.workers} workers x 2 threads; "
                  f"{args.trainees} trainees; load average {os.getloadavg()[0]:.1f}")
            print(f"{'tool':<8} {'exams/s':>8} {'errors':>6} {'gen CPU ms/exam':>16} "
                  f"{'app CPU ms/exam':>16} {'load avg':>8}")
            for _ in range(args.rounds):
                print_row("loadgen", loadgen_window(load, server, args))
                print_row("locust", locust_window(server, args, workdir, prepared))
        finally:
            load.close()
            server.stop()


def loadgen_window(load: loadgen.Load, server: harness.Server, args) -> dict:
    """One measured window of loadgen's trainee threads (this process's CPU)."""
    workers = harness.children(server.process.pid)
    before_exams, before_errors = load.result().count("submit"), load.result().errors
    load.cpu.clear()
    load.run_window(args.warmup, args.seconds, lambda: {
        "gen": sum(os.times()[:2]), "app": harness.process_cpu(workers)})
    result = load.result()
    return {"exams": result.count("submit") - before_exams,
            "errors": result.errors - before_errors, "gen": load.cpu["gen"],
            "app": load.cpu["app"], "seconds": args.seconds}


def locust_window(server: harness.Server, args, workdir: Path, prepared: dict) -> dict:
    """One measured window of Locust in a process of its own (its CPU read by itself)."""
    workers = harness.children(server.process.pid)
    env = {**os.environ, "BENCH_ACCOUNTS": str(workdir / "accounts.txt"),
           "BENCH_PASSWORD": harness.PASSWORD, "BENCH_KEY_FILE": str(prepared["key_file"])}
    child = subprocess.Popen([args.locust_python, str(ROOT / "bench" / "locustfile.py"),
                              str(server.port), str(args.trainees), str(args.warmup),
                              str(args.seconds)], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    time.sleep(args.warmup + 1.5)  # Locust's start-up and the trainees' log-ins, not measured
    app_before = harness.process_cpu(workers)
    time.sleep(args.seconds - 1.5)
    app_after = harness.process_cpu(workers)
    out = json.loads(child.communicate(timeout=120)[0].strip().splitlines()[-1])
    return {"exams": out["exams"], "errors": out["failures"], "gen": out["cpu"],
            "app": (app_after - app_before) * args.seconds / (args.seconds - 1.5),
            "seconds": out["seconds"]}


def print_row(tool: str, window: dict) -> None:
    exams = max(1, window["exams"])
    print(f"{tool:<8} {window['exams'] / window['seconds']:>8.1f} {window['errors']:>6} "
          f"{1000 * window['gen'] / exams:>16.2f} {1000 * window['app'] / exams:>16.2f} "
          f"{os.getloadavg()[0]:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
