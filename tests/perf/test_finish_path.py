""""Submit all and finish" (the summary page's button) costs what a submit costs: it grades the
saved answers with the same statements, and reads nothing a submit does not."""

from __future__ import annotations

from tests.helpers import answer_form
from tests.perf.test_submit_path import SUBMIT_BUDGET, _cold_request
from tpcourse.models import Attempt


def test_finishing_from_the_summary_stays_within_the_submit_budget(app, client, db, enrolled,
                                                                   login_as, count_statements):
    app.config["TPCOURSE_AUDIT_SEALING"] = "manual"  # as in production: sealed off the request
    login_as(enrolled)
    for _ in range(2):  # the first exam warms the process caches; the second is measured
        _cold_request(db)
        response = client.post("/quizzes/intro-quiz/start")
        attempt_id = response.headers["Location"].rsplit("/", 1)[1]
        form = answer_form(db.session.get(Attempt, attempt_id))
        client.post(f"/attempts/{attempt_id}", data={**form, "action": "review"})
        _cold_request(db)
        with count_statements() as finish:
            response = client.post(f"/attempts/{attempt_id}", data={"action": "finish"})
        assert response.headers["Location"].endswith("/result")
    assert finish.count <= SUBMIT_BUDGET, finish.statements
    assert not any("quiz_versions.data" in s for s in finish.statements)
    assert db.session.get(Attempt, attempt_id).passed
