"""Grades are logged through a queue and chained moments later: nothing lost, nothing twice,
the chain intact, whoever seals (the background sealer, the next chained event, the CLI)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from tests.helpers import answer_form
from tpcourse.models import Attempt, AuditEvent, AuditPending
from tpcourse.services.records import audit
from tpcourse.services.records.audit_sealer import sealer_for


def _chain(db) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())


def _waiting(db) -> int:
    return db.session.execute(select(func.count()).select_from(AuditPending)).scalar_one()


def test_a_queued_event_waits_outside_the_chain_until_sealed(db):
    audit.record_event("chained.first", {"n": 0})
    db.session.commit()
    for n in range(1, 6):
        audit.queue_event("queued", {"n": n}, "user:7")
    db.session.commit()
    assert [e.kind for e in _chain(db)] == ["chained.first"]
    assert _waiting(db) == 5

    assert audit.seal_pending(batch=2) == 5  # three batches of 2, 2 and 1
    chain = _chain(db)
    assert [(e.seq, e.kind, e.payload.get("n")) for e in chain] == [
        (1, "chained.first", 0), *((n + 1, "queued", n) for n in range(1, 6))]
    assert chain[-1].actor == "user:7"
    assert _waiting(db) == 0
    assert audit.verify_stored_chain() is None
    assert audit.seal_pending() == 0  # nothing left: a second sealer finds nothing


def test_an_event_queued_in_a_rolled_back_transaction_never_exists(db):
    audit.queue_event("queued", {"n": 1})
    db.session.rollback()
    assert _waiting(db) == 0
    assert audit.seal_pending() == 0
    assert _chain(db) == []


def test_a_chained_event_first_seals_what_waits_so_the_order_holds(db):
    audit.queue_event("queued", {"n": 1})
    audit.queue_event("queued", {"n": 2})
    db.session.commit()
    audit.record_event("chained.after", {"n": 3})
    db.session.commit()
    assert [(e.kind, e.payload["n"]) for e in _chain(db)] == [
        ("queued", 1), ("queued", 2), ("chained.after", 3)]
    assert _waiting(db) == 0
    assert audit.verify_stored_chain() is None


def test_concurrent_sealers_chain_every_event_exactly_once(app, db):
    for n in range(60):
        audit.queue_event("queued", {"n": n})
    db.session.commit()
    start = threading.Barrier(4)
    sealed: list[int] = []
    errors: list[BaseException] = []

    def seal() -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                sealed.append(audit.seal_pending(batch=7))
            except BaseException as exc:  # noqa: BLE001  (reported below)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=seal) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(sealed) == 60
    chain = _chain(db)
    assert sorted(e.payload["n"] for e in chain) == list(range(60))
    assert [e.seq for e in chain] == list(range(1, 61))
    assert audit.verify_stored_chain() is None


def test_the_background_sealer_chains_a_grade_after_the_response(app, client, db, enrolled,
                                                                  login_as):
    app.config["TPCOURSE_AUDIT_SEALING"] = "background"
    app.config["TPCOURSE_AUDIT_SEAL_DELAY"] = 0.0
    login_as(enrolled)
    response = client.post("/quizzes/intro-quiz/start")
    attempt_id = response.headers["Location"].rsplit("/", 1)[1]
    form = answer_form(db.session.get(Attempt, attempt_id))
    response = client.post(f"/attempts/{attempt_id}", data=form)
    assert response.headers["Location"].endswith("/result")

    assert sealer_for(app).wait_until_sealed(timeout=60)
    graded = [e for e in _chain(db) if e.kind == "attempt.graded"]
    assert [e.payload["attempt"] for e in graded] == [attempt_id]
    assert _waiting(db) == 0
    assert audit.verify_stored_chain() is None


def test_manual_sealing_leaves_grades_for_the_cli(app, client, db, enrolled, login_as, runner):
    app.config["TPCOURSE_AUDIT_SEALING"] = "manual"
    login_as(enrolled)
    response = client.post("/quizzes/intro-quiz/start")
    attempt_id = response.headers["Location"].rsplit("/", 1)[1]
    client.post(f"/attempts/{attempt_id}", data=answer_form(db.session.get(Attempt, attempt_id)))

    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "1 recorded event waits to be chained" in result.output
    result = runner.invoke(args=["audit", "seal"])
    assert result.exit_code == 0 and "Chained 1 waiting event." in result.output
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "wait to be chained" not in result.output
    assert [e.payload["attempt"] for e in _chain(db) if e.kind == "attempt.graded"] == [
        attempt_id]


def test_an_unknown_sealing_mode_stops_the_app_from_starting(tmp_path):
    import pytest

    from tests.conftest import make_app

    with pytest.raises(ValueError, match="TPCOURSE_AUDIT_SEALING is 'inlined'; use one of"):
        make_app(f"sqlite:///{tmp_path}/x.sqlite3", tmp_path, TPCOURSE_AUDIT_SEALING="inlined")
