"""The hot-path optimisations keep behaviour: same completion status, no grade over a grade,
caches that can never serve another version's content, the quiz rights unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.helpers import answer_form
from tpcourse.models import Attempt, Course, CourseInstructor, QuizVersion


@pytest.fixture
def course_id(db, content):
    return db.session.execute(select(Course.id).filter_by(slug="basics")).scalar_one()


def reference_status(user, course_id):
    """completion_status as it was before the cache: the full course and attempt objects."""
    from tpcourse.extensions import db
    from tpcourse.grading.attempts import counting_attempt
    from tpcourse.grading.completion import evaluate_completion
    from tpcourse.models import Quiz
    from tpcourse.services.learning.learning import current_version, read_lesson_keys

    course = db.session.get(Course, course_id)
    version = current_version(course.slug, with_lessons=True)
    lesson_keys = [f"{m.slug}/{lesson.slug}" for m in version.modules for lesson in m.lessons]
    module_quizzes = [m.quiz_slug for m in version.modules if m.quiz_slug]
    slugs = module_quizzes + ([version.final_exam_slug] if version.final_exam_slug else [])
    rows = db.session.execute(select(Quiz.slug, Attempt).join(Attempt, Attempt.quiz_id == Quiz.id)
                              .where(Attempt.user_id == user.id, Quiz.slug.in_(slugs))).all()
    by_slug = {}
    for slug, attempt in rows:
        by_slug.setdefault(slug, []).append(attempt)
    best, passed = {}, set()
    for slug, attempts in by_slug.items():
        counted = counting_attempt(attempts, attempts[0].quiz_version.data.get("grading",
                                                                               "highest"))
        if counted is not None:
            best[slug] = counted.percent
        if any(a.passed for a in attempts):
            passed.add(slug)
    return evaluate_completion(version.completion, lesson_keys, read_lesson_keys(user, course_id),
                               module_quizzes, version.final_exam_slug, best, passed)


def test_completion_status_matches_the_full_load(db, enrolled, course_id, clock):
    from tpcourse.services import cache
    from tpcourse.services.certification.completion import completion_status
    from tpcourse.services.exams.attempts import get_quiz, start_attempt, submit_attempt
    from tpcourse.services.learning.learning import mark_lesson_read

    cache.clear()
    assert completion_status(enrolled, course_id) == reference_status(enrolled, course_id)
    mark_lesson_read(enrolled, course_id, "01-intro/01-welcome", clock.now)
    for slug, right in (("intro-quiz", False), ("intro-quiz", True), ("safety-quiz", True)):
        quiz, version = get_quiz(slug)
        clock.advance(hours=1)
        attempt = start_attempt(enrolled, quiz, version, clock.now)
        submit_attempt(attempt.id, enrolled, answer_form(attempt, correct=right), clock.now)
        status = completion_status(enrolled, course_id)
        assert status == reference_status(enrolled, course_id)
    assert not status.complete and status.score is not None


def test_course_outline_is_what_the_full_course_holds(db, course_id):
    from tpcourse.services import cache
    from tpcourse.services.learning.learning import current_version

    cache.clear()
    version = current_version("basics", with_lessons=True)
    outline = cache.course_outline(course_id)
    assert outline.version_id == version.id
    assert list(outline.lesson_keys) == [f"{m.slug}/{lesson.slug}" for m in version.modules
                                         for lesson in m.lessons]
    assert list(outline.module_quizzes) == [m.quiz_slug for m in version.modules if m.quiz_slug]
    assert outline.final_exam_slug == version.final_exam_slug == "basics-final"
    assert outline.completion == version.completion


def test_quiz_cache_is_keyed_by_content_hash_so_reused_ids_never_leak(db, content):
    from tpcourse.services import cache

    cache.clear()
    version = db.session.execute(select(QuizVersion).limit(1)).scalar_one()
    version_id, digest = version.id, version.content_hash
    first = cache.quiz_data(version_id, digest)
    assert first == version.data
    # A database whose ids restarted holds other content under the same id (tests do this).
    other = {**version.data, "title": "Another quiz under the same id"}
    db.session.execute(update(QuizVersion).where(QuizVersion.id == version_id)
                       .values(data=other, content_hash="f" * 64))
    db.session.commit()
    assert cache.quiz_data(version_id, "f" * 64)["title"] == "Another quiz under the same id"
    assert cache.quiz_data(version_id, digest) is first  # still served from memory


def test_a_grade_committed_meanwhile_is_never_overwritten(db, enrolled, clock):
    """Two submits of one attempt: the second must not grade over the first, whatever copy it
    read before (the compare-and-set write refuses an attempt no longer in progress)."""
    from tpcourse.services.errors import Conflict
    from tpcourse.services.exams.attempts import get_attempt, get_quiz, start_attempt, submit_attempt

    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(enrolled, quiz, version, clock.now)
    earlier = get_attempt(attempt.id, enrolled)  # what the view read before calling the service
    assert earlier.status == "in_progress"
    with db.engine.begin() as other:  # another request grades it meanwhile
        other.execute(update(Attempt).where(Attempt.id == attempt.id)
                      .values(status="submitted", score=0.0))
    with pytest.raises(Conflict):
        submit_attempt(attempt.id, enrolled, answer_form(earlier), clock.now)
    db.session.rollback()
    assert db.session.get(Attempt, attempt.id).score == 0.0  # the first grade stands


def test_quiz_rights_unchanged_and_enrolled_trainees_skip_the_instructor_query(
        client, db, enrolled, login_as, make_user, count_statements, course_id):
    login_as(enrolled)
    with count_statements() as counter:
        assert client.get("/quizzes/intro-quiz").status_code == 200
    assert not any("course_instructors" in s for s in counter.statements)
    instructor = make_user(role="instructor")
    db.session.add(CourseInstructor(user_id=instructor.id, course_id=course_id))
    db.session.commit()
    login_as(instructor)
    assert client.get("/quizzes/intro-quiz").status_code == 200
    login_as(make_user())  # neither enrolled nor teaching
    assert client.get("/quizzes/intro-quiz").status_code == 404
