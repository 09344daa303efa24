"""Count the SQL statements of each main page with 10 vs 1,000 trainees and 1 vs 50 questions.

    python bench/bench_pages.py [--database-url URL] [--sizes 10x1,1000x1,10x50,1000x50x3]

The same worlds and pages as tests/perf/test_page_queries.py (which asserts the counts are
equal), printed as a table: one row per page, one column per size, and the time of a
request at the largest size. The school pages are requested by the school's admin, with every
trainee in the school's cohort; the exports stream in keyset pages of rows, so their count may
grow by a fixed number of statements per page read (column `equal`: "+N/page" when it stays
within that), never with the rows. A fresh SQLite file is used unless a URL is given.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import g  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tests.conftest import PASSWORD, Clock, make_app  # noqa: E402
from tests.perf.pages import (  # noqa: E402
    PAGES,
    SCHOOL_PAGES,
    STREAMED,
    add_school,
    page_counts,
    pages_read,
)
from tests.perf.world import build_world, empty_database  # noqa: E402
from tpcourse.extensions import db  # noqa: E402
from tpcourse.services.schools.roster import EXPORT_PAGE_SIZE  # noqa: E402


def make_user_factory():
    """Return make_user(role='trainee') like the test fixture's."""
    from tpcourse.services.accounts.accounts import create_user

    counter = iter(range(1, 1_000_000))

    def make_user(role: str = "trainee"):
        n = next(counter)
        return create_user(f"{role}{n}@example.com", f"{role.title()} {n}", PASSWORD, role)

    return make_user


def timed_pages(client, world, pages=PAGES) -> dict[str, float]:
    """Return milliseconds per GET page at this size (best of five; the first warms up)."""
    times = {}
    for name, request_of in pages.items():
        method, path, _form = request_of(world)
        if method != "GET":
            continue
        best = float("inf")
        for _ in range(5):
            db.session.remove()
            g.pop("_login_user", None)
            began = time.perf_counter()
            client.get(path).get_data()
            best = min(best, time.perf_counter() - began)
        times[name] = best * 1000
    return times


def login(client, user) -> None:
    """Log the client in as `user` (a fresh session)."""
    g.pop("_login_user", None)
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})


def _equal(page: str, counts: list[int], rows: list[int]) -> str:
    """"yes" if equal; "+N/page" if a streamed page grew within N per extra page; else "NO"."""
    if len(set(counts)) == 1:
        return "yes"
    per_page = STREAMED.get(page, 0)
    within = all(counts[0] <= n <= counts[0] + per_page * (pages_read(r) - pages_read(rows[0]))
                 for n, r in zip(counts, rows, strict=True))
    return f"+{per_page}/page" if per_page and within else "NO"


def main() -> None:
    """Build each world, count every page's statements, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--sizes", default="10x1,1000x1,10x50,1000x50x3",
                        help="trainees x questions [x the viewer's own attempts]")
    args = parser.parse_args()
    sizes = [tuple(int(part) for part in size.split("x")) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="tpcourse-pages-") as tmp:
        url = args.database_url or f"sqlite:///{tmp}/pages.sqlite3"
        clock = Clock()
        app = make_app(url, Path(tmp), TPCOURSE_NOW=clock, TESTING=False)
        with app.app_context():
            upgrade(revision="heads")
            client = app.test_client()
            make_user = make_user_factory()
            table, times, rows = {}, {}, {}
            for size in sizes:
                empty_database()
                g.pop("_login_user", None)
                world = build_world(make_user, *size, now=clock.now)
                clock.advance(hours=2)
                login(client, world.viewer)
                if size == sizes[-1]:  # before the submit in page_counts closes the attempt
                    times = timed_pages(client, world)
                table[size] = page_counts(client, world)
                school = add_school(world, clock.now)
                login(client, school.admin)
                if size == sizes[-1]:
                    times.update(timed_pages(client, school, SCHOOL_PAGES))
                table[size].update(page_counts(client, school, SCHOOL_PAGES))
                rows[size] = school.rows
            empty_database()
            db.engine.dispose()
    labels = ["x".join(map(str, size)) for size in sizes]
    print(f"{'page':<17}" + "".join(f"{label:>12}" for label in labels)
          + f"{'equal':>9}{'ms @' + labels[-1]:>16}")
    grown = []
    for page in [*PAGES, *SCHOOL_PAGES]:
        counts = [table[size][page] for size in sizes]
        same = _equal(page, counts, [rows[size] for size in sizes])
        grown += [page] if same == "NO" else []
        ms = f"{times[page]:.1f}" if page in times else "-"
        print(f"{page:<17}" + "".join(f"{n:>12}" for n in counts) + f"{same:>9}{ms:>16}")
    print(f"(exports: {', '.join(f'{rows[size]} rows' for size in sizes)}; "
          f"pages of {EXPORT_PAGE_SIZE} rows)")
    if grown:
        sys.exit(f"statement counts grow with the data on: {', '.join(grown)}")


if __name__ == "__main__":
    main()
