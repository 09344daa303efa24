"""Who teaches a course: admins assign instructors to courses and remove them."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...extensions import db
from ...models import Course, CourseInstructor, User
from ...permissions import authoring as author_permissions
from ..errors import Forbidden, NotFound, ServiceError
from ..records.audit import actor_of, record_event

ROLE_NAMES = {"trainee": _l("trainee"), "instructor": _l("instructor"),
              "school_admin": _l("school admin"), "admin": _l("admin")}


def _role_name(role: str) -> str:
    """A role as people read it, in the reader's language: "school admin"."""
    return str(ROLE_NAMES.get(role, role.replace("_", " ")))


class InstructorRefused(ServiceError):
    """The person named cannot be made an instructor of the course; the message says why."""

    status = 422


def _course(actor: User | None, slug: str) -> Course:
    """Return the course; `actor` None is the command line, which may do this."""
    if actor is not None and not author_permissions.can_assign_instructors(actor):
        raise Forbidden(_("Only an admin can choose a course's instructors."))
    course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one_or_none()
    if course is None:
        raise NotFound(_("No course '%(slug)s'.", slug=slug))
    return course


def course_instructors(course_id: int) -> list[User]:
    """Return the instructors of a course, by name (one query)."""
    return list(db.session.execute(
        select(User).join(CourseInstructor, CourseInstructor.user_id == User.id)
        .where(CourseInstructor.course_id == course_id).order_by(User.name, User.id)).scalars())


def assign_instructor(actor: User | None, slug: str, email: str, now: datetime) -> User:
    """Make an instructor account an instructor of the course (again is fine)."""
    course = _course(actor, slug)
    user = db.session.execute(select(User).where(
        func.lower(User.email) == email.strip().lower())).scalar_one_or_none()
    if user is None:
        raise InstructorRefused(_("No account has the email %(email)s: create the account "
                                  "first (Admin → People), then assign it.",
                                  email=email.strip()))
    if user.role != "instructor":
        raise InstructorRefused(_("%(name)s is a %(role)s: only instructor accounts can be "
                                  "assigned to a course.", name=user.name,
                                  role=_role_name(user.role)))
    if db.session.get(CourseInstructor, (user.id, course.id)) is None:
        db.session.add(CourseInstructor(user_id=user.id, course_id=course.id))
        record_event("course.instructor_added", {"course": slug, "user": user.id},
                     actor_of(actor), now)
        db.session.commit()
    return user


def remove_instructor(actor: User | None, slug: str, email: str, now: datetime) -> User:
    """Stop an instructor teaching the course (their past work stays)."""
    course = _course(actor, slug)
    user = db.session.execute(select(User).where(
        func.lower(User.email) == email.strip().lower())).scalar_one_or_none()
    link = db.session.get(CourseInstructor, (user.id, course.id)) if user else None
    if link is None:
        raise NotFound(_("%(email)s is not an instructor of this course.",
                         email=email.strip()))
    db.session.delete(link)
    record_event("course.instructor_removed", {"course": slug, "user": user.id},
                 actor_of(actor), now)
    db.session.commit()
    return user
