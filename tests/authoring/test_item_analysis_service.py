"""Item analysis from stored attempts, checked against hand-computed values."""

from __future__ import annotations

import csv
import io

import pytest

from tests.helpers import answer_form
from tpcourse.services.authoring.item_analysis import analysis_page, attempt_records
from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
from tpcourse.services.learning.learning import enroll

# The safety quiz: dvt (true/false, must pass), numbness (single: a right, b wrong), fever (t/f).
#            dvt numbness fever   total
#   T1        1     1      1       3
#   T2        1     1      0       2
#   T3        1     0(b)   1       2
#   T4        0     1      0       1
#   T5        0     -      0       0     (numbness left blank)
PATTERN = {
    "T1": {"dvt": True, "numbness": True, "fever": True},
    "T2": {"dvt": True, "numbness": True, "fever": False},
    "T3": {"dvt": True, "numbness": False, "fever": True},
    "T4": {"dvt": False, "numbness": True, "fever": False},
    "T5": {"dvt": False, "numbness": None, "fever": False},
}


def _form(attempt, answers: dict) -> dict:
    right = [q for q, ok in answers.items() if ok]
    wrong = [q for q, ok in answers.items() if ok is False]
    form = {**answer_form(attempt, True, skip=tuple(wrong) + tuple(q for q in answers
                                                                    if answers[q] is None)),
            **answer_form(attempt, False, skip=tuple(right) + tuple(q for q in answers
                                                                     if answers[q] is None))}
    return {k: v if isinstance(v, list) else [v] for k, v in form.items()}


def take(user, answers, clock):
    quiz, version = get_quiz("safety-quiz")
    attempt = start_attempt(user, quiz, version, clock())
    return submit_attempt(attempt.id, user, _form(attempt, answers), clock()).attempt


@pytest.fixture
def trainees(make_user, course, clock):
    people = {}
    for name, answers in PATTERN.items():
        people[name] = make_user(name=name)
        enroll(people[name], course.id)
        take(people[name], answers, clock)
        clock.advance(minutes=1)
    return people


def test_statistics_match_hand_computed_values(trainees, instructor):
    page = analysis_page(instructor, "safety-quiz", None, "first")
    report = page.report
    items = {i.question_id: i for i in report.items}
    assert [i.question_id for i in report.items] == ["dvt", "numbness", "fever"]
    assert (items["dvt"].facility, items["numbness"].facility, items["fever"].facility) == \
        pytest.approx((60.0, 60.0, 40.0))
    # var of a 0/1 item with p = 0.6 over 5 attempts (n - 1): 0.24 * 5 / 4 = 0.3
    assert items["dvt"].sd == pytest.approx(0.3 ** 0.5)
    # KR-20 = k/(k-1) * (1 - Σ p q n/(n-1) / var(total)) = 3/2 * (1 - 0.9 / 1.3) = 6/13
    assert report.quiz.alpha == pytest.approx(6 / 13)
    assert report.quiz.alpha_method == "KR-20"
    assert report.quiz.n_attempts == 5
    assert report.quiz.mean == pytest.approx((100 + 200 / 3 + 200 / 3 + 100 / 3 + 0) / 5)
    assert report.quiz.median == pytest.approx(200 / 3)
    # Distractors of 'numbness': a (right) by T1, T2, T4; b by T3; T5 left it blank.
    options = {o.option_id: o for o in items["numbness"].options}
    assert (options["a"].count, options["b"].count) == (3, 1)
    assert options["b"].share == pytest.approx(20.0)
    assert options["b"].mean_total == pytest.approx(200 / 3)
    assert items["numbness"].unanswered == pytest.approx(20.0)
    dvt = {o.option_id: o.count for o in items["dvt"].options}
    assert dvt == {"true": 2, "false": 3}  # the answer is false: T1-T3 chose it
    assert {g.key: g.facility for g in report.objectives} == {"SAF-1": pytest.approx(160 / 3)}
    assert page.objectives["SAF-1"] == "Recognise red flags."


def test_selection_of_attempts_first_highest_all(trainees, instructor, clock):
    clock.advance(minutes=31)  # past the cooldown after T5's failed attempt
    take(trainees["T5"], {"dvt": True, "numbness": True, "fever": True}, clock)
    first = analysis_page(instructor, "safety-quiz", None, "first").report.quiz
    highest = analysis_page(instructor, "safety-quiz", None, "highest").report.quiz
    every = analysis_page(instructor, "safety-quiz", 1, "all").report.quiz
    assert (first.n_attempts, highest.n_attempts, every.n_attempts) == (5, 5, 6)
    assert first.mean == pytest.approx(800 / 15)
    assert highest.mean == pytest.approx((100 + 200 / 3 + 200 / 3 + 100 / 3 + 100) / 5)


def test_records_carry_choices_and_hotspot_points(enrolled, instructor, clock):
    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(enrolled, quiz, version, clock())
    form = {k: v if isinstance(v, list) else [v] for k, v in answer_form(attempt).items()}
    submit_attempt(attempt.id, enrolled, form, clock())
    [record] = attempt_records(version)
    items = {i.question_id: i for i in record.items}
    assert items["tp-definition"].choices == ("a",)
    assert items["signs"].choices == ("a", "b", "d")
    assert items["latent"].choices == ("true",)
    assert items["spot"].point == (50.0, 50.0)
    assert items["signs"].max_score == 2.0 and items["signs"].score == 2.0


