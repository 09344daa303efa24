"""Editing lessons in the browser: drafts, live preview, publishing as a new course version.

The course version holds modules and lessons, so publishing a lesson edit writes a new
`CourseVersion` that copies the current one with that lesson changed — through the same
code as `content sync`, so the content hash is the one the exported files would give.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ...content.drafts import validate_lesson_draft
from ...content.export import lesson_markdown, normalise_body
from ...content.markdown import render_markdown
from ...content.model import CompletionRules, CourseSpec, LessonSpec, ModuleSpec
from ...extensions import db
from ...models import ContentTranslation, Course, CourseVersion, Lesson, LessonDraft, Module, User
from ...permissions import authoring as author_permissions
from ..errors import Conflict, NotFound, ServiceError
from ..learning.learning import instructs
from ..records.audit import actor_of, record_event
from .content_sync import SyncReport, write_course_version
from .quizzes import assets_dir


class LessonInvalid(ServiceError):
    """A lesson edit fails the content checks; `errors` maps field names to messages."""

    status = 422

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("Some fields need fixing.")
        self.errors = errors


@dataclass
class LessonEdit:
    """What an author typed for a lesson."""

    title: str
    minutes: object
    objectives: list[str]
    body: str


@dataclass
class LessonWorkspace:
    """A lesson of a course's current version, and the author's unpublished draft of it."""

    course: Course
    version: CourseVersion
    module: Module
    lesson: Lesson
    draft: LessonDraft | None

    @property
    def key(self) -> str:
        """The lesson's key across versions: module slug / lesson slug."""
        return f"{self.module.slug}/{self.lesson.slug}"

    @property
    def edit(self) -> LessonEdit:
        """The text being edited: the draft's when there is one, else the published lesson's."""
        source = self.draft or self.lesson
        return LessonEdit(source.title, source.minutes, list(source.objectives), source.body)


def authorable_course(user: User, course_slug: str) -> CourseVersion:
    """Return the current version (modules and lessons loaded) of a course the user authors."""
    version = db.session.execute(
        select(CourseVersion).join(Course, Course.id == CourseVersion.course_id)
        .where(Course.slug == course_slug, CourseVersion.version == Course.current_version)
        .options(selectinload(CourseVersion.modules).selectinload(Module.lessons))
    ).scalar_one_or_none()
    if version is None or not author_permissions.can_author(
            user, instructs(user, version.course_id)):
        raise NotFound(_("No such course."))
    return version


def lesson_workspace(user: User, course_slug: str, module_slug: str,
                     lesson_slug: str) -> LessonWorkspace:
    """Return a lesson and its draft for an author of the course; NotFound otherwise."""
    version = authorable_course(user, course_slug)
    for module in version.modules:
        for lesson in module.lessons:
            if module.slug == module_slug and lesson.slug == lesson_slug:
                draft = db.session.execute(select(LessonDraft).filter_by(
                    course_id=version.course_id, lesson_key=f"{module_slug}/{lesson_slug}")
                ).scalar_one_or_none()
                return LessonWorkspace(version.course, version, module, lesson, draft)
    raise NotFound(_("No such lesson."))


def draft_keys(course_id: int) -> set[str]:
    """Return the keys of the lessons of a course that have unpublished drafts."""
    return set(db.session.execute(
        select(LessonDraft.lesson_key).filter_by(course_id=course_id)).scalars())


def _module_spec(module: Module) -> ModuleSpec:
    return ModuleSpec(slug=module.slug, title=module.title, objectives=dict(module.objectives),
                      quiz=module.quiz_slug, safety=bool(module.safety))


def _checked(ws: LessonWorkspace, edit: LessonEdit) -> LessonSpec:
    body = normalise_body(edit.body)
    lesson, errors = validate_lesson_draft(
        edit.title, edit.minutes, edit.objectives, body, _module_spec(ws.module), ws.lesson.slug,
        lambda name: "/" not in name and (assets_dir() / name).is_file())
    if errors or lesson is None:
        raise LessonInvalid(errors or {"body": [_("The lesson could not be read.")]})
    return lesson


