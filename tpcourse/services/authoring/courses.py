"""Courses made and edited in the browser: settings, modules, new lessons, as one draft.

Every change goes into the course's draft (a course dict, see content/course_files.py) and is
checked with `content check`'s own loader before it is kept: problems in what was just edited
refuse the save (422, shown beside the fields); problems elsewhere, such as a module with no
lessons yet, are listed as what is left before publishing (course_publish.py).

Lessons keep their `module/lesson` key, which progress is stored by; a lesson moved within
its module gets the two-digit prefix of its new place (files sort in lesson order) and
remembers its published key in `was`, so publishing carries progress along.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ...banks.model import slugify
from ...content.course_files import course_dict, numbered_slug
from ...content.drafts import validate_lesson_draft
from ...content.export import normalise_body
from ...content.model import ModuleSpec
from ...extensions import db
from ...models import Course, CourseDraft, CourseInstructor, CourseVersion, Module, Quiz, User
from ...permissions import authoring as author_permissions
from ..errors import Conflict, Forbidden, NotFound, ServiceError
from ..learning.learning import instructs
from ..records.audit import actor_of, record_event
from .course_files import CourseCheck, check_course
from .lessons import LessonEdit, course_spec
from .quizzes import assets_dir

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
SLUG_HINT = "Use lowercase letters, digits and hyphens, e.g. neck-and-shoulders."


class CourseInvalid(ServiceError):
    """A course edit fails the content checks; `errors` maps places to messages."""

    status = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Some fields need fixing.")
        self.errors = errors


@dataclass
class CourseWorkspace:
    """A course, its current published version (if any) and its unpublished draft."""

    course: Course
    version: CourseVersion | None
    draft: CourseDraft | None

    @property
    def published(self) -> dict[str, Any] | None:
        """The current version as a course dict, lessons marked with their published keys."""
        if self.version is None:
            return None
        data = course_dict(course_spec(self.version))
        for module in data["modules"]:
            for lesson in module["lessons"]:
                lesson["was"] = f"{module['slug']}/{lesson['slug']}"
        return data

    @property
    def data(self) -> dict[str, Any]:
        """What is being edited: the draft, else the published version."""
        return copy.deepcopy(self.draft.data) if self.draft is not None else self.published

    def module(self, data: dict[str, Any], slug: str) -> dict[str, Any]:
        """Return a module of `data` by slug, or raise NotFound."""
        for module in data["modules"]:
            if module["slug"] == slug:
                return module
        raise NotFound(_("No such module."))


def new_course_data(slug: str, title: str) -> dict[str, Any]:
    """Return the course dict of a course with nothing in it yet."""
    return {"slug": slug, "title": title, "summary": "", "ce_hours": 0.0,
            "certificate_valid_days": None, "course_type": "Home Study", "final_exam": None,
            "completion": {"lessons": "all", "quizzes": "all", "final_exam": None,
                           "skills": "none", "evaluation": "none"},
            "practical_skills": {}, "evaluation": [], "hands_on_minutes": 0,
            "hands_on_ce_hours": 0.0, "ce_approval": None, "modules": []}


def course_workspace(user: User, slug: str) -> CourseWorkspace:
    """Return a course the user may edit (admins: any; instructors: their own); else NotFound."""
    course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one_or_none()
    if course is None or not author_permissions.can_author(user, instructs(user, course.id)):
        raise NotFound(_("No such course."))
    return _workspace(course)


def command_line_workspace(slug: str) -> CourseWorkspace:
    """Return a course for the command line, which may see every course; else NotFound."""
    course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one_or_none()
    if course is None:
        raise NotFound(_("No course '%(slug)s'.", slug=slug))
    return _workspace(course)


def _workspace(course: Course) -> CourseWorkspace:
    version = db.session.execute(
        select(CourseVersion).where(CourseVersion.course_id == course.id,
                                    CourseVersion.version == course.current_version)
        .options(selectinload(CourseVersion.modules).selectinload(Module.lessons))
    ).scalar_one_or_none()
    draft = db.session.execute(select(CourseDraft).filter_by(course_id=course.id)
                               ).scalar_one_or_none()
    return CourseWorkspace(course, version, draft)


def unpublished_courses(user: User) -> list[CourseDraft]:
    """Return the drafts of courses never published that the user may edit."""
    query = (select(CourseDraft).join(Course, Course.id == CourseDraft.course_id)
             .where(Course.current_version == 0).order_by(Course.slug))
    if not author_permissions.can_create_course(user):
        query = query.join(CourseInstructor, CourseInstructor.course_id == Course.id).where(
            CourseInstructor.user_id == user.id)
    return list(db.session.execute(query).scalars())


def create_course(user: User, slug: str, title: str, now: datetime) -> Course:
    """Make a course with an empty draft (admins only); it is published once it is valid."""
    if not author_permissions.can_create_course(user):
        raise Forbidden(_("Only an admin can create courses."))
    slug, title = slug.strip(), " ".join(title.split())
    errors: dict[str, list[str]] = {}
    if not SLUG.match(slug):
        errors["slug"] = [SLUG_HINT]
    elif db.session.execute(select(Course.id).filter_by(slug=slug)).first():
        errors["slug"] = [_("A course named '%(slug)s' already exists: choose another web "
                            "address.", slug=slug)]
    if not title:
        errors["title"] = [_("Give the course a title.")]
    if errors:
        raise CourseInvalid(errors)
    course = Course(slug=slug, current_version=0)
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseDraft(course_id=course.id, data=new_course_data(slug, title),
                               updated_by_id=user.id, updated_at=now))
    record_event("course.created", {"course": slug}, actor_of(user), now)
    _commit("Someone else created this course at the same moment.")
    return course


def _keep(ws: CourseWorkspace, user: User, data: dict[str, Any], now: datetime,
          blocking: tuple[str, ...]) -> CourseCheck:
    """Check `data`; refuse it if a problem lies at one of the `blocking` places; else keep it."""
    check = check_course(data)
    errors = check.under(*blocking)
    if errors:
        raise CourseInvalid(errors)
    if ws.draft is None:
        ws.draft = CourseDraft(course_id=ws.course.id)
        db.session.add(ws.draft)
    ws.draft.data, ws.draft.updated_by_id, ws.draft.updated_at = data, user.id, now
    _commit("Someone else saved this course at the same moment; open it again.")
    return check


def _commit(message: str) -> None:
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(message) from None


SETTING_PLACES = ("title", "summary", "ce_hours", "certificate_valid_days", "course_type",
                  "final_exam", "completion", "practical_skills", "evaluation",
                  "hands_on_minutes", "hands_on_ce_hours", "ce_approval", "course", "renewal",
                  "sequencing")


def save_settings(ws: CourseWorkspace, user: User, settings: dict[str, Any],
                  now: datetime) -> CourseCheck:
    """Change course.yaml's settings (any of SETTING_PLACES' keys) in the draft."""
    data = ws.data
    dates = (data.get("sequencing") or {}).get("quiz_dates")
    for key, value in settings.items():
        if key in SETTING_PLACES:
            data[key] = value
    if dates and data.get("sequencing") is not None and "quiz_dates" not in data["sequencing"]:
        data["sequencing"]["quiz_dates"] = dates  # the form does not edit quiz dates: kept
    if data.get("final_exam") and data["final_exam"] in {
            m.get("quiz") for m in data["modules"]}:
        raise CourseInvalid({"final_exam": [
            _("This quiz is already a module's quiz: a final exam is a quiz of its own.")]})
    return _keep(ws, user, data, now, SETTING_PLACES)


def course_quiz_choices(ws: CourseWorkspace) -> list[tuple[str, str]]:
    """Return (slug, title) of the published quizzes of the course, for placing them."""
    from ...models import QuizVersion

    rows = db.session.execute(
        select(Quiz.slug, QuizVersion.title).join(QuizVersion, QuizVersion.quiz_id == Quiz.id)
        .where(Quiz.course_id == ws.course.id, QuizVersion.version == Quiz.current_version)
        .order_by(QuizVersion.title)).all()
    return [(slug, title) for slug, title in rows]


def add_module(ws: CourseWorkspace, user: User, slug: str, title: str,
               now: datetime) -> CourseCheck:
    """Add an empty module at the end of the course."""
    data = ws.data
    slug, title = slug.strip(), " ".join(title.split())
    if not SLUG.match(slug):
        raise CourseInvalid({"slug": [SLUG_HINT]})
    if any(m["slug"] == slug for m in data["modules"]):
        raise CourseInvalid({"slug": [_("The course already has a module '%(slug)s'.",
                                        slug=slug)]})
    if not title:
        raise CourseInvalid({"title": [_("Give the module a title.")]})
    data["modules"].append({"slug": slug, "title": title, "objectives": {}, "quiz": None,
                            "safety": False, "lessons": []})
    return _keep(ws, user, data, now, (f"module:{slug}",))


def save_module(ws: CourseWorkspace, user: User, slug: str, title: str,
                objectives: dict[str, str], quiz: str | None, safety: bool,
                now: datetime) -> CourseCheck:
    """Rename a module, set its objectives and safety flag, and place (or remove) its quiz."""
    data = ws.data
    module = ws.module(data, slug)
    if quiz and (quiz == data.get("final_exam") or any(
            m.get("quiz") == quiz for m in data["modules"] if m["slug"] != slug)):
        raise CourseInvalid({"quiz": [_("This quiz is already used elsewhere in the course: "
                                      "each quiz belongs to one module or is the final exam.")]})
    module.update(title=" ".join(title.split()), objectives=objectives, quiz=quiz or None,
                  safety=safety)
    places = [f"module:{slug}", f"lesson:{slug}"] + ([f"quiz:{quiz}"] if quiz else [])
    return _keep(ws, user, data, now, tuple(places))


def move_module(ws: CourseWorkspace, user: User, slug: str, step: int,
                now: datetime) -> CourseCheck:
    """Move a module up (-1) or down (+1) in the course."""
    data = ws.data
    module = ws.module(data, slug)
    _move(data["modules"], module, step)
    return _keep(ws, user, data, now, ())


def remove_module(ws: CourseWorkspace, user: User, slug: str, now: datetime) -> CourseCheck:
    """Remove a module and its lessons from the draft (published versions keep them)."""
    data = ws.data
    data["modules"].remove(ws.module(data, slug))
    return _keep(ws, user, data, now, ())


def _move(items: list, item: Any, step: int) -> None:
    index = items.index(item)
    target = max(0, min(len(items) - 1, index + step))
    items.insert(target, items.pop(index))


def _renumber(module: dict[str, Any]) -> None:
    """Keep lesson files sorting in lesson order: renumber the prefixes when they do not."""
    slugs = [lesson["slug"] for lesson in module["lessons"]]
    if slugs != sorted(slugs):
        for position, lesson in enumerate(module["lessons"], start=1):
            lesson["slug"] = numbered_slug(lesson["slug"], position)


def slug_from_title(title: str) -> str:
    """Make a lesson or module slug from its title, cut at a word boundary."""
    return slugify(title, 60) or "lesson"


def add_lesson(ws: CourseWorkspace, user: User, module_slug: str, edit: LessonEdit,
               now: datetime) -> tuple[CourseCheck, str]:
    """Add a lesson at the end of a module; return the check and the lesson's slug."""
    data = ws.data
    module = ws.module(data, module_slug)
    taken = {re.sub(r"^\d+-", "", lesson["slug"]) for lesson in module["lessons"]}
    base = slug_from_title(edit.title)
    name, count = base, 2
    while name in taken:
        name, count = f"{base}-{count}", count + 1
    slug = numbered_slug(name, len(module["lessons"]) + 1)
    lesson = _checked_lesson(module, slug, edit)
    module["lessons"].append({"slug": slug, "title": lesson.title, "minutes": lesson.minutes,
                              "objectives": lesson.objectives, "body": lesson.body})
    _renumber(module)
    slug = module["lessons"][-1]["slug"]
    return _keep(ws, user, data, now, (f"lesson:{module_slug}/{slug}",)), slug


