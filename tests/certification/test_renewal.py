"""Certification cycles: certify, expire, renew by each path; history intact, both codes verify."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.certification.renewal_steps import sync_basics_with
from tests.certification.steps import complete_basics, pass_quiz, record_of
from tpcourse.extensions import db
from tpcourse.models import CompletionRecord, Course
from tpcourse.services.certification.completion import check_completion
from tpcourse.services.certification.renewal import history, renewal_state
from tpcourse.services.exams.attempts import StartRefused, get_quiz, start_attempt

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXPIRES = T0 + timedelta(days=365, minutes=1)  # the final is submitted a minute in
WINDOW_OPENS = EXPIRES - timedelta(days=90)


def _course_id() -> int:
    return db.session.execute(select(Course.id).filter_by(slug="basics")).scalar_one()


def _snapshot(record: CompletionRecord) -> tuple:
    return (record.id, record.certificate_code, record.completed_at, record.expires_at,
            record.score, record.ce_hours, record.cycle, record.renews_id, record.revoked_at)


def test_default_full_path_renews_after_expiry_with_a_new_linked_record(content, make_user):
    trainee = make_user()
    first = complete_basics(trainee, T0)
    before = _snapshot(first)
    assert (first.cycle, first.renews_id, first.expires_at) == (1, None, EXPIRES)
    after_expiry = EXPIRES + timedelta(days=10)
    for slug in ("intro-quiz", "safety-quiz"):
        pass_quiz(trainee, slug, after_expiry)
    assert record_of(trainee, "basics").cycle == 1  # the final exam is still missing
    pass_quiz(trainee, "basics-final", after_expiry)
    second = record_of(trainee, "basics")
    assert second.cycle == 2 and second.renews_id == first.id
    assert second.certificate_code != first.certificate_code
    assert second.completed_at == after_expiry + timedelta(minutes=1)
    assert second.expires_at == second.completed_at + timedelta(days=365)
    assert second.ce_hours == 2.5  # the whole course again earns its hours again
    db.session.expire_all()
    assert _snapshot(db.session.get(CompletionRecord, first.id)) == before  # never edited
    assert [r.cycle for r in history(trainee.id, _course_id())] == [2, 1]


def test_passes_before_the_window_opens_do_not_renew(tmp_path, content, make_user):
    sync_basics_with(tmp_path, "renewal: final")
    trainee = make_user()
    complete_basics(trainee, T0)
    pass_quiz(trainee, "basics-final", WINDOW_OPENS - timedelta(days=1))
    assert record_of(trainee, "basics").cycle == 1
    state = renewal_state(trainee, _course_id(), WINDOW_OPENS - timedelta(minutes=1))
    assert not state.open and state.opens_at == WINDOW_OPENS
    state = renewal_state(trainee, _course_id(), WINDOW_OPENS)
    assert state.open and state.missing == ["pass the quiz 'basics-final'"]


def test_final_path_renews_inside_the_window_before_expiry_keeping_the_time_left(
        tmp_path, content, make_user):
    sync_basics_with(tmp_path, "renewal: final\nrenewal_window_days: 30")
    trainee = make_user()
    first = complete_basics(trainee, T0)
    moment = EXPIRES - timedelta(days=20)
    pass_quiz(trainee, "basics-final", moment)
    second = record_of(trainee, "basics")
    assert (second.cycle, second.renews_id, second.ce_hours) == (2, first.id, 0.0)
    # renewed early: the new validity runs from the old expiry, not from today
    assert second.expires_at == EXPIRES + timedelta(days=365)
    assert first.status(moment + timedelta(days=1)) == "valid"  # its own status is unchanged


def test_renewal_quiz_path_and_attempts_counted_afresh(tmp_path, content, make_user):
    sync_basics_with(tmp_path, "renewal: renewal_quiz\nrenewal_quiz: basics-renewal",
                     renewal_quiz=True)
    trainee = make_user()
    complete_basics(trainee, T0)
    quiz, version = get_quiz("basics-renewal")
    assert quiz.course_id == _course_id()
    for hour in (1, 2):  # both attempts used in the first cycle, outside the window
        attempt = start_attempt(trainee, quiz, version, T0 + timedelta(hours=hour))
        from tpcourse.services.exams.attempts import submit_attempt
        submit_attempt(attempt.id, trainee, {}, T0 + timedelta(hours=hour, minutes=1))
    with pytest.raises(StartRefused):
        start_attempt(trainee, quiz, version, T0 + timedelta(days=1))
    after_expiry = EXPIRES + timedelta(days=1)
    pass_quiz(trainee, "basics-renewal", after_expiry)  # the limit starts afresh in the window
    second = record_of(trainee, "basics")
    assert second.cycle == 2 and second.score == 100.0


def test_ce_hours_path_counts_hours_earned_since_the_certificate(tmp_path, content, make_user):
    sync_basics_with(tmp_path, "renewal: ce_hours\nrenewal_ce_hours: 3")
    trainee = make_user()
    first = complete_basics(trainee, T0)
    other = Course(slug="elsewhere", current_version=0)
    db.session.add(other)
    db.session.flush()
    earned_before = _other_record(trainee, other, T0 - timedelta(days=5), 10)
    _other_record(trainee, other, T0 + timedelta(days=100), 2, cycle=2, renews=earned_before)
    now = EXPIRES + timedelta(days=3)
    assert check_completion(trainee, _course_id(), now).id == first.id
    state = renewal_state(trainee, _course_id(), now)
    assert state.missing == ["earn 1 more CE hour(s) in other courses (2 of 3 so far)"]
    _other_record(trainee, other, now, 1.5, cycle=3,
                  renews=db.session.execute(select(CompletionRecord).filter_by(
                      course_id=other.id, cycle=2)).scalar_one())
    second = check_completion(trainee, _course_id(), now + timedelta(minutes=5))
    assert (second.cycle, second.renews_id, second.ce_hours, second.score) == (
        2, first.id, 0.0, None)


def _other_record(trainee, course, when, hours, cycle=1, renews=None):
    from tpcourse.models import CourseVersion

    version = db.session.execute(select(CourseVersion).filter_by(course_id=course.id)) \
        .scalar_one_or_none()
    if version is None:
        version = CourseVersion(course_id=course.id, version=1, content_hash="x", title="Other",
                                ce_hours=hours, completion={})
        db.session.add(version)
        db.session.flush()
    record = CompletionRecord(user_id=trainee.id, course_id=course.id,
                              course_version_id=version.id, completed_at=when, ce_hours=hours,
                              certificate_code=f"TP-OTHER-{cycle}", cycle=cycle,
                              renews_id=renews.id if renews else None)
    db.session.add(record)
    db.session.commit()
    return record


def test_a_revoked_certificate_is_not_renewed(content, make_user):
    trainee = make_user()
    first = complete_basics(trainee, T0)
    first.revoked_at = T0 + timedelta(days=1)
    db.session.commit()
    for slug in ("intro-quiz", "safety-quiz", "basics-final"):
        pass_quiz(trainee, slug, EXPIRES + timedelta(days=1))
    assert record_of(trainee, "basics").id == first.id


def test_the_database_refuses_two_records_of_one_cycle(content, make_user):
    from sqlalchemy.exc import IntegrityError

    trainee = make_user()
    first = complete_basics(trainee, T0)
    db.session.add(CompletionRecord(
        user_id=trainee.id, course_id=first.course_id, course_version_id=first.course_version_id,
        completed_at=T0, ce_hours=0, certificate_code="TP-DUPLICATE", cycle=1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_ce_hours_per_period_count_each_cycle_once(tmp_path, app, content, make_user):
    from tpcourse.services.certification.ce_tracking import ce_summary
    from tpcourse.services.certification.completion import records_of

    sync_basics_with(tmp_path, "renewal: final")
    trainee = make_user()
    complete_basics(trainee, T0)
    later = EXPIRES + timedelta(days=400)  # the next two-year period
    pass_quiz(trainee, "basics-final", later)
    records = records_of(trainee)
    assert [r.cycle for r in records] == [2, 1]
    summary = ce_summary(records, later + timedelta(days=1))
    by_period = {p.start: p.hours for p in summary.periods}
    # the first cycle's 2.5 hours in its period; the renewal by exam adds none of its own
    assert sorted(by_period.values()) == [0.0, 2.5]
    assert sum(len(p.entries) for p in summary.periods) == 2  # each cycle listed once