def test_analysis_page_csv_and_heatmap(client, trainees, author, enrolled, clock):
    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(enrolled, quiz, version, clock())
    submit_attempt(attempt.id, enrolled, {k: v if isinstance(v, list) else [v] for k, v in
                                          answer_form(attempt).items()}, clock())
    page = client.get("/author/quizzes/safety-quiz/analysis?attempts=all")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "KR-20" in text and "0.46" in text and "<svg" in text and "Stop and refer" in text
    assert "<script" not in text.split("</main>")[0]
    data = client.get("/author/quizzes/safety-quiz/analysis.csv?attempts=first")
    assert data.headers["Content-Type"].startswith("text/csv")
    assert 'filename="safety-quiz-v1-first-analysis.csv"' in data.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(data.get_data(as_text=True))))
    assert rows[0][0] == "question_id" and [r[0] for r in rows[1:4]] == ["dvt", "numbness",
                                                                        "fever"]
    heat = client.get("/author/quizzes/intro-quiz/analysis/heatmap.svg?question=spot")
    assert heat.status_code == 200 and heat.mimetype == "image/svg+xml"
    svg = heat.get_data(as_text=True)
    assert svg.count('fill="#d62728"') == 1 and "1 clicks on the image; 1 (100%)" in svg
    assert client.get("/author/quizzes/intro-quiz/analysis/heatmap.svg?question=latent"
                      ).status_code == 404
    intro = client.get("/author/quizzes/intro-quiz/analysis").get_data(as_text=True)
    assert "heatmap.svg?question=spot" in intro and "test-region" in intro
    assert client.get("/author/quizzes/intro-quiz/analysis?version=9").status_code == 404


def test_no_attempts_yet(client, author):
    page = client.get("/author/quizzes/safety-quiz/analysis")
    assert page.status_code == 200 and "No graded attempts" in page.get_data(as_text=True)


def test_the_report_is_kept_and_known_stale_when_a_grade_arrives(trainees, instructor, make_user,
                                                                 course, clock, app,
                                                                 monkeypatch):
    """The first load computes and keeps the report; the next reads it without reading the
    attempts; a new grade makes it stale: shown with what it lacks while the refresh job
    computes the new one, which the next load shows as current."""
    from tpcourse.services.authoring import item_analysis

    first = analysis_page(instructor, "safety-quiz", None, "first")
    assert first.freshness is None and first.report.quiz.n_attempts == 5
    read = []
    monkeypatch.setattr(item_analysis, "attempt_records",
                        lambda version: read.append(version.id) or attempt_records(version))
    again = analysis_page(instructor, "safety-quiz", None, "first")
    assert read == [] and again.freshness.waiting == 0
    assert again.report == first.report  # the kept JSON decodes to the same report
    everyone = analysis_page(instructor, "safety-quiz", None, "all")  # another selection
    assert everyone.freshness is None and read == [everyone.version.id]

    queued = []
    monkeypatch.setattr(item_analysis, "enqueue",
                        lambda job, args, **kw: queued.append((job.job_name, args, kw["key"])))
    late = make_user(name="Late")
    enroll(late, course.id)
    take(late, PATTERN["T1"], clock)
    stale = analysis_page(instructor, "safety-quiz", None, "first")
    assert stale.report.quiz.n_attempts == 5 and stale.freshness.waiting == 1
    version_id = stale.version.id
    assert queued == [("analysis.refresh", [version_id, "first"], f"analysis:{version_id}:first")]
    assert item_analysis.refresh_analysis(version_id, "first") == 6  # what the job does
    current = analysis_page(instructor, "safety-quiz", None, "first")
    assert current.report.quiz.n_attempts == 6 and current.freshness.waiting == 0


def test_a_changed_score_without_a_new_attempt_makes_the_report_stale(trainees, instructor,
                                                                       db, monkeypatch):
    """An override (a score changed, no attempt added) is caught by the stamp's score sum."""
    from sqlalchemy import select

    from tpcourse.models import Attempt
    from tpcourse.services.authoring import item_analysis
    from tpcourse.services.authoring.item_analysis import current_report

    monkeypatch.setattr(item_analysis, "enqueue", lambda *a, **kw: None)  # the job waits

    page = analysis_page(instructor, "safety-quiz", None, "first")
    attempt = db.session.execute(select(Attempt).where(Attempt.score > 0)).scalars().first()
    attempt.score = attempt.score - 1
    db.session.commit()
    _report, freshness = current_report(page.version, "first", refresh=False)
    assert freshness.waiting >= 1
    _report, freshness = current_report(page.version, "first", refresh=True)
    assert freshness is None


def test_the_page_says_when_the_figures_wait_for_new_grades(trainees, instructor, client,
                                                             login_as, make_user, course, clock,
                                                             monkeypatch):
    from tpcourse.services.authoring import item_analysis

    login_as(instructor)
    assert client.get("/author/quizzes/safety-quiz/analysis").status_code == 200
    kept = client.get("/author/quizzes/safety-quiz/analysis").get_data(as_text=True)
    assert "from every graded attempt so far" in kept
    monkeypatch.setattr(item_analysis, "enqueue", lambda *a, **kw: None)  # the job waits
    late = make_user(name="Late")
    enroll(late, course.id)
    take(late, PATTERN["T2"], clock)
    stale = client.get("/author/quizzes/safety-quiz/analysis").get_data(as_text=True)
    assert "1 more has been graded since" in " ".join(stale.split())
