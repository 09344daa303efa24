"""CE hours per renewal period on the records page."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from tpcourse.models import CompletionRecord, Course, CourseVersion
from tpcourse.services.certification.ce_tracking import CeEntry, add_years, ce_periods


def entry(day: date, hours: float, counts: bool = True) -> CeEntry:
    return CeEntry(SimpleNamespace(), day, hours, counts)


def test_periods_run_from_the_anchor_and_cover_today():
    entries = [entry(date(2026, 3, 2), 2.5), entry(date(2027, 6, 1), 8),
               entry(date(2028, 3, 2), 3.5), entry(date(2028, 4, 1), 1, counts=False)]

    periods = ce_periods(entries, date(2026, 3, 2), 2, today=date(2031, 1, 1))

    assert [(p.start, p.end, p.hours, p.current) for p in periods] == [
        (date(2030, 3, 2), date(2032, 3, 2), 0, True),
        (date(2028, 3, 2), date(2030, 3, 2), 3.5, False),
        (date(2026, 3, 2), date(2028, 3, 2), 10.5, False),
    ]
    assert periods[2].last_day == date(2028, 3, 1)
    assert len(periods[1].entries) == 2  # the revoked one is listed, not counted


def test_a_fixed_anchor_reaches_back_before_it():
    periods = ce_periods([entry(date(2025, 12, 31), 4)], date(2026, 1, 1), 1,
                         today=date(2026, 2, 1))
    assert [(p.start, p.hours) for p in periods] == [(date(2026, 1, 1), 0),
                                                     (date(2025, 1, 1), 4)]


def test_leap_day_anchors_do_not_drift():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)
    periods = ce_periods([], date(2024, 2, 29), 1, today=date(2028, 3, 1))
    assert periods[0].start == date(2028, 2, 29)


def test_periods_are_at_least_a_year():
    with pytest.raises(ValueError):
        ce_periods([], date(2026, 1, 1), 0, today=date(2026, 1, 1))


def add_record(db, user, title: str, completed: datetime, hours: float, revoked: bool = False):
    """Give the user a record of a course made for the purpose (one record per course)."""
    course = Course(slug=title.lower().replace(" ", "-"), current_version=1)
    db.session.add(course)
    db.session.flush()
    version = CourseVersion(course_id=course.id, version=1, content_hash="0" * 64, title=title,
                            ce_hours=hours, completion={})
    db.session.add(version)
    db.session.flush()
    db.session.add(CompletionRecord(
        user_id=user.id, course_id=course.id, course_version_id=version.id,
        completed_at=completed, ce_hours=hours, certificate_code=f"TP-{course.id:04d}",
        revoked_at=completed if revoked else None))
    db.session.commit()


@pytest.fixture
def trainee(make_user, db, clock):
    """A trainee with four certificates over four years, one of them revoked."""
    user = make_user()
    clock.now = datetime(2026, 7, 1, 9, tzinfo=UTC)
    add_record(db, user, "Neck Work", datetime(2023, 5, 1, 10, tzinfo=UTC), 2.5)
    add_record(db, user, "Back Work", datetime(2024, 9, 1, 10, tzinfo=UTC), 3.5)
    add_record(db, user, "Hip Work", datetime(2025, 6, 1, 10, tzinfo=UTC), 8)
    add_record(db, user, "Jaw Work", datetime(2026, 1, 10, 10, tzinfo=UTC), 6, revoked=True)
    return user


def ce_section(client, login_as, user) -> str:
    login_as(user)
    page = client.get("/records").get_data(as_text=True)
    return " ".join(page[page.index('id="ce-hours"'):].split())


def test_records_page_totals_each_period_from_the_first_completion(client, login_as, trainee):
    section = ce_section(client, login_as, trainee)

    assert "Periods of 2 years, counted from your first completion on 1 May 2023" in section
    current = section[section.index("1 May 2025 – 30 April 2027"):]
    earlier = section[section.index("1 May 2023 – 30 April 2025"):]
    assert section.index("1 May 2025 –") < section.index("1 May 2023 –")  # newest first
    assert current.startswith("1 May 2025 – 30 April 2027 <span class=\"badge valid\">current")
    assert "<strong>8 CE hours</strong>" in current[:400]
    assert "Jaw Work" in current and "revoked, not counted" in current
    assert "<strong>6 CE hours</strong>" in earlier[:300]  # 2.5 + 3.5
    assert "Neck Work" in earlier and "Back Work" in earlier


def test_period_length_and_anchor_are_settings(app, client, login_as, trainee):
    app.config.update(TPCOURSE_CE_PERIOD_YEARS="1", TPCOURSE_CE_PERIOD_ANCHOR="2026-01-01")
    section = ce_section(client, login_as, trainee)

    assert "Periods of 1 year, counted from 1 January 2026" in section
    for period, hours in [("1 January 2026 – 31 December 2026", "0 CE hours"),
                          ("1 January 2025 – 31 December 2025", "8 CE hours"),
                          ("1 January 2024 – 31 December 2024", "3.5 CE hours"),
                          ("1 January 2023 – 31 December 2023", "2.5 CE hours")]:
        assert f"<strong>{hours}</strong>" in section[section.index(period):][:300], period


def test_no_records_no_periods(client, login_as, make_user):
    login_as(make_user())
    assert 'id="ce-hours"' not in client.get("/records").get_data(as_text=True)
