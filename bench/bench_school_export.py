"""Export a school of 100,000 trainees through the real service and measure process growth.

    python bench/bench_school_export.py [--rows 100000] [--formats csv,json,xapi,badges]
                                        [--database sqlite:////tmp/school-bench.sqlite3]

A fresh database is filled in a child process (so filling it does not count), then this process
exports every format from the database to /dev/null and prints the seconds, the bytes, and how
much its resident memory grew (peak RSS during the export minus RSS before it, from
/proc/self/status; the peak is reset between formats through /proc/self/clear_refs). Exit 1 if
any format grew the process by more than 50 MB.
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


def measure(database: str, formats: list[str], instance: Path) -> bool:
    """Export each format; print figures; return True when every one stayed under the limit."""
    from tpcourse.services.records import signing_keys
    from tpcourse.services.schools import exports, schools
    from tpcourse.services.schools.roster import RosterFilter

    app = _app(database, instance)
    ok = True
    with app.app_context():
        school = schools.school_by_slug("bench")
        key = signing_keys.signing_key(app)
        print(f"{'format':<8}{'rows':>9}{'seconds':>10}{'MB out':>9}{'RSS growth MB':>15}")
        for fmt in formats:
            export = exports.CompletionExport(school, fmt, RosterFilter(), "bench", "cli", NOW,
                                              key, "https://bench.example")
            exact_peak = _reset_peak()
            before = _status("VmRSS")
            started, size = time.perf_counter(), 0
            with open(os.devnull, "wb") as sink:
                for chunk in export.chunks():
                    size += len(chunk)
                    sink.write(chunk)
            seconds = time.perf_counter() - started
            growth = (_status("VmHWM") if exact_peak else _status("VmRSS")) - before
            ok &= growth <= LIMIT_MB * 1024 * 1024
            print(f"{fmt:<8}{export.rows:>9}{seconds:>10.1f}{size / 1e6:>9.1f}"
                  f"{growth / 1024 / 1024:>15.1f}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,json,xapi,badges")
    parser.add_argument("--database", default=None, help="SQLAlchemy URL of a new database.")
    parser.add_argument("--populate-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="school-bench-"))
    database = args.database or f"sqlite:///{folder / 'bench.sqlite3'}"
    if args.populate_only:
        populate(database, args.rows, folder)
        return
    print(f"Filling {database} with {args.rows} trainees ...", flush=True)
    subprocess.run([sys.executable, __file__, "--populate-only", "--rows", str(args.rows),
                    "--database", database], check=True)
    ok = measure(database, args.formats.split(","), folder)
    print(f"limit: {LIMIT_MB} MB growth per export -> {'OK' if ok else 'EXCEEDED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
