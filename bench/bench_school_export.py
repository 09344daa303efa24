"""Export a school of 100,000 trainees through the real service and measure process growth.

    python bench/bench_school_export.py [--rows 100000] [--formats csv,json,xapi,badges]
                                        [--db sqlite|postgresql] [--repeat 1]
                                        [--database URL-of-an-empty-database]

A fresh database (a SQLite file, or with `--db postgresql` a new PostgreSQL database dropped
afterwards, analysed once filled; see bench/harness.py) is filled in a child process (so
filling it does not count),
then this process exports every format from the database to /dev/null and prints the wall and
CPU seconds (CPU of this process only: the database server's is not in it), the bytes, and how
much its resident memory grew (peak RSS during the export minus RSS before it, from
/proc/self/status; the peak is reset between formats through /proc/self/clear_refs). With
`--repeat N` each format is exported N times and the fastest run is printed. For the signed
badges it also prints the signature floor: the number of credentials times one bare signature
(best of a few hundred, the badge key signing a credential-sized input), the part of the time
no change to the rest of the path can remove. Exit 1 if any format grew the process by more
than 50 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LIMIT_MB = 50
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _app(database: str, instance: Path):
    from tests.conftest import make_app

    return make_app(database, instance, TPCOURSE_SITE_URL="https://bench.example")


def populate(database: str, rows: int, instance: Path) -> None:
    """Migrate a fresh database, load the test course, and add a school of `rows` trainees."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from tests.conftest import CONTENT
    from tests.schools.bulk import populate as bulk
    from tpcourse.models import Course, CourseVersion
    from tpcourse.services.accounts.accounts import ensure_school
    from tpcourse.services.authoring.content_sync import sync_from_folders
    from tpcourse.services.schools import cohorts

    app = _app(database, instance)
    with app.app_context():
        upgrade(revision="heads")
        sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
        from tpcourse.extensions import db

        school = ensure_school("bench", "Bench School of Massage", provider_number="CE-BENCH")
        course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
        version = db.session.execute(select(CourseVersion.id).filter_by(
            course_id=course.id)).scalar_one()
        cohort = cohorts.create_cohort(school, "Everyone", course.id, None, NOW)
        bulk(school.id, course.id, version, cohort.id, rows, NOW)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does within a minute of a bulk load: without statistics the
            # planner takes 100,000-row tables for empty ones and picks nested loops that
            # rescan them (both the former and the current export read suffer).
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "ANALYZE")


def _status(field: str) -> int:
    """Read a /proc/self/status figure in bytes (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _export_once(export) -> tuple[float, float, int, int, int]:
    """Stream one export to /dev/null: wall s, CPU s, bytes, growth of the peak RSS, lines."""
    exact_peak = _reset_peak()
    before = _status("VmRSS")
    started, cpu, size, lines = time.perf_counter(), time.process_time(), 0, 0
    with open(os.devnull, "wb") as sink:
        for chunk in export.chunks():
            size += len(chunk)
            lines += chunk.count(b"\n")
            sink.write(chunk)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    growth = (_status("VmHWM") if exact_peak else _status("VmRSS")) - before
    return seconds, cpu, size, growth, lines


def signature_seconds(key, size: int, samples: int = 300) -> tuple[float, float]:
    """One bare signature of a `size`-byte input with the badge key: best (wall, CPU) seconds.

    The RSA (RS256: PKCS#1 v1.5, SHA-256) or Ed25519 operation alone, through `cryptography`,
    without building, encoding or wrapping the credential.
    """
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from tpcourse.records.rsa_signing import RSAKey

    message = b"x" * size
    if isinstance(key, RSAKey):
        private = key.private_key
        sign = lambda: private.sign(message, padding.PKCS1v15(), hashes.SHA256())  # noqa: E731
    else:
        sign = lambda: key.sign(message)  # noqa: E731
    best_wall = best_cpu = float("inf")
    for _ in range(samples):
        wall, cpu = time.perf_counter(), time.process_time()
        sign()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


def measure(database: str, formats: list[str], instance: Path, repeat: int = 1) -> bool:
    """Export each format; print figures; return True when every one stayed under the limit."""
    from tpcourse.services.records import signing_keys
    from tpcourse.services.schools import exports, schools
    from tpcourse.services.schools.roster import RosterFilter

    app = _app(database, instance)
    ok = True
    with app.app_context():
        school = schools.school_by_slug("bench")
        key = signing_keys.signing_key(app)
        signing_keys.badge_signing_key(app)  # made now if new, so no export times making it
        print(f"load average before: {_load()}")
        print(f"{'format':<8}{'rows':>9}{'wall s':>8}{'CPU s':>8}{'MB out':>9}"
              f"{'RSS growth MB':>15}")
        for fmt in formats:
            runs = []
            for _ in range(repeat):
                export = exports.CompletionExport(school, fmt, RosterFilter(), "bench", "cli",
                                                  NOW, key, "https://bench.example")
                runs.append((*_export_once(export), export.rows))
            seconds, cpu, size, growth, lines, rows = min(runs)
            growth = max(run[3] for run in runs)
            ok &= growth <= LIMIT_MB * 1024 * 1024
            print(f"{fmt:<8}{rows:>9}{seconds:>8.2f}{cpu:>8.2f}{size / 1e6:>9.1f}"
                  f"{growth / 1024 / 1024:>15.1f}", flush=True)
            if fmt == "badges":
                _print_floor(app, credentials=max(lines - 2, 0), size=size)
        print(f"load average after: {_load()}")
        from tpcourse.extensions import db

        db.engine.dispose()  # PostgreSQL: no connection left, so the database can be dropped
    return ok


def _print_floor(app, credentials: int, size: int) -> None:
    """Print N credentials × one bare signature of a credential-sized input."""
    from tpcourse.services.records import signing_keys

    if not credentials:
        return
    token = size // credentials  # a token is about 4/3 of its signing input
    wall, cpu = signature_seconds(signing_keys.badge_signing_key(app), token * 3 // 4)
    print(f"signature floor: {credentials} credentials × {wall * 1e3:.3f} ms (CPU "
          f"{cpu * 1e3:.3f} ms) = {credentials * wall:.2f} s wall, {credentials * cpu:.2f} s CPU")


def _load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,json,xapi,badges")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite",
                        help="A fresh database of this kind (PostgreSQL: dropped afterwards).")
    parser.add_argument("--database", default=None,
                        help="Or the SQLAlchemy URL of an existing, empty database.")
    parser.add_argument("--repeat", type=int, default=1, help="Runs per format; the best shown.")
    parser.add_argument("--populate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="school-bench-"))
    if args.populate_only:
        populate(args.database, args.rows, folder)
        return
    if args.database:
        sys.exit(run(args.database, folder, args))
    from bench.harness import fresh_database

    with fresh_database(args.db, folder) as database:
        code = run(database.url, folder, args)
    sys.exit(code)


def run(database: str, folder: Path, args: argparse.Namespace) -> int:
    """Fill `database` in a child process, then export from it; return the exit status."""
    print(f"Filling {database} with {args.rows} trainees ...", flush=True)
    subprocess.run([sys.executable, __file__, "--populate-only", "--rows", str(args.rows),
                    "--database", database], check=True)
    ok = measure(database, args.formats.split(","), folder, args.repeat)
    print(f"limit: {LIMIT_MB} MB growth per export -> {'OK' if ok else 'EXCEEDED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    main()
