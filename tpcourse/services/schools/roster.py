"""A school's trainees × courses, read in pages with a fixed number of queries per page.

The dashboard and every export read rows through this module, so they show the same numbers.
Which enrolments belong to a school: those in one of its cohorts, and those in no cohort whose
trainee's school it is (`coalesce(cohort.school_id, user.school_id)`).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, any_, exists, func, or_, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import (
    Attempt,
    Cohort,
    CompletionRecord,
    Course,
    CourseVersion,
    Enrollment,
    LessonProgress,
    Quiz,
    School,
    SkillSignoff,
    User,
)
from ...records.rows import CompletionRow
from .progress import (
    Progress,
    attempts_query,
    build_rows,
    each_row,
    outcomes_of,
    outlines_for,
    progress_for,
    quiz_outcomes_for,
    signoffs_query,
    skills_of,
)

EXPORT_PAGE_SIZE = 500
STATUSES = ("completed", "in_progress", "not_started")
SORTS = ("name", "email", "cohort", "enrolled", "completed", "score")

Current = aliased(CourseVersion, name="current_version")
Recorded = aliased(CourseVersion, name="recorded_version")
Newer = aliased(CompletionRecord, name="newer_record")
Renewed = aliased(CompletionRecord, name="renewed_record")


@dataclass(frozen=True)
class RosterFilter:
    """Which rows to read: all optional; `since`/`until` bound the completion time [since, until)."""

    cohort_id: int | None = None
    no_cohort: bool = False
    course_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    status: str | None = None
    search: str = ""


def _newest_record_join(every_cycle: bool):
    """The join condition of an enrolment's completion records: every cycle's, or the newest's."""
    record_join = and_(CompletionRecord.user_id == Enrollment.user_id,
                       CompletionRecord.course_id == Enrollment.course_id)
    if every_cycle:
        return record_join
    # The newest cycle is looked up per enrolment (an index probe), which lets the database
    # join a page's 25 enrolments to their records without first pairing every record with the
    # newer ones of every school (what `NOT EXISTS (a newer cycle)` in the join made it do).
    newest = select(func.max(Newer.cycle)).where(
        Newer.user_id == Enrollment.user_id, Newer.course_id == Enrollment.course_id)
    return and_(record_join, CompletionRecord.cycle == newest.scalar_subquery())


def _joined(query: Select, every_cycle: bool = False, cohort: bool = True,
            records: bool = True) -> Select:
    """Join an enrolment query to its trainee, course and current version, and, when asked,
    to its cohort and its completion records (with their version and the record renewed)."""
    query = (query.join(User, User.id == Enrollment.user_id)
             .join(Course, Course.id == Enrollment.course_id)
             .join(Current, and_(Current.course_id == Course.id,
                                 Current.version == Course.current_version)))
    if cohort:
        query = query.outerjoin(Cohort, Cohort.id == Enrollment.cohort_id)
    if records:
        query = (query.outerjoin(CompletionRecord, _newest_record_join(every_cycle))
                 .outerjoin(Recorded, Recorded.id == CompletionRecord.course_version_id)
                 .outerjoin(Renewed, Renewed.id == CompletionRecord.renews_id))
    return query


def _base(school_id: int | None, every_cycle: bool = False, chosen: Select | None = None
          ) -> Select:
    """Select the columns a row needs for the school's enrolments (one query, no N+1); or, with
    no school, for the enrolments whose ids `chosen` selects (read first: the database then
    joins only those, where an `IN` at the end let it join every enrolment before picking).

    A trainee renewed in a course has a record per certification cycle: the dashboard reads the
    newest only (one row per enrolment); exports read every cycle (`every_cycle`), a row each.
    """
    version = func.coalesce
    query = _joined(select(
        Enrollment.id.label("enrollment_id"), Enrollment.enrolled_at, Enrollment.course_id,
        User.id.label("user_id"), User.name, User.email, Cohort.name.label("cohort"),
        Course.slug.label("course_slug"),
        version(Recorded.title, Current.title).label("course_title"),
        version(Recorded.version, Current.version).label("course_version"),
        version(Recorded.id, Current.id).label("version_id"),
        version(Recorded.final_exam_slug, Current.final_exam_slug).label("final_exam"),
        version(CompletionRecord.ce_hours, Current.ce_hours).label("ce_hours"),
        CompletionRecord.completed_at, CompletionRecord.score,
        CompletionRecord.certificate_code, CompletionRecord.expires_at,
        CompletionRecord.revoked_at, CompletionRecord.cycle,
        Renewed.certificate_code.label("renews_code"),
        Renewed.completed_at.label("renews_completed_at"),
        ~exists().where(Newer.user_id == CompletionRecord.user_id,
                        Newer.course_id == CompletionRecord.course_id,
                        Newer.cycle > CompletionRecord.cycle).label("newest"),
    ).select_from(Enrollment if chosen is None else _driven_by(chosen)), every_cycle)
    return query if school_id is None else query.where(in_school(school_id))


