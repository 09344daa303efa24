"""Deleting an account keeps its records for the retention period, with little personal data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from tpcourse.models import Attempt, AuditEvent, CompletionRecord, User
from tpcourse.services.accounts import retention
from tpcourse.services.errors import Conflict
from tpcourse.services.exams.attempts import get_quiz, start_attempt


def test_admin_deletes_an_account_and_its_record_stays(client, login_as, world, make_user, db,
                                                       clock):
    record = db.session.execute(select(CompletionRecord).filter_by(
        user_id=world.done.id)).scalar_one()
    quiz, version = get_quiz("intro-quiz")
    clock.advance(days=1)
    start_attempt(world.done, quiz, version, clock.now)  # an unfinished attempt: removed
    login_as(make_user(role="admin"))
    unconfirmed = client.post(f"/admin/users/{world.done.id}/delete")
    assert unconfirmed.status_code == 422 and "Tick the box" in unconfirmed.get_data(as_text=True)
    response = client.post(f"/admin/users/{world.done.id}/delete", data={"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(User, world.done.id)
    assert user.email == f"deleted-{user.id}@deleted.invalid" and user.deleted_at == clock.now
    assert user.name == "Zoë Müller" and not user.active
    assert db.session.get(CompletionRecord, record.id) is not None
    statuses = set(db.session.execute(select(Attempt.status).filter_by(user_id=user.id)).scalars())
    assert statuses == {"submitted"}
    assert client.get(f"/verify/{record.certificate_code}").status_code == 200
    client.post("/logout")
    login = client.post("/login", data={"email": "zoe@north.example",
                                        "password": "correct horse battery"})
    assert login.status_code == 422


def test_the_record_is_still_exported_with_the_name_only(client, login_as, world, clock):
    retention.delete_account(world.done, "user:1", clock.now, 2192)
    login_as(world.north_admin)
    document = json.loads(client.get("/school/north/export?format=json").get_data())
    kept = [r for r in document["records"] if r["name"] == "Zoë Müller"]
    assert len(kept) == 1 and kept[0]["email"].endswith("@deleted.invalid")
    assert kept[0]["certificate_code"] and kept[0]["completed_at"]


def test_names_go_after_the_retention_period(world, db, clock, app):
    assert retention.retention_days(app.config) == 2192
    app.config["TPCOURSE_RECORD_RETENTION_DAYS"] = "30"
    assert retention.retention_days(app.config) == 30
    retention.delete_account(world.done, None, clock.now, 30)
    assert retention.purge_expired(clock.now + timedelta(days=29), 30) == 0
    assert retention.purge_expired(clock.now + timedelta(days=30), 30) == 1
    db.session.expire_all()
    assert db.session.get(User, world.done.id).name == f"Former trainee {world.done.id}"
    assert db.session.execute(select(CompletionRecord).filter_by(
        user_id=world.done.id)).scalar_one()
    assert retention.purge_expired(clock.now + timedelta(days=31), 30) == 0
    kinds = set(db.session.execute(select(AuditEvent.kind)).scalars())
    assert {"account.deleted", "account.purged"} <= kinds


def test_an_account_without_records_loses_its_name_at_once(world, db, clock):
    retention.delete_account(world.idle, None, clock.now, 2192)
    db.session.expire_all()
    assert db.session.get(User, world.idle.id).name == f"Deleted account {world.idle.id}"


def test_cli_deletes_by_email(runner, world, db):
    result = runner.invoke(args=["users", "delete", "--email", "ann@north.example", "--yes"])
    assert result.exit_code == 0 and "records are kept until" in result.output
    again = runner.invoke(args=["users", "delete", "--email", "ann@north.example", "--yes"])
    assert again.exit_code == 1 and "No account" in again.output
    purge = runner.invoke(args=["users", "purge-expired"])
    assert purge.exit_code == 0 and "Anonymised 0" in purge.output


def test_deleting_twice_or_reassigning_a_deleted_account_is_refused(world, clock):
    from tpcourse.services.schools import schools

    retention.delete_account(world.partial, None, clock.now, 2192)
    with pytest.raises(Conflict):
        retention.delete_account(world.partial, None, clock.now, 2192)
    with pytest.raises(Conflict):
        schools.assign_user(world.partial, "admin", None, None, clock.now)
