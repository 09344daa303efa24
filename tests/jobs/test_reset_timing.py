"""The password-reset request does the same work for a registered address and an unknown one
(docs/security.md, "Reset timing"): the same SQL statements (none), one job of the same shape
handed over, and no mail server contacted during the request. The job decides, afterwards."""

from __future__ import annotations

import socket

import pytest

from tests.helpers import outbox
from tpcourse.services.jobs.queue import JobCall


class Recorder:
    """An adapter that keeps what it is given (what a Redis queue would receive)."""

    name = "recorder"

    def __init__(self) -> None:
        self.calls: list[JobCall] = []

    def submit(self, call: JobCall) -> None:
        self.calls.append(call)


@pytest.fixture
def connections(monkeypatch):
    """Count outgoing TCP connections made while the request runs."""
    made = []
    original = socket.create_connection

    def counting(address, *args, **kwargs):
        made.append(address)
        return original(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", counting)
    return made


def _request(app, client, count_statements, email: str) -> tuple[int, list[str], list[JobCall]]:
    recorder = Recorder()
    app.extensions["tpcourse_jobs"] = recorder
    from tpcourse.extensions import db

    db.session.remove()
    with count_statements() as counter:
        response = client.post("/password/forgot", data={"email": email})
    assert response.status_code == 302
    return counter.count, counter.statements, recorder.calls


def test_known_and_unknown_addresses_cost_the_same(app, client, db, make_user, count_statements,
                                                   connections):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)  # would fail loudly if contacted
    make_user(email="known@example.com")
    known = _request(app, client, count_statements, "known@example.com")
    unknown = _request(app, client, count_statements, "nobody@example.com")
    assert known[0] == unknown[0] == 0, (known[1], unknown[1])  # no SQL on the request
    [known_job], [unknown_job] = known[2], unknown[2]
    assert known_job.name == unknown_job.name == "accounts.reset_email"
    assert len(known_job.args) == len(unknown_job.args) == 3  # address, request id, language
    assert [len(a) for a in known_job.args[1:]] == [len(a) for a in unknown_job.args[1:]]
    assert known_job.args[2] == unknown_job.args[2] == "en"
    assert connections == []  # no mail server on the request's path


def test_the_job_sends_for_a_known_address_only(app, client, db, make_user):
    make_user(email="known@example.com", name="Known Person")
    for email in ("known@example.com", "nobody@example.com"):
        client.post("/password/forgot", data={"email": email})
    [message] = outbox(app)
    assert message.to == "known@example.com" and "/password/reset/" in message.body
