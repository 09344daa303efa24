"""No completion record, so no certificate, while any requirement is missing."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from tests.certification.steps import (
    CERTIFIED_SKILLS,
    complete_basics,
    evaluate,
    pass_quiz,
    read_every_lesson,
    record_of,
    sign_skills,
)
from tpcourse.grading.completion import EVALUATION_MISSING, evaluate_completion
from tpcourse.models import AuditEvent
from tpcourse.services.certification.completion import check_completion, completion_status
from tpcourse.services.learning.learning import enroll

STEPS = ("lessons", "quiz", "skills", "evaluation")


@pytest.fixture
def trainee(certified, make_user):
    user = make_user(name="Ada Byrne")
    enroll(user, certified.id)
    return user


def do_steps(trainee, instructor, now, steps, skills=CERTIFIED_SKILLS):
    if "lessons" in steps:
        read_every_lesson(trainee, "certified", now)
    if "quiz" in steps:
        pass_quiz(trainee, "certified-check", now)
    if "skills" in steps:
        sign_skills(instructor, trainee, now, skills)
    if "evaluation" in steps:
        evaluate(trainee, now)


@pytest.mark.parametrize("left_out", STEPS)
def test_any_missing_requirement_withholds_the_record(client, login_as, certified, trainee,
                                                      instructor_of, clock, left_out):
    do_steps(trainee, instructor_of(certified), clock.now, set(STEPS) - {left_out})

    assert check_completion(trainee, certified.id, clock.now) is None
    assert record_of(trainee, "certified") is None
    missing = completion_status(trainee, certified.id).missing
    assert len(missing) == 1
    assert {"lessons": "lesson(s) still to read", "quiz": "pass the quiz 'certified-check'",
            "skills": "get 3 practical skill(s) signed off",
            "evaluation": EVALUATION_MISSING}[left_out] in missing[0]
    login_as(trainee)
    shown = str(escape(missing[0]))
    # (the course page names each step by title instead: tests/learning/test_course_flow.py)
    assert shown in client.get("/records").get_data(as_text=True)
    records = client.get("/records").get_data(as_text=True)
    assert "Courses in progress" in records and shown in records
    assert "No completion records yet" in records


def test_one_unsigned_skill_is_enough_to_withhold(certified, trainee, instructor_of, clock):
    do_steps(trainee, instructor_of(certified), clock.now, {"lessons", "quiz", "evaluation",
                                                            "skills"},
             skills=CERTIFIED_SKILLS[:2])
    assert record_of(trainee, "certified") is None
    assert completion_status(trainee, certified.id).missing == [
        "get 1 practical skill(s) signed off by an instructor"]


def test_the_last_step_issues_the_record(certified, trainee, instructor_of, clock, db):
    instructor = instructor_of(certified)
    do_steps(trainee, instructor, clock.now, {"lessons", "quiz", "evaluation"})
    sign_skills(instructor, trainee, clock.now, CERTIFIED_SKILLS[:2])
    assert record_of(trainee, "certified") is None

    sign_skills(instructor, trainee, clock.now, CERTIFIED_SKILLS[2:])

    record = record_of(trainee, "certified")
    assert record is not None and record.ce_hours == 3.5
    event = db.session.execute(select(AuditEvent).filter_by(kind="completion.created")).scalar_one()
    assert event.actor == f"user:{instructor.id}"  # the sign-off that completed it


def test_the_evaluation_as_last_step_issues_the_record(client, login_as, certified, trainee,
                                                       instructor_of, clock):
    do_steps(trainee, instructor_of(certified), clock.now, {"lessons", "quiz", "skills"})
    login_as(trainee)
    response = client.post("/courses/certified/evaluation",
                           data={"q0": "5", "q2": "Check in every ten seconds."})
    assert response.status_code == 302 and response.headers["Location"].endswith("/records")
    record = record_of(trainee, "certified")
    assert record is not None
    page = client.get("/records").get_data(as_text=True)
    assert record.certificate_code in page and "Courses in progress" not in page


def test_courses_without_these_rules_complete_as_before(make_user, basics, clock):
    assert complete_basics(make_user(), clock.now).certificate_code.startswith("TP-")


def test_evaluate_completion_checks_skills_and_evaluation():
    rules = {"lessons": "none", "quizzes": "none", "skills": "all", "evaluation": "required"}
    status = evaluate_completion(rules, [], set(), [], None, {}, set(), skill_keys=["a", "b"],
                                 signed_skills={"a", "z"}, evaluation_done=False)
    assert not status.complete and status.missing == [
        "get 1 practical skill(s) signed off by an instructor", EVALUATION_MISSING]
    done = evaluate_completion(rules, [], set(), [], None, {}, set(), skill_keys=["a", "b"],
                               signed_skills={"a", "b"}, evaluation_done=True)
    assert done.complete
    lenient = {"skills": "none", "evaluation": "none"}
    assert evaluate_completion(lenient, [], set(), [], None, {}, set(),
                               skill_keys=["a"]).complete
