"""Locked steps: lessons before a module's quiz, module quizzes before the final, quiz dates and
a cohort's deadline; shown with what unlocks them, refused by the server, lifted per trainee."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from tests.certification.renewal_steps import sync_basics_with
from tests.certification.steps import pass_quiz
from tpcourse.content.course_settings import parse_sequencing
from tpcourse.content.yamlsrc import load_yaml
from tpcourse.extensions import db
from tpcourse.grading.sequencing import quiz_lock
from tpcourse.models import Attempt, AuditEvent, Cohort, Course, Enrollment, Quiz
from tpcourse.services.exams import accommodations
from tpcourse.services.learning.learning import enroll, mark_lesson_read

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ON = {"module_quiz_after_lessons": True, "final_after_module_quizzes": True, "quiz_dates": {}}
LOCKS = """
sequencing:
  module_quiz_after_lessons: true
  final_after_module_quizzes: true
  quiz_dates:
    safety-quiz: {opens: 2026-03-05, closes: 2026-04-01T12:00:00Z}
"""


def test_rules_in_the_order_a_trainee_can_act_on_them():
    lessons = ["m/a", "m/b"]
    lock = quiz_lock("q", ON, NOW, module_lessons=lessons, lessons_read={"m/a"})
    assert lock.reason.startswith("This module's quiz opens") and "m/b" in lock.unlock
    assert quiz_lock("q", ON, NOW, module_lessons=lessons, lessons_read=set(lessons)) is None
    final = quiz_lock("f", ON, NOW, is_final=True, module_quizzes=["q1", "q2"], passed={"q1"})
    assert "every module quiz" in final.reason and "q2" in final.unlock
    assert quiz_lock("f", ON, NOW, is_final=True, module_quizzes=["q1"], passed={"q1"}) is None
    off = {**ON, "module_quiz_after_lessons": False, "final_after_module_quizzes": False}
    assert quiz_lock("q", off, NOW, module_lessons=lessons) is None
    dated = {**ON, "quiz_dates": {"q": {"opens": (NOW + timedelta(days=1)).isoformat()}}}
    early = quiz_lock("q", dated, NOW, module_lessons=lessons, lessons_read=set(lessons))
    assert early.until == NOW + timedelta(days=1) and "opens on" in early.reason
    deadline = quiz_lock("q", None, NOW, cohort_deadline=NOW)
    assert "deadline passed" in deadline.reason and "lift the lock" in deadline.unlock
    assert quiz_lock("q", None, NOW, cohort_deadline=NOW + timedelta(seconds=1)) is None


def _parse(text):
    problems = []
    settings = parse_sequencing(load_yaml(text), lambda line, message: problems.append(message))
    return settings, problems


def test_the_file_format_defaults_and_refusals():
    assert _parse("title: x\n") == (None, [])  # old files: nothing locked
    settings, problems = _parse("sequencing: {}\n")
    assert problems == [] and settings["module_quiz_after_lessons"] is True
    settings, problems = _parse(LOCKS)
    assert problems == [] and settings["quiz_dates"]["safety-quiz"] == {
        "opens": "2026-03-05T00:00:00+00:00", "closes": "2026-04-01T12:00:00+00:00"}
    _settings, problems = _parse("sequencing:\n  module_quiz_after_lessons: yes please\n"
                                 "  quiz_dates: {q: {opens: soon}}\n  other: 1\n")
    assert len(problems) == 3


def _trainee(make_user, login_as):
    trainee = login_as(make_user())
    enroll(trainee, db.session.execute(select(Course.id).filter_by(slug="basics")).scalar_one())
    return trainee


def _attempts(trainee, slug):
    return db.session.execute(select(func.count(Attempt.id)).join(Quiz).where(
        Attempt.user_id == trainee.id, Quiz.slug == slug)).scalar_one()


def test_locks_are_shown_and_the_server_refuses_a_locked_start(
        tmp_path, client, content, make_user, login_as, clock):
    sync_basics_with(tmp_path, LOCKS)
    trainee = _trainee(make_user, login_as)
    course = client.get("/courses/basics").get_data(as_text=True)
    assert 'id="lock-intro-quiz"' in course and "Read 2 more lesson(s)" in course
    assert 'id="lock-basics-final"' in course and "Pass 2 more quiz(zes)" in course
    assert "Read 2 more lesson(s): “Welcome”" in course  # lessons are named by their titles
    overview = client.get("/quizzes/intro-quiz").get_data(as_text=True)
    assert "Locked." in overview and "Start attempt" not in overview
    assert "“Holding pressure”" in overview  # what unlocks it, by title
    response = client.post("/quizzes/intro-quiz/start")  # a hand-made POST: refused
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/quizzes/intro-quiz")
    assert _attempts(trainee, "intro-quiz") == 0
    for key in ("01-intro/01-welcome", "01-intro/02-holding"):
        mark_lesson_read(trainee, trainee_course(), key, clock.now)
    assert "Start attempt" in client.get("/quizzes/intro-quiz").get_data(as_text=True)
    assert client.post("/quizzes/intro-quiz/start").headers["Location"].startswith("/attempts/")
    assert 'id="lock-intro-quiz"' not in client.get("/courses/basics").get_data(as_text=True)


def trainee_course():
    return db.session.execute(select(Course.id).filter_by(slug="basics")).scalar_one()


def test_quiz_dates_and_the_final_after_every_module_quiz(
        tmp_path, client, content, make_user, login_as, clock):
    sync_basics_with(tmp_path, LOCKS)
    trainee = _trainee(make_user, login_as)
    mark_lesson_read(trainee, trainee_course(), "02-safety/01-red-flags", clock.now)
    page = client.get("/quizzes/safety-quiz").get_data(as_text=True)
    assert "This quiz opens on 05 March 2026" in page and "It opens on" in page
    clock.now = datetime(2026, 3, 5, tzinfo=UTC)
    assert "Start attempt" in client.get("/quizzes/safety-quiz").get_data(as_text=True)
    clock.now = datetime(2026, 4, 1, 12, tzinfo=UTC)
    assert "This quiz closed on" in client.get("/quizzes/safety-quiz").get_data(as_text=True)
    clock.now = datetime(2026, 3, 10, tzinfo=UTC)
    for key in ("01-intro/01-welcome", "01-intro/02-holding"):
        mark_lesson_read(trainee, trainee_course(), key, clock.now)
    pass_quiz(trainee, "intro-quiz", clock.now)
    assert client.post("/quizzes/basics-final/start").headers["Location"].endswith(
        "/quizzes/basics-final")
    pass_quiz(trainee, "safety-quiz", clock.now)
    assert client.post("/quizzes/basics-final/start").headers["Location"].startswith(
        "/attempts/")


def test_an_accommodation_lifts_the_locks_for_one_trainee_and_is_audited(
        tmp_path, client, content, make_user, login_as, clock):
    from tpcourse.models import CourseInstructor

    sync_basics_with(tmp_path, LOCKS)
    instructor = make_user(role="instructor")
    db.session.add(CourseInstructor(user_id=instructor.id, course_id=trainee_course()))
    db.session.commit()
    trainee = _trainee(make_user, login_as)
    other = make_user()
    enroll(other, trainee_course())
    row = accommodations.grant(instructor, "basics-final", trainee.id, 0, 0, 0,
                               "Re-sitting after a documented absence", clock.now,
                               lift_locks=True)
    assert row.lift_locks
    event = db.session.execute(select(AuditEvent).filter_by(kind="accommodation.granted")
                               ).scalar_one()
    assert event.payload["lift_locks"] is True and event.payload["user"] == trainee.id
    assert client.post("/quizzes/basics-final/start").headers["Location"].startswith(
        "/attempts/")
    assert 'id="lock-basics-final"' not in client.get("/courses/basics").get_data(as_text=True)
    login_as(other)  # only for the trainee it was granted to
    assert client.post("/quizzes/basics-final/start").headers["Location"].endswith(
        "/quizzes/basics-final")


def test_a_cohort_deadline_locks_every_quiz_after_it(
        client, content, make_user, login_as, clock):
    from tpcourse.services.schools.cohorts import set_deadline

    trainee = _trainee(make_user, login_as)  # the plain fixture course: no sequencing settings
    from tpcourse.services.accounts.accounts import ensure_school

    school = ensure_school("north", "North")
    cohort = Cohort(school_id=school.id, course_id=trainee_course(), name="Spring",
                    invite_code="SPRING0001")
    db.session.add(cohort)
    db.session.flush()
    db.session.execute(Enrollment.__table__.update().where(
        Enrollment.user_id == trainee.id).values(cohort_id=cohort.id))
    db.session.commit()
    set_deadline(cohort, (clock.now - timedelta(days=1)).date(), "user:1", clock.now)
    assert cohort.deadline == datetime(2026, 3, 2, tzinfo=UTC)
    page = client.get("/quizzes/intro-quiz").get_data(as_text=True)
    assert "deadline passed" in page
    assert client.post("/quizzes/intro-quiz/start").headers["Location"].endswith(
        "/quizzes/intro-quiz")
    set_deadline(cohort, None, "user:1", clock.now)
    assert client.post("/quizzes/intro-quiz/start").headers["Location"].startswith("/attempts/")
