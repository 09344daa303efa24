"""The authoring studio's quiz use cases: drafts, validation, reordering, publishing, history.

A quiz draft (`QuizDraft.data`) is a dict in quiz-file shape. Saving it never touches what
trainees see; publishing validates it exactly as `content check` validates a file and writes a
new immutable `QuizVersion` through the same code as `content sync`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...banks.model import slugify
from ...content.bodymap import region_checker
from ...content.drafts import FieldProblem, problems_under, validate_quiz_draft
from ...content.export import quiz_file_data
from ...content.loader import svg_viewbox
from ...content.model import QuizSpec
from ...content.translation_set import carried_quiz_translations
from ...extensions import db
from ...grading.types import ValidationContext
from ...models import Course, CourseVersion, Module, Quiz, QuizDraft, QuizVersion, User
from ...permissions import authoring as author_permissions
from ..errors import Conflict, NotFound, ServiceError
from ..learning.learning import instructs
from ..records.audit import actor_of, record_event
from .content_sync import SyncReport, write_quiz_version

SETTINGS = ("title", "description", "pass_mark", "max_attempts", "cooldown_minutes",
            "time_limit_minutes", "shuffle_questions", "shuffle_options", "draw", "review",
            "grading")


class DraftInvalid(ServiceError):
    """A draft (or an edit of it) fails the content checks; `problems` say where and why."""

    status = 422

    def __init__(self, problems: list[FieldProblem], message: str | None = None) -> None:
        super().__init__(message or "Some fields need fixing: " + "; ".join(
            p.message for p in problems[:5]))
        self.problems = problems


def assets_dir() -> Path:
    """Return the folder of images shared by lessons and hotspot questions."""
    return Path(current_app.config["TPCOURSE_LESSONS_DIR"]) / "assets"


def asset_viewbox(name: str):
    """Return the viewBox of an asset SVG, or None (names with folders are refused)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    return svg_viewbox(assets_dir() / name)


def body_maps() -> list[tuple[str, tuple[float, float, float, float]]]:
    """List the SVG images a hotspot question may use, with their viewBoxes."""
    folder = assets_dir()
    found = [(p.name, svg_viewbox(p)) for p in sorted(folder.glob("*.svg"))] \
        if folder.is_dir() else []
    return [(name, box) for name, box in found if box]


@dataclass
class Workspace:
    """A quiz as the studio edits it: its draft if there is one, else its current version."""

    slug: str
    course: Course | None
    quiz: Quiz | None
    version: QuizVersion | None
    draft: QuizDraft | None
    data: dict[str, Any]
    objectives: dict[str, str] | None = None  # the course's; None: no course to check against

    def problems(self) -> list[FieldProblem]:
        """Return what would stop the draft from being published."""
        return validate(self.data, self.objectives)[1]

    @property
    def questions(self) -> list[dict[str, Any]]:
        """The questions, in quiz-file shape."""
        return self.data.get("questions", [])


def validate(data: dict[str, Any], objectives: dict[str, str] | None
             ) -> tuple[QuizSpec | None, list[FieldProblem]]:
    """Validate a draft like `content check`, objectives against the course's modules."""
    ctx = ValidationContext(image_viewbox=asset_viewbox,
                            region_errors=region_checker(assets_dir()))
    return validate_quiz_draft(data, ctx, set(objectives) if objectives is not None else None)


def course_objectives(course_id: int | None) -> dict[str, str] | None:
    """Return every objective the course's current version declares (None without a course)."""
    if course_id is None:
        return None
    rows = db.session.execute(
        select(Module.objectives).join(CourseVersion, CourseVersion.id == Module.course_version_id)
        .join(Course, Course.id == CourseVersion.course_id)
        .where(Course.id == course_id, CourseVersion.version == Course.current_version)
    ).scalars()
    return {code: text for objectives in rows for code, text in (objectives or {}).items()}


def _check_author(user: User, course_id: int | None) -> None:
    if not author_permissions.can_author(user, course_id is not None and instructs(user, course_id)):
        raise NotFound("No such quiz.")


