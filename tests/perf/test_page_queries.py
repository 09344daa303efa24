"""No N+1: every main page sends the same number of SQL statements however large the data."""

from __future__ import annotations

from sqlalchemy import select

from tpcourse.models import User

from .pages import PAGES, SCHOOL_PAGES, STREAMED, add_school, page_counts, pages_read

SIZES = [  # (trainees, questions in the quiz, the viewer's own submitted attempts)
    (10, 1, 1),
    (1000, 1, 1),
    (10, 50, 1),
    (1000, 50, 3),
]


def test_counter_counts_each_statement(db, count_statements):
    with count_statements() as counter:
        db.session.execute(select(User.id)).all()
        db.session.execute(select(User.email)).all()
    assert counter.count == 2
    assert all("users" in statement for statement in counter.statements)


def test_statement_counts_do_not_grow_with_trainees_or_questions(client, world):
    table = {}
    for size in SIZES:
        table[size] = page_counts(client, world(*size))
    report = "\n".join(f"{size}: {counts}" for size, counts in table.items())
    smallest = table[SIZES[0]]
    assert set(smallest) == set(PAGES)
    for size, counts in table.items():
        grown = {page: (smallest[page], n) for page, n in counts.items() if n != smallest[page]}
        assert not grown, f"statement counts grew at {size}: {grown}\n{report}"


def test_school_pages_do_not_grow_with_trainees_or_questions(client, world, login_as, clock):
    """Dashboard and cohort: equal counts. Exports stream in pages of rows: their count may grow
    by STREAMED[page] statements per extra page read, never with the rows within a page."""
    table, rows = {}, {}
    for size in SIZES:
        school = add_school(world(*size), clock())
        login_as(school.admin)
        table[size], rows[size] = page_counts(client, school, SCHOOL_PAGES), school.rows
    report = "\n".join(f"{size} ({rows[size]} rows): {counts}" for size, counts in table.items())
    smallest = table[SIZES[0]]
    assert set(smallest) == set(SCHOOL_PAGES)
    for size, counts in table.items():
        extra_pages = pages_read(rows[size]) - pages_read(rows[SIZES[0]])
        for page, n in counts.items():
            allowed = smallest[page] + STREAMED.get(page, 0) * extra_pages
            assert smallest[page] <= n <= allowed, f"{page} at {size}: {n} > {allowed}\n{report}"
    assert pages_read(rows[SIZES[1]]) == 3  # 1,000 rows: two full pages and an empty one


def test_school_export_streams_every_row(client, world, login_as, clock):
    school = add_school(world(1000, 1), clock())
    login_as(school.admin)
    for query in ("format=csv", f"cohort={school.cohort_id}&format=csv"):
        text = client.get(f"/school/{school.slug}/export?{query}").get_data(as_text=True)
        assert len(text.strip().splitlines()) == 1 + 1000  # the header, then a row each
    dashboard = client.get(f"/school/{school.slug}/").get_data(as_text=True)
    assert "1000 trainees" in dashboard and "Perf cohort" in dashboard


def test_world_really_has_the_data(client, world, db):
    built = world(1000, 50, 3)
    assert db.session.execute(select(db.func.count(User.id))).scalar_one() == 1000
    from tpcourse.models import Attempt

    own = db.session.execute(select(db.func.count(Attempt.id))
                             .where(Attempt.user_id == built.viewer.id)).scalar_one()
    assert own == 4  # three submitted and the open one
    page = client.get(f"/attempts/{built.open_attempt}").get_data(as_text=True)
    assert page.count('<fieldset class="question') == 50
