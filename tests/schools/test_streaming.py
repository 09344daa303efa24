"""Exports read a fixed number of queries per page and hold one page at a time.

The 100,000-record figure (process growth well under 50 MB) comes from
`python bench/bench_school_export.py`; these tests keep the two properties that make it true.
"""

from __future__ import annotations

import gc
import tracemalloc

from sqlalchemy import event, select

from tests.schools.bulk import populate
from tpcourse.models import CourseVersion
from tpcourse.services.records import signing_keys
from tpcourse.services.schools import exports
from tpcourse.services.schools.roster import RosterFilter, iter_rows, roster_page


class Statements:
    """Count the SQL statements sent while the block runs."""

    def __init__(self, engine) -> None:
        self.engine, self.count = engine, 0

    def _seen(self, *_args) -> None:
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)


def _grow(world, db, clock, total: int, have: int) -> int:
    version = db.session.execute(select(CourseVersion.id).filter_by(
        course_id=world.course.id)).scalar_one()
    populate(world.north.id, world.course.id, version, world.spring.id, total - have, clock.now,
             start=have)
    return total


def _statements_for_export(db, world, clock, page_size: int) -> tuple[int, int]:
    assert world.north.slug  # load the school now (the bulk insert's commit expired it)
    with Statements(db.engine) as counted:
        rows = sum(1 for _ in iter_rows(world.north, RosterFilter(), clock.now, "https://s",
                                        page_size=page_size))
    return counted.count, rows


def test_export_queries_per_page_stay_constant_as_rows_grow(world, db, clock):
    page = 50
    have = 4  # the world's own north trainees
    figures = {}
    for total in (100, 400, 1000):
        have = _grow(world, db, clock, total, have)
        statements, rows = _statements_for_export(db, world, clock, page)
        figures[rows] = statements
    sizes = sorted(figures)
    for rows in sizes:
        pages = -(-rows // page)
        # one streamed statement for every row, then two per page (the page's quiz outcomes
        # and practical-skill sign-offs)
        assert figures[rows] == 1 + 2 * pages, figures
    per_page = (figures[sizes[-1]] - figures[sizes[0]]) / ((sizes[-1] - sizes[0]) / page)
    assert per_page == 2, figures


def test_dashboard_page_queries_do_not_grow_with_the_school(world, db, clock):
    def count_page() -> int:
        assert world.north.slug
        with Statements(db.engine) as counted:
            roster_page(world.north, RosterFilter(), clock.now, "https://s", per_page=25)
        return counted.count

    small = count_page()
    _grow(world, db, clock, 300, 4)
    assert count_page() == small <= 6


def _peak_while_exporting(app, world, clock, fmt: str) -> int:
    export = exports.CompletionExport(world.north, fmt, RosterFilter(), None, "cli", clock.now,
                                      signing_keys.signing_key(app), "https://s")
    gc.collect()
    tracemalloc.start()
    try:
        for _chunk in export.chunks():
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_memory_does_not_grow_with_the_number_of_rows(app, world, db, clock):
    _grow(world, db, clock, 600, 4)
    _peak_while_exporting(app, world, clock, "json")  # warm caches and compiled statements
    small = _peak_while_exporting(app, world, clock, "json")
    _grow(world, db, clock, 3000, 600)
    large = _peak_while_exporting(app, world, clock, "json")
    # Five times the rows: the peak stays about one page of rows, not five times higher.
    assert large < small * 1.5 + 512 * 1024, (small, large)
    assert large < 16 * 1024 * 1024