def workspace(user: User, slug: str) -> Workspace:
    """Return the quiz's draft or current version for an author; NotFound for anyone else."""
    ws = load_workspace(slug)
    _check_author(user, ws.course.id if ws.course else None)
    return ws


def load_workspace(slug: str) -> Workspace:
    """Return a quiz's workspace without a permission check (for the command line)."""
    quiz = db.session.execute(select(Quiz).filter_by(slug=slug)).scalar_one_or_none()
    draft = db.session.execute(select(QuizDraft).filter_by(slug=slug)).scalar_one_or_none()
    if quiz is None and draft is None:
        raise NotFound("No such quiz.")
    course_id = quiz.course_id if quiz is not None else draft.course_id
    version = None
    if quiz is not None:
        version = db.session.execute(select(QuizVersion).filter_by(
            quiz_id=quiz.id, version=quiz.current_version)).scalar_one_or_none()
    data = draft.data if draft is not None else quiz_file_data(version.data if version else {})
    course = db.session.get(Course, course_id) if course_id is not None else None
    return Workspace(slug, course, quiz, version, draft, data, course_objectives(course_id))


def _store(ws: Workspace, data: dict[str, Any], user: User | None, now: datetime) -> None:
    if ws.draft is None:
        ws.draft = QuizDraft(slug=ws.slug, course_id=ws.course.id if ws.course else None)
        db.session.add(ws.draft)
    ws.draft.data = data
    ws.draft.updated_by_id = user.id if user is not None else None
    ws.draft.updated_at = now
    ws.data = data
    try:
        db.session.commit()
    except IntegrityError:  # another author created the draft at the same moment
        db.session.rollback()
        raise Conflict("Someone else started editing this quiz at the same moment; "
                       "open it again.") from None


def create_quiz(user: User, course: Course, settings: dict[str, Any], slug: str,
                now: datetime) -> Workspace:
    """Start a new quiz draft in a course; the slug must be new."""
    _check_author(user, course.id)
    taken = db.session.execute(select(Quiz.id).filter_by(slug=slug)).first() or \
        db.session.execute(select(QuizDraft.id).filter_by(slug=slug)).first()
    if taken:
        raise DraftInvalid([FieldProblem(("slug",), f"a quiz called '{slug}' already exists; "
                                                    "choose another slug")])
    ws = Workspace(slug, course, None, None, None, {"slug": slug, "questions": []},
                   course_objectives(course.id))
    _save_settings(ws, settings, user, now)
    return ws


def save_settings(user: User, slug: str, settings: dict[str, Any], now: datetime) -> Workspace:
    """Replace the quiz's settings in its draft; DraftInvalid names the fields to fix."""
    ws = workspace(user, slug)
    _save_settings(ws, settings, user, now)
    return ws


def _save_settings(ws: Workspace, settings: dict[str, Any], user: User, now: datetime) -> None:
    data = {"slug": ws.slug}
    data.update({k: v for k, v in settings.items() if k in SETTINGS and v is not None})
    data["questions"] = list(ws.questions)
    problems = [p for p in validate(data, ws.objectives)[1]
                if p.path and p.path[0] in (*SETTINGS, "slug")]
    if problems:
        raise DraftInvalid(problems)
    _store(ws, data, user, now)


def _index_of(ws: Workspace, question_id: str) -> int:
    for index, question in enumerate(ws.questions):
        if question.get("id") == question_id:
            return index
    raise NotFound("No such question in this quiz.")


