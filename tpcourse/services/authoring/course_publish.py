"""Publish a course draft as a new immutable version, exactly as `content sync` would.

The draft is written out as files, loaded and checked by `content.loader`, and the loaded
spec goes through `content_sync.write_course_version`: a course exported and synced from git
gets the same content hash as the one published here. Lessons published since the draft was
started (in the lesson editor) are taken as published; progress follows lessons that moved.
"""

from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ...content.course_files import course_dict, diff_courses
from ...content.loader import load_content
from ...extensions import db
from ...models import ContentTranslation, CourseVersion, LessonDraft, LessonProgress, Module, User
from ..errors import Conflict
from ..records.audit import actor_of, record_event
from .content_sync import SyncReport, write_course_version, write_quiz_version
from .course_files import check_course, export_zip, write_course
from .courses import CourseInvalid, CourseWorkspace, _commit
from .lessons import course_spec


def merged(ws: CourseWorkspace) -> dict[str, Any]:
    """Return the draft with each lesson it kept from the published course as published now."""
    data = ws.data
    published = {}
    for module in (ws.published or {"modules": []})["modules"]:
        for lesson in module["lessons"]:
            published[lesson["was"]] = lesson
    for module in data["modules"]:
        for lesson in module["lessons"]:
            current = published.get(lesson.get("was", ""))
            if current is not None:
                lesson.update({k: current[k] for k in ("title", "minutes", "objectives",
                                                       "body")})
    return data


@dataclass
class PublishPlan:
    """What publishing would do: the next version's number, the changes, what blocks it."""

    version: int
    changes: list[str]
    problems: dict[str, list[str]]


def publish_plan(ws: CourseWorkspace) -> PublishPlan:
    """Describe the version that publishing the draft would make."""
    data = merged(ws)
    check = check_course(data)
    return PublishPlan(ws.course.current_version + 1, diff_courses(ws.published, data, say=_),
                       check.at)


def publish_course(ws: CourseWorkspace, user: User, now: datetime) -> CourseVersion | None:
    """Publish the draft as the course's next version; None when nothing changed."""
    data = merged(ws)
    with tempfile.TemporaryDirectory(prefix="tpcourse-publish-") as folder:
        root = Path(folder)
        write_course(data, root)
        content = load_content(root / "lessons", root / "quizzes")
    if not content.ok:
            raise CourseInvalid(check_course(data).at or {"course": [_("The course has problems.")]})
    spec = content.courses[0]
    report = SyncReport()
    course = write_course_version(spec, report)
    for quiz in content.quizzes.values():
        write_quiz_version(quiz, course, report)
    if report.created and any(line.startswith("course ") for line in report.created):
        _carry_keys(ws, data)
        db.session.flush()
        record_event("course.published", {"course": course.slug,
                                          "version": course.current_version,
                                          "content_hash": spec.content_hash()},
                     actor_of(user), now)
        created = True
    else:
        created = False
    if ws.draft is not None:
        db.session.delete(ws.draft)
    _commit("Someone else published this course at the same moment; open it again and "
            "check the latest version.")
    if not created:
        return None
    return db.session.execute(select(CourseVersion).filter_by(
        course_id=course.id, version=course.current_version)).scalar_one()


def _carry_keys(ws: CourseWorkspace, data: dict[str, Any]) -> None:
    """Move progress and lesson drafts from lessons' published keys to their new ones."""
    moves = {lesson["was"]: f"{module['slug']}/{lesson['slug']}"
             for module in data["modules"] for lesson in module["lessons"]
             if lesson.get("was") and lesson["was"] != f"{module['slug']}/{lesson['slug']}"}
    if not moves:
        return
    for model in (LessonProgress, LessonDraft):
        key = model.lesson_key
        for old, new in moves.items():  # first aside, so that two lessons can swap places
            db.session.execute(update(model).where(model.course_id == ws.course.id, key == old)
                               .values(lesson_key="~" + new))
        # A row still at a new key belonged to a lesson that is gone.
        db.session.execute(model.__table__.delete().where(
            model.course_id == ws.course.id, key.in_(list(moves.values()))))
        for new in moves.values():
            db.session.execute(update(model).where(model.course_id == ws.course.id,
                                                   key == "~" + new).values(lesson_key=new))


def discard_course_draft(ws: CourseWorkspace) -> None:
    """Throw the draft away; a course never published keeps its (emptied) draft."""
    if ws.version is None:
        raise Conflict(_("This course has never been published: its draft is all there is. "
                       "Edit it instead."))
    if ws.draft is not None:
        db.session.delete(ws.draft)
        db.session.commit()


@dataclass
class CourseVersionEntry:
    """One version of a course and what changed from the one before."""

    version: CourseVersion
    changes: list[str]


def course_history(ws: CourseWorkspace) -> list[CourseVersionEntry]:
    """Return every version of the course, newest first, with a readable list of changes."""
    versions = list(db.session.execute(
        select(CourseVersion).where(CourseVersion.course_id == ws.course.id)
        .order_by(CourseVersion.version)
        .options(selectinload(CourseVersion.modules).selectinload(Module.lessons))).scalars())
    files: dict[int, dict[str, str]] = {version.id: {} for version in versions}
    for version_id, path, text in db.session.execute(  # every version's translations at once
            select(ContentTranslation.course_version_id, ContentTranslation.path,
                   ContentTranslation.text)
            .where(ContentTranslation.course_version_id.in_(list(files)))) if files else ():
        files[version_id][path] = text
    entries, previous = [], None
    for version in versions:
        data = course_dict(course_spec(version, files[version.id]))
        entries.append(CourseVersionEntry(version, diff_courses(previous, data, say=_)))
        previous = data
    return list(reversed(entries))


def course_export(ws: CourseWorkspace) -> tuple[str, bytes]:
    """Return (file name, zip) of the published course, or of the draft if never published."""
    data = copy.deepcopy(ws.published if ws.version is not None else ws.data)
    return f"{ws.course.slug}.zip", export_zip(data)
