"""Essays wait for an instructor: the queue, grading per criterion, completion on the last
grade, notifications, and who may grade."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.grading.conftest import essay_form, refresh, start
from tpcourse.models import AuditEvent, CompletionRecord, EssayGrade, Notification

CALF = "Stop the massage and send the client to a doctor today: it may be a clot."
NECK = "The upper trapezius."


def submit(client, db, login_as, trainee, answers=None):
    login_as(trainee)
    attempt = start(client, db)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    response = client.post(f"/attempts/{attempt.id}", data=essay_form(
        attempt, answers if answers is not None else {"calf-case": CALF, "neck-case": NECK}))
    assert response.status_code == 302, response.get_data(as_text=True)
    return refresh(db, attempt), page


def grade(client, attempt, question, scores, overall="", **extra):
    data = {f"score-{cid}": value for cid, value in scores.items()}
    data.update(overall=overall, **extra)
    return client.post(f"/grading/attempts/{attempt.id}/essays/{question}/grade", data=data)


def test_the_rubric_and_model_answer_never_reach_the_trainee(client, db, login_as,
                                                            case_trainee):
    attempt, page = submit(client, db, login_as, case_trainee)
    assert "What I do:" in page  # the response template
    for secret in ("Stops and refers", "deep vein thrombosis", "commonly refers pain"):
        assert secret not in page
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Submitted, awaiting grading" in result
    for secret in ("Stops and refers", "deep vein thrombosis", "commonly refers pain"):
        assert secret not in result


def test_an_attempt_with_essays_waits_and_completion_follows_the_last_grade(
        client, db, login_as, case_trainee, casework, instructor_of):
    attempt, _page = submit(client, db, login_as, case_trainee)
    assert attempt.status == "submitted" and attempt.passed is None and attempt.percent is None
    assert attempt.score == 2 and attempt.max_score == 8  # the true/false part, at once
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "2 of the 8 points" in result and "waiting for your instructor" in result

    instructor = instructor_of(casework)
    login_as(instructor)
    queue = client.get("/grading/").get_data(as_text=True)
    rows = queue.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2 and all("Noor Haddad" in row for row in rows)  # the two essays
    response = grade(client, attempt, "calf-case", {"action": "3", "reason": "1"}, "Safe.",
                     **{"feedback-action": "Referred at once."})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/grading/attempts/{attempt.id}/essays/neck-case")
    assert refresh(db, attempt).passed is None  # one essay still waits
    assert db.session.execute(select(CompletionRecord)).first() is None

    response = grade(client, attempt, "neck-case", {"overall": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/grading/")
    done = refresh(db, attempt)
    assert done.score == 7 and done.percent == 87.5 and done.passed is True
    record = db.session.execute(select(CompletionRecord)).scalar_one()
    assert record.user_id == case_trainee.id
    [notice] = db.session.execute(select(Notification).filter_by(
        user_id=case_trainee.id, kind="attempt_graded")).scalars()
    assert "passed" in notice.body and notice.link == f"/attempts/{attempt.id}/result"
    events = db.session.execute(select(AuditEvent).filter_by(
        kind="attempt.essay_graded").order_by(AuditEvent.seq)).scalars().all()
    assert [e.payload["question"] for e in events] == ["calf-case", "neck-case"]
    assert events[-1].payload["passed"] is True and "passed" not in events[0].payload
    assert all(e.actor == f"user:{instructor.id}" for e in events)

    login_as(case_trainee)
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Passed" in result and "Referred at once." in result and "Safe." in result
    assert "Stops and refers" not in result  # the rubric stays with the graders


def test_the_queue_is_oldest_first_and_can_hide_names(client, db, login_as, casework,
                                                      make_user, instructor_of, clock):
    from tpcourse.services.learning.learning import enroll

    first, second = make_user(name="Ana First"), make_user(name="Bo Second")
    for trainee in (first, second):
        enroll(trainee, casework.id)
    submit(client, db, login_as, second)
    clock.advance(minutes=5)
    submit(client, db, login_as, first)
    login_as(instructor_of(casework))
    page = client.get("/grading/").get_data(as_text=True)
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    assert table.index("Bo Second") < table.index("Ana First")
    hidden = client.get("/grading/?anonymous=1").get_data(as_text=True)
    assert "Bo Second" not in hidden and "Ana First" not in hidden and "Candidate " in hidden
    link = hidden.split('id="grade-first" href="')[1].split('"')[0].replace("&amp;", "&")
    sheet = client.get(link).get_data(as_text=True)
    assert "Bo Second" not in sheet and "Candidate " in sheet
    assert "Stops and refers" in sheet and CALF in sheet  # answer beside the rubric


def test_bad_scores_come_back_with_what_was_typed(client, db, login_as, case_trainee,
                                                 casework, instructor_of):
    attempt, _page = submit(client, db, login_as, case_trainee)
    login_as(instructor_of(casework))
    response = grade(client, attempt, "calf-case", {"action": "9", "reason": ""},
                     "Kept comment")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a score from 0 to 3." in page and "Kept comment" in page and 'value="9"' in page
    assert db.session.execute(select(EssayGrade)).first() is None


def test_an_essay_is_graded_once(client, db, login_as, case_trainee, casework, instructor_of):
    attempt, _page = submit(client, db, login_as, case_trainee)
    login_as(instructor_of(casework))
    assert grade(client, attempt, "neck-case", {"overall": "2"}).status_code == 302
    assert grade(client, attempt, "neck-case", {"overall": "0"}).status_code == 409
    assert db.session.execute(select(EssayGrade.points)).scalars().all() == [2.0]


@pytest.mark.parametrize("who", ["trainee", "school_admin", "other_instructor"])
def test_nobody_else_sees_or_grades(client, db, login_as, case_trainee, casework, make_user,
                                    instructor_of, who):
    from tests.conftest import CONTENT
    from tpcourse.models import Course
    from tpcourse.services.authoring.content_sync import sync_from_folders

    attempt, _page = submit(client, db, login_as, case_trainee)
    sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
    basics = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    people = {"trainee": case_trainee,
              "school_admin": make_user(role="school_admin", school="northfield"),
              "other_instructor": instructor_of(basics)}
    login_as(people[who])
    expected = {"trainee": 403, "school_admin": 403, "other_instructor": 404}[who]
    url = f"/grading/attempts/{attempt.id}/essays/calf-case"
    assert client.get(url).status_code == expected
    assert grade(client, attempt, "calf-case", {"action": "3", "reason": "1"}).status_code \
        == expected
    assert client.get(f"/grading/attempts/{attempt.id}").status_code == expected
    if who == "other_instructor":
        assert "Noor Haddad" not in client.get("/grading/").get_data(as_text=True)
    assert db.session.execute(select(EssayGrade)).first() is None


def test_a_too_long_essay_is_sent_back_kept(client, db, login_as, case_trainee):
    login_as(case_trainee)
    attempt = start(client, db)
    long = " ".join(["word"] * 51)
    response = client.post(f"/attempts/{attempt.id}", data=essay_form(
        attempt, {"calf-case": long, "neck-case": NECK}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "51 words; the limit is 50" in page and long in page
    assert refresh(db, attempt).status == "in_progress"


def test_schools_hear_of_the_grade_once_it_is_decided(client, db, login_as, case_trainee,
                                                      casework, instructor_of, clock):
    from tpcourse.integrations.webhooks import endpoints
    from tpcourse.models import School, WebhookEvent
    from tpcourse.services.records.audit import seal_pending

    north = db.session.execute(select(School).filter_by(slug="northfield")).scalar_one()
    endpoints.create_endpoint(north, "http://127.0.0.1:9/hook", ["attempt.graded"], "", None,
                              clock.now)
    attempt, _page = submit(client, db, login_as, case_trainee)
    seal_pending()
    db.session.commit()
    assert db.session.execute(select(WebhookEvent)).first() is None  # not decided yet
    login_as(instructor_of(casework))
    grade(client, attempt, "calf-case", {"action": "3", "reason": "1"})
    grade(client, attempt, "neck-case", {"overall": "2"})
    [event] = db.session.execute(select(WebhookEvent)).scalars().all()
    assert event.type == "attempt.graded" and event.payload["data"]["passed"] is True
    assert event.payload["data"]["percent"] == 100.0