def _driven_by(chosen: Select):
    """FROM the chosen enrolment ids, joined to their enrolments."""
    ids = chosen.subquery("chosen")
    return ids.join(Enrollment, Enrollment.id == ids.c.id)


def in_school(school_id: int):
    """SQL condition: the enrolment is the school's — in one of its cohorts, or in no cohort
    and by one of its members. Two indexed look-ups (the school's cohorts, its members)
    rather than a test on the joined row (`coalesce(cohort's school, user's school)`), which
    made the database join every enrolment of every school before filtering."""
    return or_(_among(Enrollment.cohort_id, select(Cohort.id).where(Cohort.school_id == school_id)),
               and_(Enrollment.cohort_id.is_(None),
                    _among(Enrollment.user_id,
                           select(User.id).where(User.school_id == school_id))))


def _among(column, ids: Select):
    """SQL condition: `column` is one of the ids the subquery selects.

    On PostgreSQL as `= ANY(ARRAY(subquery))`: the subquery runs once and its array can be
    looked up in the column's index, so with the OR of `in_school` the database reads the
    school's enrolments through the index (a bitmap OR) instead of testing every enrolment
    against two hashed subqueries; SQLite reads an IN list through the index either way.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(func.array(ids.scalar_subquery()))
    return column.in_(ids)


def _started():
    """SQL condition: the trainee read a lesson or submitted a quiz of the course."""
    read = exists().where(LessonProgress.user_id == Enrollment.user_id,
                          LessonProgress.course_id == Enrollment.course_id)
    tried = exists().where(Attempt.user_id == Enrollment.user_id, Attempt.quiz_id == Quiz.id,
                           Quiz.course_id == Enrollment.course_id)
    return or_(read, tried)


def scoped(school_id: int, where: RosterFilter, every_cycle: bool = False) -> Select:
    """Return the filtered row query for a school (no order, no limit); `every_cycle`: a row
    per completion record (exports), else per enrolment with its newest record (dashboard)."""
    return _filtered(_base(school_id, every_cycle), where)


def _reads_records(where: RosterFilter) -> bool:
    """Whether the filter tests the completion record."""
    return where.since is not None or where.until is not None or where.status is not None


def _filtered(query: Select, where: RosterFilter) -> Select:
    """Add the filter's conditions to a query joined as `_joined` joins it."""
    if where.cohort_id is not None:
        query = query.where(Enrollment.cohort_id == where.cohort_id)
    if where.no_cohort:
        query = query.where(Enrollment.cohort_id.is_(None))
    if where.course_id is not None:
        query = query.where(Enrollment.course_id == where.course_id)
    if where.since is not None:
        query = query.where(CompletionRecord.completed_at >= where.since)
    if where.until is not None:
        query = query.where(CompletionRecord.completed_at < where.until)
    if where.status == "completed":
        query = query.where(CompletionRecord.id.is_not(None))
    elif where.status in ("in_progress", "not_started"):
        started = _started()
        query = query.where(CompletionRecord.id.is_(None),
                            started if where.status == "in_progress" else ~started)
    if where.search.strip():
        pattern = f"%{where.search.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern),
                                func.lower(User.email).like(pattern)))
    return query


def _narrow(school_id: int, where: RosterFilter, sort: str | None = None) -> Select:
    """The ids of the school's filtered enrolments (one per enrolment), joined only to what the
    filter and the sort read: the count and the page's order run over the school's whole
    roster, so they skip the completion records (the newest of each, found per enrolment)
    unless a filter or the sort tests them."""
    records = _reads_records(where) or sort in ("completed", "score")
    query = _joined(select(Enrollment.id).select_from(Enrollment),
                    cohort=sort == "cohort", records=records)
    return _filtered(query.where(in_school(school_id)), where)


