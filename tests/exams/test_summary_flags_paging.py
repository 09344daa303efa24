"""Submitting goes through a summary page (no JavaScript needed); flags are stored with the
attempt; a paged quiz saves on every page change; nothing on these pages tells right from wrong."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.helpers import answer_form, field
from tests.security.content_tree import copy_content, sync
from tests.security.test_answer_key import CANARIES, CANARY_QUIZ, FIXTURE_KEY, assert_no_key
from tpcourse.models import Attempt, AuditEvent

PER_PAGE = 3


@pytest.fixture
def trainee(enrolled, login_as):
    return login_as(enrolled)


@pytest.fixture
def paged(content, tmp_path):
    """The fixture intro quiz (8 questions) as a new version shown 3 questions to a page."""
    root = copy_content(tmp_path)
    path = root / "quizzes" / "intro-quiz.yaml"
    path.write_text(path.read_text().replace("pass_mark: 80\n",
                                             f"pass_mark: 80\nquestions_per_page: {PER_PAGE}\n"))
    assert sync(root).created == ["quiz intro-quiz: version 2"]


def start(client, db, slug="intro-quiz"):
    response = client.post(f"/quizzes/{slug}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(Attempt, response.headers["Location"].rsplit("/", 1)[-1])


def stored(db, attempt):
    db.session.expire_all()
    return db.session.get(Attempt, attempt.id)


def only(form: dict, numbers) -> dict:
    """The part of a full answer form that belongs to questions `numbers` (one page)."""
    wanted = {f"q{n}" for n in numbers}
    return {k: v for k, v in form.items() if re.match(r"q\d+", k).group(0) in wanted}


def graded_events(db, attempt_id):
    return [e for e in db.session.execute(select(AuditEvent).filter_by(kind="attempt.graded"))
            .scalars() if e.payload["attempt"] == attempt_id]


def test_a_blank_attempt_is_stopped_at_the_summary_not_graded(client, db, trainee):
    attempt = start(client, db)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Submit for grading" not in page  # the one-click submit is gone from the page ...
    assert 'value="review"' in page and "Review and submit" in page  # ... it leads here:
    response = client.post(f"/attempts/{attempt.id}", data={"action": "review", "flagging": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/summary")
    summary = client.get(f"/attempts/{attempt.id}/summary").get_data(as_text=True)
    assert "8 of 8 questions are not answered" in summary
    assert summary.count("<strong>Not answered</strong>") == 8
    assert ("This uses attempt 1 of 3; if you do not pass, the next attempt opens 30 minutes "
            "after you submit.") in summary
    assert 'name="action" value="finish"' in summary and "Submit all and finish" in summary
    assert stored(db, attempt).status == "in_progress"  # no attempt used, no cooldown started
    assert graded_events(db, attempt.id) == []


def test_submit_all_and_finish_grades_what_was_saved(client, db, trainee):
    attempt = start(client, db)
    form = answer_form(attempt)
    one = field(attempt, "tp-definition")
    client.post(f"/attempts/{attempt.id}", data={one: form[one], "action": "review"})
    summary = client.get(f"/attempts/{attempt.id}/summary").get_data(as_text=True)
    assert "7 of 8 questions are not answered" in summary
    response = client.post(f"/attempts/{attempt.id}", data={"action": "finish"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    graded = stored(db, attempt)
    assert graded.status == "submitted" and graded.score == 1 and graded.passed is False
    assert len(graded_events(db, attempt.id)) == 1
    again = client.post(f"/attempts/{attempt.id}", data={"action": "finish"})  # double click
    assert again.headers["Location"].endswith("/result")
    assert len(graded_events(db, attempt.id)) == 1
    assert client.get(f"/attempts/{attempt.id}/summary").headers["Location"].endswith("/result")


def test_the_summary_of_an_answered_attempt_and_its_last_attempt_warning(client, db, trainee,
                                                                         clock):
    first = start(client, db, "safety-quiz")  # 2 attempts, 30 minutes' wait
    client.post(f"/attempts/{first.id}", data={**answer_form(first), "action": "review"})
    summary = client.get(f"/attempts/{first.id}/summary").get_data(as_text=True)
    assert "All 3 questions are answered." in summary
    assert "This uses attempt 1 of 2; if you do not pass" in summary
    client.post(f"/attempts/{first.id}", data={**answer_form(first, correct=False),
                                               "action": "submit"})
    clock.advance(minutes=31)
    second = start(client, db, "safety-quiz")
    summary = client.get(f"/attempts/{second.id}/summary").get_data(as_text=True)
    assert "This uses attempt 2 of 2, your last attempt at this quiz." in summary


def test_an_answer_that_cannot_be_graded_is_sent_back_from_the_summary(client, db, trainee):
    attempt = start(client, db)
    form = answer_form(attempt)
    form[field(attempt, "hold-seconds")] = "about a minute"
    saved = client.post(f"/attempts/{attempt.id}", data={**form, "action": "review"})
    assert saved.status_code == 422  # the question page says what to fix, answers kept
    response = client.post(f"/attempts/{attempt.id}", data={"action": "finish"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Enter a number" in page and 'value="about a minute"' in page
    assert stored(db, attempt).status == "in_progress"


def test_flags_are_stored_with_the_attempt_and_shown_on_the_summary(client, db, trainee):
    attempt = start(client, db)
    url = f"/attempts/{attempt.id}"
    client.post(url, data={"action": "save", "flagging": "1", "flag": ["2", "5"]})
    assert stored(db, attempt).flags == [attempt.question_ids[1], attempt.question_ids[4]]
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'name="flag" value="q2" checked', page)
    assert not re.search(r'name="flag" value="q3" checked', page)
    assert len(re.findall(r'class="nav-q[^"]*flagged', page)) == 2
    assert '<span class="sr-only nav-label">Question 2: not answered, flagged</span>' in page
    summary = client.get(f"{url}/summary").get_data(as_text=True)
    assert "You flagged 2 questions for review" in summary
    assert summary.count('<span class="flag-mark">Flagged</span>') == 2
    # Unticking is stored too; a post without the page's flag boxes leaves flags alone.
    client.post(url, data={"action": "save", "flagging": "1", "flag": ["5"]})
    assert stored(db, attempt).flags == [attempt.question_ids[4]]
    client.post(url, data={"action": "save"})
    assert stored(db, attempt).flags == [attempt.question_ids[4]]
    autosave = client.post(url, data={"action": "save", "flagging": "1", "flag": ["1"]},
                           headers={"X-Autosave": "1"})
    assert autosave.status_code == 204 and stored(db, attempt).flags == [attempt.question_ids[0]]


def test_the_navigator_counts_answers_from_what_was_saved(client, db, trainee):
    attempt = start(client, db)
    form = answer_form(attempt)
    two = {k: v for k, v in form.items() if k.startswith((field(attempt, "signs"),
                                                           field(attempt, "latent")))}
    client.post(f"/attempts/{attempt.id}", data={**two, "action": "save"})
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Answered <strong>2</strong> of 8" in page
    assert len(re.findall(r'class="nav-q answered', page)) == 2


def test_enter_in_a_text_box_saves_rather_than_moving_or_marking(client, db, trainee):
    attempt = start(client, db)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    form = page[page.index('<form method="post" class="quiz-form"'):]
    first = re.search(r'<(button|input)[^>]*type="(submit|image)"[^>]*>', form).group(0)
    assert 'value="save"' in first  # the browser presses the first submit button on Enter


def test_a_paged_quiz_saves_each_page_and_keeps_the_others(client, db, trainee, paged):
    attempt = start(client, db)
    url = f"/attempts/{attempt.id}"
    form = answer_form(attempt)
    first = client.get(url).get_data(as_text=True)
    assert first.count('<fieldset class="question') == PER_PAGE and "page 1 of 3" in first
    assert 'name="page" value="1"' in first
    assert 'value="goto:4"' in first and "Next page" in first and "Previous page" not in first
    moved = client.post(url, data={**only(form, range(1, 4)), "page": "1", "flagging": "1",
                                   "flag": "2", "action": "goto:4"})
    assert moved.headers["Location"].endswith(f"{url}?page=2#q4-box")
    assert sum(1 for r in stored(db, attempt).responses.values() if r is not None) == 3
    second = client.get(f"{url}?page=2").get_data(as_text=True)
    assert re.findall(r'id="q(\d+)-box"', second) == ["4", "5", "6"]
    # Page 2's post leaves page 1's answers and flag as they were.
    client.post(url, data={**only(form, range(4, 7)), "page": "2", "flagging": "1",
                           "action": "goto:7"})
    after = stored(db, attempt)
    assert sum(1 for r in after.responses.values() if r is not None) == 6
    assert after.flags == [attempt.question_ids[1]]
    # The navigator jumps to another page through a button that saves this one first.
    third = client.get(f"{url}?page=3").get_data(as_text=True)
    assert re.search(r'<button type="submit" name="action" value="goto:1" class="nav-q answered',
                     third)
    review = client.post(url, data={**only(form, range(7, 9)), "page": "3", "flagging": "1",
                                    "action": "review"})
    assert review.headers["Location"].endswith(f"{url}/summary")
    summary = client.get(f"{url}/summary").get_data(as_text=True)
    assert "All 8 questions are answered." in summary and f"{url}?page=3#q8-box" in summary
    client.post(url, data={"action": "finish"})
    assert stored(db, attempt).passed is True


def test_a_paged_body_map_click_without_javascript_comes_back_to_its_question(client, db,
                                                                               trainee, paged):
    attempt = start(client, db)
    number = attempt.question_ids.index("spot") + 1
    page = (number - 1) // PER_PAGE + 1
    response = client.post(f"/attempts/{attempt.id}", data={
        f"q{number}-img.x": "50", f"q{number}-img.y": "49", "page": str(page)})
    assert response.headers["Location"].endswith(f"?page={page}#q{number}-box")
    assert stored(db, attempt).responses["spot"] == [50, 49]


def test_odd_pages_and_steps_are_harmless(client, db, trainee, paged):
    attempt = start(client, db)
    url = f"/attempts/{attempt.id}"
    assert client.get(f"{url}?page=99").status_code == 200
    assert client.get(f"{url}?page=-2").status_code == 200
    for action in ("goto:0", "goto:999", "goto:x", "nonsense:1"):
        response = client.post(url, data={"page": "2", "action": action, "flagging": "1"})
        assert response.status_code == 302, action
    assert stored(db, attempt).status == "submitted"  # "nonsense" is the old one-step submit


def test_a_deadline_reached_on_the_summary_page_grades_what_was_saved(client, db, trainee,
                                                                      clock):
    attempt = start(client, db, "safety-quiz")  # 10 minutes
    client.post(f"/attempts/{attempt.id}", data={**answer_form(attempt), "action": "review"})
    summary = client.get(f"/attempts/{attempt.id}/summary").get_data(as_text=True)
    assert ('Time left: about <strong><time class="time-left" datetime="PT600S">10 minutes'
            '</time></strong>') in summary
    assert 'class="timer summary-timer" data-deadline=' in summary  # quiz.js reloads at 0
    clock.advance(minutes=10, seconds=31)  # past the limit and the grace
    response = client.get(f"/attempts/{attempt.id}/summary")
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    graded = stored(db, attempt)
    assert graded.status == "expired" and graded.passed is True  # the saved answers count


def test_submit_all_and_finish_after_the_deadline_grades_what_was_saved(client, db, trainee,
                                                                        clock):
    attempt = start(client, db, "safety-quiz")
    client.post(f"/attempts/{attempt.id}", data={**answer_form(attempt, correct=False),
                                                 "action": "review"})
    clock.advance(minutes=11)
    response = client.post(f"/attempts/{attempt.id}", data={"action": "finish"})
    assert response.headers["Location"].endswith("/result")
    graded = stored(db, attempt)
    assert graded.status == "expired" and graded.submitted_at == graded.deadline


def test_someone_elses_summary_is_not_found(client, db, trainee, make_user, login_as):
    attempt = start(client, db)
    login_as(make_user())
    assert client.get(f"/attempts/{attempt.id}/summary").status_code == 404
    assert client.post(f"/attempts/{attempt.id}", data={"action": "finish"}).status_code == 404


def test_summary_navigator_and_pages_carry_no_answer_key(client, db, trainee, tmp_path):
    from tests.security.content_tree import write_quiz

    root = copy_content(tmp_path)
    write_quiz(root, {**CANARY_QUIZ, "questions_per_page": 3})
    sync(root)
    attempt = start(client, db)
    url = f"/attempts/{attempt.id}"
    form = answer_form(attempt, correct=False)
    pages = {f"page {n}": client.get(f"{url}?page={n}").get_data(as_text=True)
             for n in (1, 2, 3)}
    client.post(url, data={**only(form, range(1, 4)), "page": "1", "flagging": "1",
                           "flag": ["1", "3"], "action": "review"})
    pages["summary"] = client.get(f"{url}/summary").get_data(as_text=True)
    pages["page 1 flagged"] = client.get(f"{url}?page=1").get_data(as_text=True)
    for name, page in pages.items():
        assert "nav-q" in page or name == "summary", name
        assert_no_key(page, CANARIES + FIXTURE_KEY)
        for word in ("right", "wrong", "incorrect", "partial"):
            assert not re.search(rf'class="[^"]*\b{word}\b', page), (name, word)