def save_lesson_draft(ws: LessonWorkspace, user: User, edit: LessonEdit,
                      now: datetime) -> LessonSpec:
    """Check an edit and keep it as the lesson's draft; trainees still see the published one."""
    lesson = _checked(ws, edit)
    if ws.draft is None:
        ws.draft = LessonDraft(course_id=ws.course.id, lesson_key=ws.key)
        db.session.add(ws.draft)
    ws.draft.title, ws.draft.minutes = lesson.title, lesson.minutes
    ws.draft.objectives, ws.draft.body = lesson.objectives, lesson.body
    ws.draft.updated_by_id, ws.draft.updated_at = user.id, now
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Someone else saved this lesson at the same moment; open it again.")) \
            from None
    return lesson


def course_spec(version: CourseVersion, translations: dict[str, str] | None = None
                ) -> CourseSpec:
    """Rebuild the CourseSpec a version was made from (modules and lessons must be loaded);
    its translation files by path are read unless given (`translations`)."""
    completion = CompletionRules(**{k: v for k, v in (version.completion or {}).items()
                                    if k in CompletionRules.__dataclass_fields__})
    spec = CourseSpec(
        slug=version.course.slug, title=version.title, summary=version.summary,
        ce_hours=version.ce_hours, certificate_valid_days=version.certificate_valid_days,
        final_exam=version.final_exam_slug, completion=completion,
        course_type=version.course_type,
        practical_skills={s["key"]: s["text"] for s in version.practical_skills or []},
        skill_rubrics={s["key"]: s["rubric"] for s in version.practical_skills or []
                       if s.get("rubric")},
        evaluation=list(version.evaluation or []), hands_on_minutes=version.hands_on_minutes,
        hands_on_ce_hours=version.hands_on_ce_hours,
        ce_approval=dict(version.ce_approval) if version.ce_approval else None,
        renewal=dict(version.renewal) if version.renewal is not None else None,
        sequencing=dict(version.sequencing) if version.sequencing is not None else None)
    for module in version.modules:
        module_spec = _module_spec(module)
        module_spec.lessons = [
            LessonSpec(slug=lesson.slug, title=lesson.title, minutes=lesson.minutes,
                       objectives=list(lesson.objectives), body=lesson.body, html=lesson.html,
                       words=lesson.words, path="")
            for lesson in module.lessons]
        spec.modules.append(module_spec)
    spec.translations = translations if translations is not None else dict(db.session.execute(
        select(ContentTranslation.path, ContentTranslation.text)
        .where(ContentTranslation.course_version_id == version.id)).all())
    return spec


def publish_lesson(ws: LessonWorkspace, user: User, edit: LessonEdit,
                   now: datetime) -> CourseVersion | None:
    """Publish an edit as a new course version; None when nothing changed."""
    lesson = _checked(ws, edit)
    spec = course_spec(ws.version)
    module = next(m for m in spec.modules if m.slug == ws.module.slug)
    module.lessons = [lesson if item.slug == lesson.slug else item for item in module.lessons]
    report = SyncReport()
    course = write_course_version(spec, report)
    if report.created:
        db.session.flush()
        record_event("lesson.published", {"course": course.slug, "lesson": ws.key,
                                          "version": course.current_version,
                                          "content_hash": spec.content_hash()},
                     actor_of(user), now)
    if ws.draft is not None:
        db.session.delete(ws.draft)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("Someone else published this course at the same moment; open the "
                       "lesson again and check the latest version.")) from None
    if not report.created:
        return None
    return db.session.execute(select(CourseVersion).filter_by(
        course_id=course.id, version=course.current_version)).scalar_one()


def discard_lesson_draft(ws: LessonWorkspace) -> bool:
    """Throw away the lesson's draft; True when there was one."""
    if ws.draft is None:
        return False
    db.session.delete(ws.draft)
    db.session.commit()
    return True


def preview_html(body: str) -> str:
    """Render lesson Markdown as trainees would see it (sanitised); check access first."""
    return render_markdown(normalise_body(body))


def lesson_file(ws: LessonWorkspace) -> tuple[str, str]:
    """Return the published lesson as (file name, text of its .md file)."""
    lesson = ws.lesson
    return f"{lesson.slug}.md", lesson_markdown(lesson.title, lesson.minutes,
                                                list(lesson.objectives), lesson.body)
