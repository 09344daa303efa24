"""Make `select(...).with_for_update()` hold on every backend, and always read fresh rows.

Services lock a row before deciding on it (an attempt before grading it, the audit head before
appending). Two things would quietly defeat that:

* The ORM's identity map. A request that loaded the attempt earlier (the page handler does)
  gets its *old* attribute values back from the locked query, so it would grade an attempt
  another request has just graded. A locked read therefore always refreshes the objects it
  returns (`populate_existing`).
* SQLite has no row locks and ignores FOR UPDATE; Python's sqlite3 starts a transaction only
  at the first write, so two requests could both read "in progress". A locked read on SQLite
  therefore first takes the database's write lock (`BEGIN IMMEDIATE`), unless this
  transaction already holds it; other writers wait (busy_timeout) until it commits.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session


def register_row_locks() -> None:
    """Install the listener once per process (idempotent)."""
    if not event.contains(Session, "do_orm_execute", _locked_read):
        event.listen(Session, "do_orm_execute", _locked_read)


def _locked_read(state: ORMExecuteState) -> None:
    if not state.is_select or getattr(state.statement, "_for_update_arg", None) is None:
        return
    state.update_execution_options(populate_existing=True)
    connection = state.session.connection(bind_arguments=state.bind_arguments)
    raw = connection.connection.dbapi_connection
    if isinstance(raw, sqlite3.Connection) and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")
