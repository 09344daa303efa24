"""The streamed row reading of exports gives exactly the rows the keyset reading gave.

`roster.iter_rows` once read a keyset query per page and loaded each page's quiz outcomes and
sign-offs by lists of the page's trainees; it now reads one streamed query and loads those by
the page's range of enrolments (see docs/performance.md). `_keyset_rows` below is that former
reading, kept here as the reference: on a school with a renewal, attempts in both certification
cycles, a skill signed off with rubric levels, a trainee in no cohort and an idle one, both
readings give equal rows, in the same order, at any page size and with any filter.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, tuple_

from tests.schools.conftest import take_quiz
from tpcourse.models import CompletionRecord, CourseVersion, Enrollment, SkillSignoff
from tpcourse.services.schools.progress import build_rows, quiz_outcomes_for, skill_outcomes_for
from tpcourse.services.schools.roster import RosterFilter, iter_rows, scoped

SITE = "https://s.example"


def _keyset_rows(school, where, now, page_size=500):
    """The former reading: a keyset query per page, then the page's outcomes by trainee list."""
    cycle = func.coalesce(CompletionRecord.cycle, 0)
    query = scoped(school.id, where, every_cycle=True).order_by(Enrollment.id, cycle) \
        .limit(page_size)
    after, rows = (0, 0), []
    while True:
        from tpcourse.extensions import db

        page = db.session.execute(query.where(tuple_(Enrollment.id, cycle) > after)).all()
        if not page:
            return rows
        rows += build_rows(page, school, quiz_outcomes_for(page), now, SITE,
                           skill_outcomes_for(page))
        if len(page) < page_size:
            return rows
        after = (page[-1].enrollment_id, page[-1].cycle or 0)


@pytest.fixture
def varied(world, db, clock, make_user):
    """The world, plus a renewal with attempts in both cycles and a skill signed off."""
    version = db.session.execute(select(CourseVersion).filter_by(
        course_id=world.course.id)).scalar_one()
    version.practical_skills = [{"key": "kneading", "text": "Kneads the trapezius", "rubric": [
        {"id": "pressure", "text": "Pressure"}, {"id": "pace", "text": "Pace"}]}]
    first = db.session.execute(select(CompletionRecord).filter_by(
        user_id=world.done.id)).scalar_one()
    take_quiz(world.done, "basics-final", clock.now + timedelta(days=3))
    renewal = CompletionRecord(user_id=world.done.id, course_id=world.course.id,
                               course_version_id=version.id,
                               completed_at=clock.now + timedelta(days=4), ce_hours=0.0,
                               certificate_code="TP-RENEWED-2", cycle=2, renews_id=first.id,
                               expires_at=clock.now + timedelta(days=400))
    db.session.add(renewal)
    take_quiz(world.done, "basics-final", clock.now + timedelta(days=5), correct=False)
    db.session.add(SkillSignoff(user_id=world.done.id, course_id=world.course.id,
                                skill_key="kneading", signed_by_id=world.north_admin.id,
                                signed_at=clock.now, place="Clinic room 2",
                                levels={"pace": "competent", "pressure": "proficient"}))
    db.session.commit()
    return world


@pytest.mark.parametrize("page_size", [1, 2, 3, 500])
def test_streamed_rows_equal_the_keyset_rows(varied, db, clock, page_size):
    now = clock.now + timedelta(days=10)
    expected = _keyset_rows(varied.north, RosterFilter(), now)
    assert len(expected) >= 5  # four trainees, one of them twice (renewed)
    assert any(row.is_renewal and row.quiz_outcomes for row in expected)
    assert any(row.skill_signoffs and row.skill_signoffs[0].levels for row in expected)
    assert list(iter_rows(varied.north, RosterFilter(), now, SITE, page_size)) == expected


@pytest.mark.parametrize("where", [
    RosterFilter(no_cohort=True), RosterFilter(status="completed"),
    RosterFilter(search="zo"), RosterFilter(since=None, until=None)])
def test_streamed_rows_equal_the_keyset_rows_when_filtered(varied, db, clock, where):
    now = clock.now + timedelta(days=10)
    expected = _keyset_rows(varied.north, where, now, page_size=2)
    assert list(iter_rows(varied.north, where, now, SITE, page_size=2)) == expected


def test_a_cohort_and_a_date_range_give_the_same_rows(varied, db, clock):
    now = clock.now + timedelta(days=10)
    where = RosterFilter(cohort_id=varied.spring.id, since=clock.now - timedelta(days=1),
                         until=clock.now + timedelta(days=30))
    expected = _keyset_rows(varied.north, where, now, page_size=1)
    assert expected
    assert list(iter_rows(varied.north, where, now, SITE, page_size=1)) == expected
