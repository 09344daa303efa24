"""The school dashboard at a large school: 10,000 enrolments and their records (issue 27).

A focused part of `bench_scale.py`: builds the role matrix's world, 20 courses, 50 schools,
20,000 trainees (2,000 at north), five enrolments each (10,000 at north) and 100,000
completion records with bulk inserts (no attempts or audit events: the dashboard reads the
attempts of the 25 trainees on the page only), then loads north's dashboard as its school
admin in each sort order, `--loads` times after a warm-up, and prints p50/p95 server time,
process CPU and statements. `--explain` prints the query plans of the count and the sorted page.
`--compare REF` measures the roster service of git revision REF and the working tree's in turn,
`--rounds` times each, on the same database in the same process (before/after on a shared
machine).

    python -m bench.bench_dashboard [--db postgresql|sqlite] [--scale 1.0] [--loads 10]
                                    [--compare main --rounds 3]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import fresh_database, postgres_available  # noqa: E402

SORTS = ("", "?sort=name&dir=desc", "?sort=email", "?sort=cohort", "?sort=enrolled",
         "?sort=completed&dir=desc", "?sort=score", "?status=completed",
         "?status=not_started", "?q=trainee+0001", "?page=200")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--compare", default="", help="git revision to measure in turn")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    if args.db == "postgresql" and not postgres_available():
        print("PostgreSQL is not available: nothing measured.")
        return
    with tempfile.TemporaryDirectory(prefix="tpcourse-dash-") as tmp, \
            fresh_database(args.db, Path(tmp)) as database:
        world = build(database.url, Path(tmp), args.scale)
        if args.explain:
            explain(world, args.db)
        if not args.compare:
            report(measure(world, args.loads), "working tree")
            return
        versions = {args.compare: roster_at(args.compare), "working tree": None}
        for _ in range(args.rounds):
            for label, module in versions.items():
                with roster_of(module):
                    report(measure(world, args.loads), label)


def roster_at(revision: str):
    """The roster service module as it is at a git revision (loaded beside the current one)."""
    import importlib.util
    import subprocess

    source = subprocess.run(["git", "-C", str(ROOT), "show",
                             f"{revision}:tpcourse/services/schools/roster.py"],
                            check=True, capture_output=True, text=True).stdout
    spec = importlib.util.spec_from_loader("tpcourse.services.schools.roster_at", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "tpcourse.services.schools"
    sys.modules[spec.name] = module
    exec(compile(source, f"{revision}:roster.py", "exec"), module.__dict__)  # noqa: S102
    return module


@contextlib.contextmanager
def roster_of(module):
    """Let the dashboard view use `module`'s roster_page (None: the current one)."""
    from tpcourse.web.schools import school

    current = school.roster_page
    if module is not None:
        school.roster_page = module.roster_page
    try:
        yield
    finally:
        school.roster_page = current


def build(url: str, folder: Path, scale: float):
    """Migrate, build the world, add the large school's data; return the world."""
    from flask_migrate import upgrade

    from bench import bench_scale as scale_bench
    from tests.conftest import Clock, make_app
    from tests.permissions.route_world import build_world

    clock = Clock()
    app = make_app(url, folder / "instance", TPCOURSE_NOW=clock)
    with app.app_context():
        upgrade(revision="heads")
    started = time.perf_counter()
    world = build_world(app, folder, clock)
    with app.app_context():
        sizes = fill(scale_bench, app, clock, scale)
    print(f"filled in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{count:,} {name}" for name, count in sizes.items()))
    return world


def fill(scale_bench, app, clock, scale: float) -> dict[str, int]:
    """bench_scale's fill without the attempts and audit events."""
    from sqlalchemy import func, select

    from tpcourse.extensions import db
    from tpcourse.models import Course
    from tpcourse.services.authoring.content_sync import sync_from_folders

    shipped = scale_bench._without_locks()
    sync_from_folders(shipped / "lessons", shipped / "quizzes")
    copies = scale_bench._course_copies(app, scale_bench.COURSES - db.session.execute(
        select(func.count(Course.id))).scalar())
    sync_from_folders(copies / "lessons", copies / "quizzes")
    db.session.commit()
    now = clock.now
    school_ids = scale_bench._schools(now)
    user_ids = scale_bench._trainees(max(int(scale_bench.TRAINEES * scale), 50), school_ids, now)
    courses = scale_bench._current_versions()
    enrolments, cohorts = scale_bench._enrolments(user_ids, school_ids, courses, now)
    records = scale_bench._records(user_ids, school_ids, courses,
                                   int(scale_bench.RECORDS * scale), now)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return {"trainees": len(user_ids), "cohorts": cohorts, "enrolments": enrolments,
            "records": records}


def explain(world, kind: str) -> None:
    """Print the plans of the dashboard's count and its default sorted page (this tree's)."""
    from sqlalchemy import func, select

    from tpcourse.extensions import db
    from tpcourse.models import School
    from tpcourse.services.schools import roster

    with world.app.app_context():
        north = db.session.execute(select(School).filter_by(slug="north")).scalar_one()
        where, order = roster.RosterFilter(), roster._order("name", False)
        count = select(func.count()).select_from(roster._narrow(north.id, where).subquery())
        chosen = roster._narrow(north.id, where, "name").order_by(*order).limit(25)
        page = roster._base(None, chosen=chosen).order_by(*order)
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if kind == "postgresql" else "EXPLAIN QUERY PLAN "
        for name, statement in (("count", count), ("page", page)):
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            print(f"\n--- {name}\n{compiled}\n")
            for row in db.session.execute(db.text(prefix + str(compiled))):
                print("  ", " | ".join(str(v) for v in row))


def measure(world, loads: int) -> list[dict]:
    """Load the dashboard in every sort `loads` times after a warm-up: wall and CPU ms."""
    from sqlalchemy import event

    from tpcourse.extensions import db

    with world.app.app_context():
        engine = db.engine
    statements = [0]

    def count(*_args):
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    url = world.url("/school/{school}/", "school_admin")
    results = []
    for query in SORTS:
        walls, cpus = [], []
        for n in range(loads + 1):
            statements[0] = 0
            wall, cpu = time.perf_counter(), time.process_time()
            response = world.request("school_admin", "GET", url + query)
            if n:
                walls.append((time.perf_counter() - wall) * 1000)
                cpus.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200, (query, response.status_code)
        walls.sort()
        results.append({"query": query or "(default: name)", "p50": statistics.median(walls),
                        "p95": walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))],
                        "cpu": statistics.median(cpus), "statements": statements[0],
                        "rows": response.get_data(as_text=True).count("<tr") - 1,
                        "digest": roster_digest(response.get_data(as_text=True))})
    event.remove(engine, "before_cursor_execute", count)
    return results


def roster_digest(html: str) -> str:
    """A digest of what the page shows of the roster: its count line and its table rows (the
    rest of the page holds per-response values such as the CSP nonce)."""
    count = html.split('id="roster-count">', 1)[-1].split("</p>", 1)[0]
    rows = html.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return hashlib.sha256((count + rows).encode()).hexdigest()[:8]


def report(results: list[dict], label: str) -> None:
    import os

    print(f"\nnorth's dashboard, {label}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'query':<28} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>8} {'SQL':>4} {'rows':>5} "
          "page digest")
    for r in results:
        print(f"{r['query']:<28} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['cpu']:>8.1f} "
              f"{r['statements']:>4} {r['rows']:>5} {r['digest']}")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