def iter_rows(school: School, where: RosterFilter, now: datetime, site_url: str,
              page_size: int = EXPORT_PAGE_SIZE) -> Iterator[CompletionRow]:
    """Yield CompletionRows in enrolment order, read through one streamed query.

    A row per completion record: a renewed trainee has one per certification cycle, oldest
    first. The rows come from one ordered query read `page_size` rows at a time (a server-side
    cursor on PostgreSQL), so memory holds one page; each page then costs two more queries
    (its quiz outcomes, its skill sign-offs), however many rows there are. (A keyset query per
    page re-joined and re-sorted every later row on PostgreSQL: quadratic in the rows.)
    """
    cycle = func.coalesce(CompletionRecord.cycle, 0)
    query = scoped(school.id, where, every_cycle=True).order_by(Enrollment.id, cycle)
    result = db.session.connection().execute(query, execution_options={"yield_per": page_size})
    # Named tuples: the same attributes as the database rows, read in a tenth of the time.
    as_tuple = namedtuple("RosterRow", result.keys())._make
    try:
        for rows in result.partitions():
            page = list(map(as_tuple, rows))
            wanted = {(row.user_id, row.course_id) for row in page}
            span = (school.id, page[0].enrollment_id, page[-1].enrollment_id)
            attempts = db.session.connection().execute(_page_attempts(*span))
            outcomes = outcomes_of(map(namedtuple("Outcome", attempts.keys())._make, attempts),
                                   wanted)
            skills = skills_of(db.session.execute(_page_signoffs(*span)), wanted)
            yield from each_row(page, school, outcomes, now, site_url, skills)
    finally:
        result.close()  # an export stopped half-way frees its cursor at once


def _page_enrollments(school_id: int, first: int, last: int):
    """SQL condition: the school's enrolments with ids from `first` to `last` (one page's).

    Two bound values whatever the page's size, where a list of the page's trainees would be
    five hundred: the statement is compiled once and the database reads an id range."""
    return and_(Enrollment.id.between(first, last), in_school(school_id))


def _page_attempts(school_id: int, first: int, last: int) -> Select:
    """The graded attempts in the courses of a page of enrolments."""
    return attempts_query().join(Enrollment, and_(Enrollment.user_id == Attempt.user_id,
                                                  Enrollment.course_id == Quiz.course_id)) \
        .where(_page_enrollments(school_id, first, last))


def _page_signoffs(school_id: int, first: int, last: int) -> Select:
    """The skill sign-offs in the courses of a page of enrolments."""
    return signoffs_query().join(Enrollment, and_(
        Enrollment.user_id == SkillSignoff.user_id,
        Enrollment.course_id == SkillSignoff.course_id)).where(
        _page_enrollments(school_id, first, last))


@dataclass(frozen=True)
class RosterPage:
    """One page of the dashboard: each row's export fields and its progress."""

    entries: list[tuple[CompletionRow, Progress, int]]  # row, progress, enrolment id
    page: int
    pages: int
    total: int


def _order(sort: str, descending: bool):
    column = {
        "name": func.lower(User.name), "email": User.email, "cohort": Cohort.name,
        "enrolled": Enrollment.enrolled_at, "completed": CompletionRecord.completed_at,
        "score": CompletionRecord.score,
    }.get(sort, func.lower(User.name))
    ordered = column.desc() if descending else column.asc()
    # NULLs last either way, then a unique tiebreak so pages never overlap.
    return [column.is_(None), ordered, Enrollment.id]


def roster_page(school: School, where: RosterFilter, now: datetime, site_url: str,
                sort: str = "name", descending: bool = False, page: int = 1,
                per_page: int = 25) -> RosterPage:
    """Return one sorted page of the school's roster with progress (five queries).

    The count and the choice of the page's enrolments run over the whole roster with only the
    joins they need (`_narrow`); every column of a row is then read for the page's enrolments
    only, in the same order.
    """
    total = db.session.execute(select(func.count()).select_from(
        _narrow(school.id, where).subquery())).scalar_one()
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    order = _order(sort, descending)
    chosen = (_narrow(school.id, where, sort).order_by(*order).limit(per_page)
              .offset((page - 1) * per_page))
    found = db.session.execute(
        _base(None, chosen=chosen).order_by(*order)).all()
    outcomes = quiz_outcomes_for(found)
    outlines = outlines_for({row.version_id for row in found})
    progress = progress_for(found, outlines, outcomes)
    rows = build_rows(found, school, outcomes, now, site_url)
    entries = [(row, progress[(raw.user_id, raw.course_id)], raw.enrollment_id)
               for row, raw in zip(rows, found, strict=True)]
    return RosterPage(entries, page, pages, total)
