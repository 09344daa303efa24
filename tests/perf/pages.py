"""The main pages whose SQL statement count must not grow with data, and how to count them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g
from sqlalchemy import event, func, select, update
from sqlalchemy.engine import Engine

from tests.helpers import answer_form
from tpcourse.extensions import db
from tpcourse.models import Attempt, Course, Enrollment, User
from tpcourse.services.schools.roster import EXPORT_PAGE_SIZE

from .world import COURSE, QUIZ, World

Request = tuple[str, str, dict[str, Any] | None]


class StatementCounter:
    """Count the SQL statements an engine sends while the block runs (before_cursor_execute)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, _conn, _cursor, statement, _params, _context, _executemany) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        """How many statements were sent."""
        return len(self.statements)

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._record)


def _submit(world: World) -> Request:
    attempt = db.session.get(Attempt, world.open_attempt)
    return "POST", f"/attempts/{world.open_attempt}", answer_form(attempt)


# name -> request, as the world's viewer (a trainee) makes it. Submit comes after the attempt
# page (it closes the open attempt), start after submit (so it draws a new attempt).
PAGES: dict[str, Callable[[World], Request]] = {
    "catalogue": lambda w: ("GET", "/", None),
    "course": lambda w: ("GET", f"/courses/{COURSE}", None),
    "lesson": lambda w: ("GET", f"/courses/{COURSE}/01-intro/02-holding", None),
    "quiz overview": lambda w: ("GET", f"/quizzes/{QUIZ}", None),
    "attempt": lambda w: ("GET", f"/attempts/{w.open_attempt}", None),
    "summary": lambda w: ("GET", f"/attempts/{w.open_attempt}/summary", None),
    "result": lambda w: ("GET", f"/attempts/{w.submitted_attempt}/result", None),
    "history": lambda w: ("GET", f"/quizzes/{QUIZ}/attempts", None),
    "records": lambda w: ("GET", "/records", None),
    "verify": lambda w: ("GET", f"/verify/{w.certificate_code}", None),
    "submit": _submit,
    "start": lambda w: ("POST", f"/quizzes/{QUIZ}/start", {}),  # a new attempt after submit
}


@dataclass
class SchoolWorld:
    """The world's trainees as one school's cohort, and the school admin who looks at them."""

    slug: str
    cohort_id: int
    admin: User
    rows: int  # enrolments in the school: the rows of its export


def add_school(world: World, now) -> SchoolWorld:
    """Put every trainee of the world (viewer included) in one school and one cohort.

    The admin gets the next id explicitly: the world's bulk-inserted trainees chose their own
    ids, so PostgreSQL's sequence would hand out one of theirs.
    """
    from werkzeug.security import generate_password_hash

    from tests.conftest import PASSWORD
    from tpcourse.services.accounts.accounts import ensure_school
    from tpcourse.services.schools.cohorts import create_cohort

    school = ensure_school("perf-school", "Perf School")
    admin = User(id=db.session.execute(select(func.max(User.id))).scalar_one() + 1,
                 email="perf-admin@example.com", name="Perf Admin", role="school_admin",
                 password_hash=generate_password_hash(PASSWORD), school_id=school.id)
    db.session.add(admin)
    course_id = db.session.execute(select(Course.id).filter_by(slug=COURSE)).scalar_one()
    cohort = create_cohort(school, "Perf cohort", course_id, None, now)
    db.session.execute(update(User).where(User.role == "trainee").values(school_id=school.id))
    db.session.execute(update(Enrollment).values(cohort_id=cohort.id))
    db.session.commit()
    rows = db.session.execute(select(func.count(Enrollment.id))).scalar_one()
    assert rows == world.trainees, "every trainee is enrolled once, in the cohort"
    return SchoolWorld(school.slug, cohort.id, admin, rows)


# name -> request, as the school's admin makes it. The exports stream the school's (or the
# cohort's) rows in keyset pages of EXPORT_PAGE_SIZE: see STREAMED.
SCHOOL_PAGES: dict[str, Callable[[SchoolWorld], Request]] = {
    "school dashboard": lambda s: ("GET", f"/school/{s.slug}/", None),
    "cohort": lambda s: ("GET", f"/school/{s.slug}/cohorts/{s.cohort_id}", None),
    "school export": lambda s: ("GET", f"/school/{s.slug}/export?format=csv", None),
    "cohort export": lambda s: ("GET", f"/school/{s.slug}/export?cohort={s.cohort_id}"
                                       "&format=csv", None),
}
# Streamed pages send a fixed number of statements per page of rows (the rows, then their quiz
# outcomes), so they may grow with the pages read, never with the rows within a page.
STREAMED = {"school export": 2, "cohort export": 2}  # name -> statements per page of rows


def pages_read(rows: int) -> int:
    """Row queries of a keyset-paged read: the full pages, then a short (or empty) last one."""
    return rows // EXPORT_PAGE_SIZE + 1


def page_counts(client, world: Any, pages: dict[str, Callable[[Any], Request]] = PAGES
                ) -> dict[str, int]:
    """Request every page once as the viewer; return its statement count in steady state.

    The per-process caches of immutable versions start empty and are warmed by one pass over
    the GET pages first, so every world is measured the same way: as a running server sees it.
    """
    from tpcourse.services import cache

    cache.clear()
    for name, request_of in pages.items():
        method, path, _form = request_of(world)
        if method == "GET":
            g.pop("_login_user", None)
            assert client.get(path).status_code == 200, (name, path)
    counts = {}
    for name, request_of in pages.items():
        method, path, form = request_of(world)
        # The test client reuses the test's app context: start each page cold, as in production
        # (no identity map, no user remembered in g from the previous request).
        db.session.remove()
        g.pop("_login_user", None)
        with StatementCounter(db.engine) as counter:
            response = client.open(path, method=method, data=form)
            response.get_data()  # a streamed body runs its queries while it is read
        assert response.status_code in (200, 302), (name, path, response.status_code)
        if name == "submit":
            assert "/result" in response.headers.get("Location", ""), (name, response.headers)
        counts[name] = counter.count
    db.session.remove()
    return counts