def _fresh_id(question: dict[str, Any], taken: set[str]) -> str:
    base = slugify(str(question.get("prompt") or ""), 40) or f"q-{len(taken) + 1}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def save_question(user: User, slug: str, question_id: str | None, question: dict[str, Any],
                  now: datetime) -> str:
    """Add (question_id None) or replace a question; DraftInvalid when it fails the checks."""
    ws = workspace(user, slug)
    questions = list(ws.questions)
    index = len(questions) if question_id is None else _index_of(ws, question_id)
    others = {q.get("id") for i, q in enumerate(questions) if i != index}
    question = dict(question)
    if not str(question.get("id") or "").strip():
        question["id"] = _fresh_id(question, others)
    if question["id"] in others:
        raise DraftInvalid([FieldProblem(("id",), f"another question already uses the id "
                                                   f"'{question['id']}'")])
    if index == len(questions):
        questions.append(question)
    else:
        questions[index] = question
    data = {**ws.data, "questions": questions}
    problems = problems_under(validate(data, ws.objectives)[1], ("questions", index))
    if problems:
        raise DraftInvalid(problems)
    _store(ws, data, user, now)
    return question["id"]


def move_question(user: User, slug: str, question_id: str, step: int, now: datetime) -> None:
    """Move a question one place up (step -1) or down (+1) in the draft."""
    ws = workspace(user, slug)
    index = _index_of(ws, question_id)
    target = index + (1 if step > 0 else -1)
    questions = list(ws.questions)
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
        _store(ws, {**ws.data, "questions": questions}, user, now)


def delete_question(user: User, slug: str, question_id: str, now: datetime) -> None:
    """Remove a question from the draft (published versions keep it)."""
    ws = workspace(user, slug)
    index = _index_of(ws, question_id)
    questions = [q for i, q in enumerate(ws.questions) if i != index]
    _store(ws, {**ws.data, "questions": questions}, user, now)


def add_questions(ws: Workspace, imported: list[dict[str, Any]], replace: bool, user: User | None,
                  now: datetime) -> list[str]:
    """Append (or, with replace, substitute) questions in a draft, renaming clashing ids."""
    kept = [] if replace else list(ws.questions)
    taken = {q.get("id") for q in kept}
    added = []
    for question in imported:
        question = dict(question)
        if not question.get("id") or question["id"] in taken:
            question["id"] = _fresh_id({"prompt": question.get("id") or question.get("prompt")},
                                       taken)
        taken.add(question["id"])
        kept.append(question)
        added.append(question["id"])
    data = {"slug": ws.slug, **{k: v for k, v in ws.data.items() if k != "questions"},
            "questions": kept}
    _store(ws, data, user, now)
    return added


def discard_draft(user: User, slug: str) -> bool:
    """Throw the draft away; True when there was one. A never-published quiz disappears."""
    ws = workspace(user, slug)
    if ws.draft is None:
        return False
    db.session.delete(ws.draft)
    db.session.commit()
    return True


def publish_quiz(user: User, slug: str, now: datetime) -> QuizVersion | None:
    """Publish the draft as a new immutable version; None when it equals the current one."""
    ws = workspace(user, slug)
    if ws.draft is None:
        raise ServiceError("There is no draft to publish: edit the quiz first.")
    spec, problems = validate(ws.data, ws.objectives)
    if problems or spec is None:
        raise DraftInvalid(problems, "Fix the problems listed before publishing.")
    if ws.version is not None and ws.version.data.get("translations"):
        spec.data["translations"] = carried_quiz_translations(spec.data,
                                                              ws.version.data["translations"])
    version = write_quiz_version(spec, ws.course, SyncReport())
    if version is not None:
        db.session.flush()
        record_event("quiz.published", {"quiz": slug, "version": version.version,
                                        "content_hash": version.content_hash},
                     actor_of(user), now)
    db.session.delete(ws.draft)
    try:
        db.session.commit()
    except IntegrityError:  # someone published the same quiz at the same moment
        db.session.rollback()
        raise Conflict("Someone else published this quiz at the same moment; "
                       "open it again and check the latest version.") from None
    return version


def preview_data(user: User, slug: str) -> dict[str, Any]:
    """Return the draft normalised as a version would store it; DraftInvalid if it can't be."""
    ws = workspace(user, slug)
    spec, problems = validate(ws.data, ws.objectives)
    if problems or spec is None:
        raise DraftInvalid(problems, "Fix the problems listed before previewing.")
    return spec.data
