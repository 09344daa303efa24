"""Grade overrides: an instructor of the course, with a reason, in the history and the audit
chain; the original grade stays visible."""

from __future__ import annotations

from sqlalchemy import select

from tests.grading.conftest import essay_form, refresh, start
from tests.grading.test_grading_queue import CALF, NECK, grade
from tpcourse.models import AuditEvent, CompletionRecord, GradeOverride, Notification
from tpcourse.services.records.audit import verify_stored_chain


def graded_attempt(client, db, login_as, trainee, instructor, true_false=False):
    login_as(trainee)
    attempt = start(client, db)
    client.post(f"/attempts/{attempt.id}", data=essay_form(
        attempt, {"calf-case": CALF, "neck-case": NECK}, true_false=true_false))
    login_as(instructor)
    grade(client, attempt, "calf-case", {"action": "1", "reason": "0"})
    grade(client, attempt, "neck-case", {"overall": "1"})
    return refresh(db, attempt)


def test_an_override_keeps_the_original_and_is_audited(client, db, login_as, case_trainee,
                                                      casework, instructor_of):
    instructor = instructor_of(casework)
    attempt = graded_attempt(client, db, login_as, case_trainee, instructor)
    assert (attempt.score, attempt.percent, attempt.passed) == (2.0, 25.0, False)

    response = client.post(f"/grading/attempts/{attempt.id}/override", data={
        "score": "6", "result": "passed",
        "reason": "Question 1 was ambiguous; the trainee's answer is safe practice."})
    assert response.status_code == 302
    changed = refresh(db, attempt)
    assert (changed.score, changed.percent, changed.passed) == (6.0, 75.0, True)
    override = db.session.execute(select(GradeOverride)).scalar_one()
    assert (override.from_score, override.from_percent, override.from_passed) == (2.0, 25.0, False)
    assert override.by_id == instructor.id
    event = db.session.execute(select(AuditEvent).filter_by(
        kind="attempt.grade_overridden")).scalar_one()
    assert event.payload["from"] == {"score": 2.0, "percent": 25.0, "passed": False}
    assert event.payload["to"]["passed"] is True and "ambiguous" in event.payload["reason"]
    assert event.actor == f"user:{instructor.id}"
    assert verify_stored_chain() is None
    assert db.session.execute(select(CompletionRecord)).scalar_one().user_id == case_trainee.id

    page = client.get(f"/grading/attempts/{attempt.id}").get_data(as_text=True)
    assert "Original grade: 25" in page and "overridden" in page and "ambiguous" in page
    assert page.index("submitted") < page.index("essay graded") < page.index("grade overridden")
    login_as(case_trainee)
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Passed" in result and "it was 25" in result and "ambiguous" in result
    kinds = db.session.execute(select(Notification.kind).filter_by(
        user_id=case_trainee.id)).scalars().all()
    assert kinds.count("attempt_graded") == 2  # graded, then changed


def test_an_override_needs_a_reason_a_result_and_a_score_in_range(client, db, login_as,
                                                                 case_trainee, casework,
                                                                 instructor_of):
    attempt = graded_attempt(client, db, login_as, case_trainee, instructor_of(casework))
    response = client.post(f"/grading/attempts/{attempt.id}/override",
                           data={"score": "80", "reason": "short"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a score from 0 to 8 points." in page and "Choose whether" in page
    assert "Give the reason" in page and 'value="80"' in page
    assert db.session.execute(select(GradeOverride)).first() is None
    assert refresh(db, attempt).percent == 25.0


def test_an_attempt_awaiting_grading_cannot_be_overridden(client, db, login_as, case_trainee,
                                                         casework, instructor_of):
    login_as(case_trainee)
    attempt = start(client, db)
    client.post(f"/attempts/{attempt.id}", data=essay_form(attempt, {"calf-case": CALF}))
    login_as(instructor_of(casework))
    page = client.get(f"/grading/attempts/{attempt.id}").get_data(as_text=True)
    assert "awaiting grading" in page and "Override the grade" not in page
    response = client.post(f"/grading/attempts/{attempt.id}/override", data={
        "score": "6", "result": "passed", "reason": "A long enough reason here."})
    assert response.status_code == 409


def test_other_instructors_cannot_override(client, db, login_as, case_trainee, casework,
                                          instructor_of, make_user):
    attempt = graded_attempt(client, db, login_as, case_trainee, instructor_of(casework))
    login_as(make_user(role="instructor"))
    response = client.post(f"/grading/attempts/{attempt.id}/override", data={
        "score": "6", "result": "passed", "reason": "A long enough reason here."})
    assert response.status_code == 404
    assert refresh(db, attempt).passed is False
