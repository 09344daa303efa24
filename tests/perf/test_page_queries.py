"""No N+1: every main page sends the same number of SQL statements however large the data."""

from __future__ import annotations

from sqlalchemy import select

from tpcourse.models import User

from .pages import PAGES, page_counts

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


def test_world_really_has_the_data(client, world, db):
    built = world(1000, 50, 3)
    assert db.session.execute(select(db.func.count(User.id))).scalar_one() == 1000
    from tpcourse.models import Attempt

    own = db.session.execute(select(db.func.count(Attempt.id))
                             .where(Attempt.user_id == built.viewer.id)).scalar_one()
    assert own == 4  # three submitted and the open one
    page = client.get(f"/attempts/{built.open_attempt}").get_data(as_text=True)
    assert page.count('<fieldset class="question') == 50
