"""Rules stated before starting; results that read as people expect and explain a must-pass
failure as far as the review policy allows; the attempt that completes a course says so."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from tests.helpers import answer_form, field
from tests.security.content_tree import copy_content, sync
from tpcourse.models import Accommodation, Attempt, CompletionRecord, Quiz
from tpcourse.web.helpers import percent

NBSP = "\u00a0"


@pytest.fixture
def trainee(enrolled, login_as):
    return login_as(enrolled)


def start(client, db, slug):
    response = client.post(f"/quizzes/{slug}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(Attempt, response.headers["Location"].rsplit("/", 1)[-1])


def text_of(html: str) -> str:
    """The page's words, tags removed and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).replace(NBSP, " ").split())


def test_whole_percentages_with_the_exact_figure_on_hover():
    assert percent(100.0) == f"100{NBSP}%"
    assert percent(91.6667) == f'<span class="exact" title="Exactly 91.67{NBSP}%">92{NBSP}%</span>'
    assert percent(None) == "—"
    # Where rounding would turn a fail into a pass (or back), the decimal stays.
    assert "79.6" in percent(79.6, 80) and ">80" not in percent(79.6, 80)
    assert ">80" in percent(80.4, 80)


def test_the_overview_states_every_rule_in_plain_words(client, db, trainee, enrolled):
    quiz = db.session.execute(select(Quiz).filter_by(slug="safety-quiz")).scalar_one()
    db.session.add(Accommodation(user_id=enrolled.id, quiz_id=quiz.id, extra_attempts=1,
                                 extra_minutes=5))
    db.session.commit()
    page = text_of(client.get("/quizzes/safety-quiz").get_data(as_text=True))
    for sentence in (
        "You pass with 50 % or more of the points, over 3 questions.",
        "1 safety question must be answered correctly to pass, whatever your score",
        "Time limit: 10 minutes — yours: 15 minutes, with the extra time granted to you.",
        "3 attempts left: you have used 0 of 2 (yours: 3, with the extra attempts granted",
        "If you do not pass, wait 30 minutes after submitting",
        "Your highest score counts",
        "the correct answers and explanations are shown only once you pass",
        "before anything is graded a summary shows which questions you have answered",
    ):
        assert sentence in page, sentence


def test_the_final_exam_rules_count_the_draw_and_say_the_last_attempt_counts(client, trainee):
    page = text_of(client.get("/quizzes/basics-final").get_data(as_text=True))
    assert "over 3 questions drawn at random for each attempt" in page  # 2 of the pool + 1
    assert "No time limit." in page and "Unlimited attempts (0 used so far)." in page
    assert "Your last attempt counts for your record" in page
    assert "this quiz never shows the correct answers" in page
    assert "safety question" not in page


def test_a_long_cooldown_reads_in_hours(client, db, trainee, tmp_path):
    root = copy_content(tmp_path)
    path = root / "quizzes" / "safety-quiz.yaml"
    path.write_text(path.read_text().replace("cooldown_minutes: 30", "cooldown_minutes: 1440"))
    sync(root)
    page = text_of(client.get("/quizzes/safety-quiz").get_data(as_text=True))
    assert "wait 24 hours after submitting" in page and "1440" not in page


def test_a_must_pass_failure_names_the_question_when_review_is_allowed(client, db, trainee,
                                                                        tmp_path):
    root = copy_content(tmp_path)
    path = root / "quizzes" / "safety-quiz.yaml"
    path.write_text(path.read_text().replace("review: after_pass", "review: after_submit"))
    sync(root)
    attempt = start(client, db, "safety-quiz")
    form = answer_form(attempt)
    form[field(attempt, "dvt")] = "true"  # wrong on the must-pass question only
    client.post(f"/attempts/{attempt.id}", data=form)
    page = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    number = attempt.question_ids.index("dvt") + 1
    assert "1 safety question that must be answered correctly was missed" in text_of(page)
    assert f'<a href="#review-q{number}">question {number}</a>' in page
    assert f'id="review-q{number}"' in page


def test_a_must_pass_failure_keeps_the_question_hidden_when_review_waits_for_a_pass(
        client, db, trainee):
    attempt = start(client, db, "safety-quiz")  # review: after_pass
    form = answer_form(attempt)
    form[field(attempt, "dvt")] = "true"
    client.post(f"/attempts/{attempt.id}", data=form)
    page = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "1 safety question that must be answered correctly was missed" in text_of(page)
    assert "Which one, and its correct answer, are shown once you pass this quiz." in page
    assert "#review-q" not in page and "Refer urgently" not in page


def test_results_show_whole_percentages_and_no_body_map_coordinates(client, db, trainee):
    attempt = start(client, db, "intro-quiz")
    form = answer_form(attempt)
    spot = field(attempt, "spot")
    form[f"{spot}-x"], form[f"{spot}-y"] = "51.25", "48.75"
    form[field(attempt, "tp-definition")] = "9"  # not a choice: no answer, so not 100 %
    client.post(f"/attempts/{attempt.id}", data=form)
    graded = db.session.get(Attempt, attempt.id)
    page = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    shown = f"{round(graded.percent)}{NBSP}%"
    assert "Passed — <span class=\"exact\" title=\"Exactly " in page and shown in page
    words = text_of(page)  # the marker on the drawing is enough: no numbers in the text
    assert "51.25" not in words and "marked at" not in words
    assert "your mark is shown on the drawing" in page
    assert 'class="mark"' in page  # ... and it is drawn
    history = client.get("/quizzes/intro-quiz/attempts").get_data(as_text=True)
    assert shown in history


def test_the_attempt_that_completes_the_course_shows_the_certificate(client, db, trainee,
                                                                    enrolled, clock):
    from tpcourse.services import cache
    from tpcourse.services.learning.learning import mark_lesson_read

    cache.clear()
    course_id = db.session.execute(select(Quiz.course_id).filter_by(slug="intro-quiz")).scalar()
    for key in cache.course_outline(course_id).lesson_keys:
        mark_lesson_read(enrolled, course_id, key, clock())
    attempts = {}
    for slug in ("intro-quiz", "safety-quiz", "basics-final"):
        attempts[slug] = start(client, db, slug)
        client.post(f"/attempts/{attempts[slug].id}", data=answer_form(attempts[slug]))
        clock.advance(minutes=2)
    record = db.session.execute(select(CompletionRecord)).scalar_one()
    final = client.get(f"/attempts/{attempts['basics-final'].id}/result").get_data(as_text=True)
    assert "Course complete — your certificate is ready" in final
    assert record.certificate_code in final and f"/verify/{record.certificate_code}" in final
    assert f"/certificates/{record.certificate_code}.pdf" in final
    assert f"/records#record-{record.certificate_code}" in final
    assert "<dt>CE hours</dt><dd>2.5</dd>" in final
    earlier = client.get(f"/attempts/{attempts['intro-quiz'].id}/result").get_data(as_text=True)
    assert "Course complete" not in earlier  # only the attempt that completed it
    records = client.get("/records").get_data(as_text=True)
    assert f'<tr id="record-{record.certificate_code}" class="fresh">' in records
    assert '<span class="new-mark">New</span>' in records