def update_lesson(ws: CourseWorkspace, user: User, module_slug: str, lesson_slug: str,
                  edit: LessonEdit, now: datetime) -> CourseCheck:
    """Change a lesson added in the draft (published lessons have the lesson editor)."""
    data = ws.data
    module, lesson = _lesson(ws, data, module_slug, lesson_slug)
    if lesson.get("was"):
        raise Conflict(_("This lesson is published: edit it in the lesson editor."))
    checked = _checked_lesson(module, lesson_slug, edit)
    lesson.update(title=checked.title, minutes=checked.minutes, objectives=checked.objectives,
                  body=checked.body)
    return _keep(ws, user, data, now, (f"lesson:{module_slug}/{lesson_slug}",))


def _checked_lesson(module: dict[str, Any], slug: str, edit: LessonEdit):
    """Check a lesson as its file would be checked; raise CourseInvalid by field."""
    spec = ModuleSpec(slug=module["slug"], title=module["title"],
                      objectives=dict(module.get("objectives") or {}), quiz=module.get("quiz"))
    lesson, errors = validate_lesson_draft(
        edit.title, edit.minutes, edit.objectives, normalise_body(edit.body), spec, slug,
        lambda asset: "/" not in asset and (assets_dir() / asset).is_file())
    if errors or lesson is None:
        raise CourseInvalid(errors or {"body": [_("The lesson could not be read.")]})
    return lesson


def _lesson(ws: CourseWorkspace, data: dict[str, Any], module_slug: str, lesson_slug: str):
    module = ws.module(data, module_slug)
    for lesson in module["lessons"]:
        if lesson["slug"] == lesson_slug:
            return module, lesson
    raise NotFound(_("No such lesson."))


def move_lesson(ws: CourseWorkspace, user: User, module_slug: str, lesson_slug: str,
                step: int, now: datetime) -> CourseCheck:
    """Move a lesson up (-1) or down (+1) within its module."""
    data = ws.data
    module, lesson = _lesson(ws, data, module_slug, lesson_slug)
    _move(module["lessons"], lesson, step)
    _renumber(module)
    return _keep(ws, user, data, now, ())


def remove_lesson(ws: CourseWorkspace, user: User, module_slug: str, lesson_slug: str,
                  now: datetime) -> CourseCheck:
    """Remove a lesson from the draft (published versions keep it)."""
    data = ws.data
    module, lesson = _lesson(ws, data, module_slug, lesson_slug)
    module["lessons"].remove(lesson)
    return _keep(ws, user, data, now, ())


def current_check(ws: CourseWorkspace) -> CourseCheck:
    """Check what is being edited, for the course page's list of what is left to fix."""
    return check_course(ws.data)
