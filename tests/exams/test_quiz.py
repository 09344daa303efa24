"""Taking quizzes through the web: rules are enforced by the server, the key never leaks."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from tests.helpers import answer_form, field
from tpcourse.models import Attempt


@pytest.fixture
def trainee(enrolled, login_as):
    return login_as(enrolled)


def start(client, db, slug):
    response = client.post(f"/quizzes/{slug}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(Attempt, response.headers["Location"].rsplit("/", 1)[-1])


def refresh(db, attempt):
    db.session.expire_all()
    return db.session.get(Attempt, attempt.id)


def test_attempt_page_has_no_answer_key(client, db, trainee):
    attempt = start(client, db, "intro-quiz")
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    data = attempt.quiz_version.data
    assert len(re.findall(r'<fieldset class="question', page)) == 8
    for q in data["questions"]:
        for option in q.get("options", []):
            if option.get("feedback"):
                assert option["feedback"] not in page
        assert q["explanation"] not in page
        for accepted in q.get("accept", []):
            assert f'value="{accepted}"' not in page
    assert "correct" not in page.lower().replace("correctly", "")
    assert "cx=" not in page and "regions" not in page
    # Option values are display positions, never the option ids from the file.
    assert not re.search(r'name="q\d+" value="[a-z]"', page)
    # Field names are positions: no question id (which could hint at the answer) is in a name.
    assert not re.search(r'name="q-', page)
    for qid in attempt.question_ids:
        assert not re.search(rf'(name|id|for|data-field)="[^"]*\b{re.escape(qid)}\b', page)


def test_submit_grades_once_and_review_shows_feedback(client, db, trainee):
    attempt = start(client, db, "intro-quiz")
    form = answer_form(attempt, correct=False)
    response = client.post(f"/attempts/{attempt.id}", data=form)
    assert response.status_code == 302
    attempt = refresh(db, attempt)
    assert attempt.status == "submitted" and attempt.passed is False and attempt.score == 0
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "Not passed" in result and "Tendons are not where trigger points form." in result
    assert "Trigger points sit in <strong>taut bands</strong>" in result
    again = client.post(f"/attempts/{attempt.id}", data=answer_form(attempt, correct=True))
    assert again.status_code == 302 and again.headers["Location"].endswith("/result")
    assert refresh(db, attempt).score == 0  # the first grade stands


def test_submitting_a_closed_attempt_is_refused_by_the_service(client, db, trainee, enrolled):
    from tpcourse.services.errors import Conflict
    from tpcourse.services.exams.attempts import submit_attempt

    attempt = start(client, db, "intro-quiz")
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt))
    with pytest.raises(Conflict):
        submit_attempt(attempt.id, enrolled, answer_form(attempt))


def test_bad_numeric_answer_rerenders_with_answers_kept(client, db, trainee):
    attempt = start(client, db, "intro-quiz")
    form = answer_form(attempt)
    form[field(attempt, "hold-seconds")] = "about a minute"
    response = client.post(f"/attempts/{attempt.id}", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a number" in page and 'value="about a minute"' in page
    assert f'value="{form[field(attempt, "referred")]}"' in page  # the other answers are still there
    attempt = refresh(db, attempt)
    assert attempt.status == "in_progress"
    assert attempt.responses["referred"] == form[field(attempt, "referred")]


def test_save_and_resume_after_logging_out(client, db, trainee, login_as):
    attempt = start(client, db, "intro-quiz")
    form = answer_form(attempt)
    form["action"] = "save"
    assert client.post(f"/attempts/{attempt.id}", data=form).status_code == 302
    login_as(trainee)  # logs out and in again: a new session
    resumed = start(client, db, "intro-quiz")
    assert resumed.id == attempt.id
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert f'value="{form[field(attempt, "referred")]}"' in page
    assert refresh(db, attempt).question_ids == resumed.question_ids  # same draw on reload
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt))  # the page re-posts all
    assert refresh(db, attempt).passed


def test_hotspot_click_without_javascript_saves(client, db, trainee):
    attempt = start(client, db, "intro-quiz")
    response = client.post(f"/attempts/{attempt.id}", data={
        field(attempt, "spot") + "-img.x": "50", field(attempt, "spot") + "-img.y": "49"})
    assert response.status_code == 302
    attempt = refresh(db, attempt)
    assert attempt.status == "in_progress" and attempt.responses["spot"] == [50, 49]
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert 'value="50' in page


def test_cooldown_and_attempt_limit(client, db, trainee, clock):
    first = start(client, db, "safety-quiz")
    client.post(f"/attempts/{first.id}", data=answer_form(first, correct=False))
    refused = client.post("/quizzes/safety-quiz/start")  # a stale page's start button
    assert refused.status_code == 302 and refused.headers["Location"].endswith(
        "/quizzes/safety-quiz")
    page = client.get("/quizzes/safety-quiz").get_data(as_text=True)
    assert "Take a break" in page  # the flash says why ...
    assert "You can try again from" in page  # ... and the overview says when
    clock.advance(minutes=31)
    second = start(client, db, "safety-quiz")
    client.post(f"/attempts/{second.id}", data=answer_form(second, correct=False))
    clock.advance(minutes=31)
    final = client.post("/quizzes/safety-quiz/start", follow_redirects=True)
    assert "used all 2 attempts" in final.get_data(as_text=True)
    assert len(db.session.execute(select(Attempt)).all()) == 2


def test_accommodation_extends_attempts_and_time(client, db, trainee, enrolled, clock):
    from tpcourse.models import Accommodation, Quiz

    quiz = db.session.execute(select(Quiz).filter_by(slug="safety-quiz")).scalar_one()
    db.session.add(Accommodation(user_id=enrolled.id, quiz_id=quiz.id, extra_attempts=1,
                                 extra_percent=50))
    db.session.commit()
    page = client.get("/quizzes/safety-quiz").get_data(as_text=True)
    assert "yours: 15 minutes" in page and "yours: 3" in page
    attempt = start(client, db, "safety-quiz")
    assert (attempt.deadline - attempt.started_at).total_seconds() == 15 * 60


def test_deadline_is_enforced_by_the_server(client, db, trainee, clock):
    attempt = start(client, db, "safety-quiz")
    saved = answer_form(attempt, correct=False)
    saved["action"] = "save"
    client.post(f"/attempts/{attempt.id}", data=saved)
    clock.advance(minutes=10, seconds=31)  # past the 10-minute limit and the grace
    response = client.post(f"/attempts/{attempt.id}", data=answer_form(attempt, correct=True))
    assert response.status_code == 302
    attempt = refresh(db, attempt)
    assert attempt.status == "expired" and attempt.passed is False  # graded on what was saved
    assert attempt.submitted_at == attempt.deadline


def test_submission_within_grace_counts(client, db, trainee, clock):
    attempt = start(client, db, "safety-quiz")
    clock.advance(minutes=10, seconds=20)
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt, correct=True))
    attempt = refresh(db, attempt)
    assert attempt.status == "submitted" and attempt.passed


def test_expired_attempt_is_closed_when_next_touched(client, db, trainee, clock):
    attempt = start(client, db, "safety-quiz")
    clock.advance(hours=2)
    response = client.get(f"/attempts/{attempt.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    assert refresh(db, attempt).status == "expired"


def test_review_after_pass_hides_answers_until_passed(client, db, trainee, clock):
    attempt = start(client, db, "safety-quiz")
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt, correct=False))
    page = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "shown once you pass" in page and "Refer urgently" not in page
    assert "must be answered correctly" in page or "safety question" in page
    # Nothing per question: "0 / 1" beside a true/false prompt would give its answer away.
    assert 'class="review-item' not in page and " / 1 point" not in page
    prompts = [q["prompt_html"] for q in attempt.quiz_version.data["questions"]]
    assert not any(prompt in page for prompt in prompts)
    clock.advance(minutes=31)
    second = start(client, db, "safety-quiz")
    client.post(f"/attempts/{second.id}", data=answer_form(second, correct=True))
    assert "Refer urgently" in client.get(f"/attempts/{second.id}/result").get_data(as_text=True)


def test_must_pass_question_fails_a_high_score(client, db, trainee):
    attempt = start(client, db, "safety-quiz")
    form = answer_form(attempt, correct=True)
    form[field(attempt, "dvt")] = "true"  # wrong on the must-pass question only
    client.post(f"/attempts/{attempt.id}", data=form)
    attempt = refresh(db, attempt)
    assert attempt.percent > 50 and attempt.passed is False


def test_review_never_shows_only_scores(client, db, trainee):
    attempt = start(client, db, "basics-final")
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt))
    page = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "overall result only" in page and "Correct answer" not in page
    assert 'class="review-item' not in page and " / 1 point" not in page


def test_history_lists_every_attempt(client, db, trainee, clock):
    first = start(client, db, "intro-quiz")
    client.post(f"/attempts/{first.id}", data=answer_form(first, correct=False))
    clock.advance(minutes=31)
    second = start(client, db, "intro-quiz")
    page = client.get("/quizzes/intro-quiz/attempts").get_data(as_text=True)
    assert page.count("<tr>") == 3 and "not passed" in page and "Resume" in page
    assert f"/attempts/{second.id}" in page


def test_other_users_attempts_are_404(client, db, trainee, make_user, login_as):
    attempt = start(client, db, "intro-quiz")
    other = make_user()
    login_as(other)
    assert client.get(f"/attempts/{attempt.id}").status_code == 404
    assert client.post(f"/attempts/{attempt.id}", data={}).status_code == 404
    assert client.get(f"/attempts/{attempt.id}/result").status_code == 404


def test_attempt_ids_are_not_guessable(client, db, trainee):
    attempt = start(client, db, "intro-quiz")
    assert len(attempt.id) >= 20 and not attempt.id.isdigit()


def test_changed_quiz_does_not_alter_past_attempts(client, db, trainee, app, tmp_path):
    import shutil

    from tests.conftest import CONTENT
    from tpcourse.services.authoring.content_sync import sync_from_folders

    attempt = start(client, db, "intro-quiz")
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt))
    shutil.copytree(CONTENT, tmp_path / "c")
    path = tmp_path / "c/quizzes/intro-quiz.yaml"
    path.write_text(path.read_text().replace("answer: 60", "answer: 5"))
    report = sync_from_folders(tmp_path / "c/lessons", tmp_path / "c/quizzes")
    assert report.created == ["quiz intro-quiz: version 2"]
    attempt = refresh(db, attempt)
    assert attempt.quiz_version.version == 1 and attempt.passed
    assert json.dumps(attempt.quiz_version.data).count('"answer": 60') == 1


def test_every_question_type_renders_grades_and_reviews(client, db, trainee):
    attempt = start(client, db, "intro-quiz")
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    for marker in ('type="radio"', 'type="checkbox"', 'inputmode="decimal"', "<select",
                   'type="image"', f'name="{field(attempt, "referred")}"', 'class="hotspot-x"'):
        assert marker in page
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt))
    attempt = refresh(db, attempt)
    assert attempt.percent == 100 and all(r["score"] == r["points"] for r in attempt.results)
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert result.count("Correct answer:") == 8 and "Upper trapezius → Temple" in result
    assert '<svg class="hotspot-review"' in result and 'class="region"' in result


def test_overview_shows_the_score_that_counts(client, db, trainee, clock):
    first = start(client, db, "intro-quiz")
    client.post(f"/attempts/{first.id}", data=answer_form(first))
    page = client.get("/quizzes/intro-quiz").get_data(as_text=True)
    assert "Your score that counts" in page and "100\u00a0%</strong> — attempt 1, passed" in page


def test_autosave_request_saves_quietly(client, db, trainee):
    attempt = start(client, db, "intro-quiz")
    form = {**answer_form(attempt), "action": "save"}
    response = client.post(f"/attempts/{attempt.id}", data=form, headers={"X-Autosave": "1"})
    assert response.status_code == 204
    assert refresh(db, attempt).responses["referred"] == form[field(attempt, "referred")]
    assert "Your answers are saved" not in client.get(f"/attempts/{attempt.id}").get_data(
        as_text=True)
