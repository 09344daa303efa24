"""Enrol a whole class from a CSV: a dry run first, then the same plan applied.

`plan_enrolment` reads the file and decides, row by row, what confirming would do: create and
invite a new account, enrol an existing account of this school, or nothing (already done).
Rows it cannot use are problems named by row and column. `apply_enrolment` carries out the
valid rows in one transaction, then emails the invitations; running it again with the same
file changes nothing and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...i18n_markers import N_
from ...models import Cohort, Course, CourseVersion, Enrollment, School, User
from ...records.people_csv import PersonRow, RowProblem, read_people_csv
from ..accounts import invitations
from ..errors import Conflict
from ..records.audit import record_event

CREATE, ENROL, UNCHANGED = "create", "enrol", "unchanged"
FOREIGN = N_("this email belongs to an account this school does not manage: send the person "
              "the cohort's invite link instead")


@dataclass(frozen=True)
class PlannedRow:
    """What confirming does with one row."""

    person: PersonRow
    action: str  # CREATE, ENROL or UNCHANGED
    course_id: int | None
    course_title: str
    cohort: Cohort | None
    user: User | None = None
    enrolment: Enrollment | None = None


@dataclass
class EnrolmentPlan:
    """The dry run: each usable row's action, each other row's problems, notes on the file."""

    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        """How many rows take `action`."""
        return sum(1 for row in self.rows if row.action == action)

    @property
    def changes(self) -> bool:
        """Whether confirming would change anything."""
        return any(row.action != UNCHANGED for row in self.rows)


def _cohorts(school: School) -> dict[str, Cohort]:
    live = db.session.execute(select(Cohort).where(Cohort.school_id == school.id,
                                                   Cohort.archived_at.is_(None))).scalars()
    return {" ".join(c.name.lower().split()): c for c in live}


def _courses() -> tuple[dict[str, tuple[int, str]], dict[int, str]]:
    rows = db.session.execute(
        select(Course.id, Course.slug, CourseVersion.title)
        .join(CourseVersion, (CourseVersion.course_id == Course.id)
              & (CourseVersion.version == Course.current_version))).all()
    by_key = {}
    for row in rows:
        by_key[row.slug.lower()] = (row.id, row.title)
        by_key[" ".join(row.title.lower().split())] = (row.id, row.title)
    return by_key, {row.id: row.title for row in rows}


def plan_enrolment(school: School, data: bytes, default_cohort: Cohort | None = None
                   ) -> EnrolmentPlan:
    """Read a class list and decide what confirming would do (changes nothing)."""
    parsed = read_people_csv(data)
    plan = EnrolmentPlan(problems=list(parsed.problems), notes=list(parsed.notes))
    cohorts, (courses, titles) = _cohorts(school), _courses()
    emails = [person.email for person in parsed.rows]
    users = {u.email: u for u in db.session.execute(
        select(User).where(User.email.in_(emails))).scalars()} if emails else {}
    enrolments = {(e.user_id, e.course_id): e for e in db.session.execute(
        select(Enrollment).where(Enrollment.user_id.in_([u.id for u in users.values()])))
        .scalars()} if users else {}
    for person in parsed.rows:
        cohort = default_cohort
        if person.cohort:
            cohort = cohorts.get(" ".join(person.cohort.lower().split()))
            if cohort is None:
                plan.problems.append(RowProblem(
                    person.row, "cohort", N_("no live cohort '%(cohort)s' in this school"),
                    {"cohort": person.cohort}))
                continue
        course_id = cohort.course_id if cohort else None
        if person.course:
            found = courses.get(" ".join(person.course.lower().split()))
            if found is None:
                plan.problems.append(RowProblem(person.row, "course",
                                                N_("no course '%(course)s'"),
                                                {"course": person.course}))
                continue
            if course_id is not None and found[0] != course_id:
                plan.problems.append(RowProblem(
                    person.row, "course", N_("cohort '%(cohort)s' takes another course"),
                    {"cohort": cohort.name}))
                continue
            course_id = found[0]
        user = users.get(person.email)
        if user is not None and (user.role != "trainee" or user.school_id not in (None,
                                                                                  school.id)):
            plan.problems.append(RowProblem(person.row, "email", FOREIGN))
            continue
        enrolment = enrolments.get((user.id, course_id)) if user and course_id else None
        if enrolment is not None and cohort and enrolment.cohort_id not in (None, cohort.id):
            plan.problems.append(RowProblem(person.row, "cohort", N_(
                "already in another cohort of this course: remove them from it first")))
            continue
        if user is None:
            action = CREATE
        else:
            missing = course_id is not None and (enrolment is None or (
                cohort is not None and enrolment.cohort_id != cohort.id))
            action = ENROL if missing or user.school_id != school.id else UNCHANGED
        plan.rows.append(PlannedRow(person, action, course_id, titles.get(course_id, ""),
                                    cohort, user, enrolment))
    plan.problems.sort(key=lambda p: p.row)
    return plan


@dataclass(frozen=True)
class EnrolmentResult:
    """What confirming did."""

    created: int
    enrolled: int
    unchanged: int
    skipped: int


def apply_enrolment(plan: EnrolmentPlan, school: School, actor: str,
                    now: datetime) -> EnrolmentResult:
    """Carry out the plan's rows in one transaction, then email the new accounts."""
    created: list[User] = []
    enrolled = 0
    try:
        for row in plan.rows:
            if row.action == UNCHANGED:
                continue
            user = row.user
            if row.action == CREATE:
                user = invitations.create_invited(row.person.email, row.person.name, "trainee",
                                                  school, actor, now, commit=False)
                created.append(user)
            user.school_id = school.id
            if row.course_id is None:
                continue
            if row.enrolment is None:
                db.session.add(Enrollment(user_id=user.id, course_id=row.course_id,
                                          enrolled_at=now,
                                          cohort_id=row.cohort.id if row.cohort else None))
            elif row.cohort is not None:
                row.enrolment.cohort_id = row.cohort.id
            enrolled += 1
        record_event("school.people_imported", {
            "school": school.id, "created": len(created), "enrolled": enrolled,
            "unchanged": plan.count(UNCHANGED), "skipped": len(plan.problems)}, actor, now)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Someone changed these accounts while you were looking at the "
                         "preview: upload the file again to see what is left to do.")) from None
    for user in created:
        invitations.send_invitation(user, now, inviter=school.name)
    return EnrolmentResult(len(created), enrolled, plan.count(UNCHANGED), len(plan.problems))
