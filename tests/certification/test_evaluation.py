"""The course evaluation: required answers enforced, sent once, totalled for instructors."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.certification.steps import evaluate
from tpcourse.models import AuditEvent, EvaluationResponse
from tpcourse.services.certification.evaluation import clean_answers, summarise
from tpcourse.services.learning.learning import enroll

URL = "/courses/certified/evaluation"
QUESTIONS = [
    {"id": "objectives", "type": "rating", "required": True, "prompt": "Objectives met"},
    {"id": "useful", "type": "rating", "required": False, "prompt": "Useful"},
    {"id": "change", "type": "text", "required": True, "prompt": "Change"},
    {"id": "improve", "type": "text", "required": False, "prompt": "Improve"},
]


@pytest.fixture
def trainee(certified, make_user):
    user = make_user(name="Ines Ruiz")
    enroll(user, certified.id)
    return user


def responses(db):
    db.session.expire_all()
    return list(db.session.execute(select(EvaluationResponse)).scalars())


def test_required_answers_are_asked_for_by_field(client, login_as, trainee, db):
    login_as(trainee)
    page = client.get(URL).get_data(as_text=True)
    assert "The course met its stated objectives." in page and 'type="radio"' in page

    response = client.post(URL, data={"q1": "4", "q3": "More pictures, please"})
    page = response.get_data(as_text=True)

    assert response.status_code == 422
    assert 'class="error-summary"' in page
    assert 'id="q0-error"' in page and "Choose a rating from 1 (poor) to 5" in page
    assert 'id="q2-error"' in page and "Write an answer to this question." in page
    assert 'id="q1-error"' not in page and 'id="q3-error"' not in page
    assert "More pictures, please" in page  # what was typed and chosen is kept
    [checked] = re.findall(r'<input[^>]*checked[^>]*>', page)
    assert 'name="q1"' in checked and 'value="4"' in checked
    assert responses(db) == []


def test_a_rating_outside_one_to_five_is_refused(client, login_as, trainee, db):
    login_as(trainee)
    response = client.post(URL, data={"q0": "9", "q2": "Check in"})
    assert response.status_code == 422 and responses(db) == []


def test_sent_once_with_an_audit_event(client, login_as, trainee, db):
    login_as(trainee)
    response = client.post(URL, data={"q0": "5", "q2": "Ask about pressure more often."})
    assert response.status_code == 302
    [stored] = responses(db)
    assert stored.answers == {"objectives": 5, "change": "Ask about pressure more often."}
    assert db.session.execute(select(AuditEvent.actor).filter_by(
        kind="evaluation.submitted")).scalar_one() == f"user:{trainee.id}"
    page = client.get(URL).get_data(as_text=True)
    assert "you sent your evaluation" in page and 'type="radio"' not in page
    assert client.post(URL, data={"q0": "1", "q2": "again"}).status_code == 200
    assert len(responses(db)) == 1


def test_only_enrolled_trainees_of_a_course_with_questions(client, login_as, certified,
                                                           make_user, basics):
    stranger = make_user()
    login_as(stranger)
    assert client.get(URL).status_code == 404
    enroll(stranger, basics.id)
    assert client.get("/courses/basics/evaluation").status_code == 404  # basics asks nothing


def test_instructors_see_totals_without_names(client, login_as, certified, make_user,
                                              instructor_of, clock, basics):
    answers = [{"objectives": "5", "useful": "4", "change": "Slower pressure", "improve": ""},
               {"objectives": "4", "useful": "", "change": "Screen first", "improve": "Video"},
               {"objectives": "2", "useful": "3", "change": "Check in", "improve": ""}]
    for index, answer in enumerate(answers):
        user = make_user(name=f"Secret Name {index}")
        enroll(user, certified.id)
        evaluate(user, clock.now, answer)
    login_as(instructor_of(certified))

    page = client.get("/teach/courses/certified/evaluation").get_data(as_text=True)

    assert "3 evaluations sent" in page
    assert "Mean 3.67" in page and "from 3 ratings" in page  # objectives: 5, 4, 2
    assert "Mean 3.50" in page and "from 2 ratings" in page  # useful: 4, 3
    for text in ("Slower pressure", "Screen first", "Check in", "Video"):
        assert text in page
    assert "Secret Name" not in page
    login_as(instructor_of(basics))
    assert client.get("/teach/courses/certified/evaluation").status_code == 404


def test_clean_answers():
    answers, errors = clean_answers(QUESTIONS, {"objectives": "3", "useful": " ", "change": " x "})
    assert answers == {"objectives": 3, "change": "x"} and errors == {}
    _answers, errors = clean_answers(QUESTIONS, {"useful": "0", "improve": "y" * 2001})
    assert set(errors) == {"objectives", "useful", "change", "improve"}


def test_summarise():
    [objectives, useful, change, improve] = summarise(QUESTIONS, [
        {"objectives": 5, "change": "a"}, {"objectives": 2, "useful": 3, "change": "b"}])
    assert (objectives.count, objectives.mean) == (2, 3.5)
    assert objectives.distribution == [(1, 0), (2, 1), (3, 0), (4, 0), (5, 1)]
    assert (useful.count, useful.mean) == (1, 3.0)
    assert change.texts == ["a", "b"] and improve.texts == [] and improve.count == 0
