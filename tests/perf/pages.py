"""The main pages whose SQL statement count must not grow with data, and how to count them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import g
from sqlalchemy import event
from sqlalchemy.engine import Engine

from tests.helpers import answer_form
from tpcourse.extensions import db
from tpcourse.models import Attempt

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


# To add once issue 5 is merged (school admin of the world's school, 1,000 trainees in it):
#   "school dashboard": GET /schools/<slug>/      "export page": GET /schools/<slug>/export
# name -> request, as the world's viewer (a trainee) makes it. Submit comes after the attempt
# page (it closes the open attempt), start after submit (so it draws a new attempt).
PAGES: dict[str, Callable[[World], Request]] = {
    "catalogue": lambda w: ("GET", "/", None),
    "course": lambda w: ("GET", f"/courses/{COURSE}", None),
    "lesson": lambda w: ("GET", f"/courses/{COURSE}/01-intro/02-holding", None),
    "quiz overview": lambda w: ("GET", f"/quizzes/{QUIZ}", None),
    "attempt": lambda w: ("GET", f"/attempts/{w.open_attempt}", None),
    "result": lambda w: ("GET", f"/attempts/{w.submitted_attempt}/result", None),
    "history": lambda w: ("GET", f"/quizzes/{QUIZ}/attempts", None),
    "records": lambda w: ("GET", "/records", None),
    "verify": lambda w: ("GET", f"/verify/{w.certificate_code}", None),
    "submit": _submit,
    "start": lambda w: ("POST", f"/quizzes/{QUIZ}/start", {}),  # a new attempt after submit
}


def page_counts(client, world: World, pages: dict[str, Callable[[World], Request]] = PAGES
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
        assert response.status_code in (200, 302), (name, path, response.status_code)
        if name == "submit":
            assert "/result" in response.headers.get("Location", ""), (name, response.headers)
        counts[name] = counter.count
    db.session.remove()
    return counts
