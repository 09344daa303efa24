"""A course's outline: modules and lessons added, moved, removed; quizzes placed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...content.sentences import all_for_instructors
from ...permissions import authoring as author_permissions
from ...services.authoring import courses, instructors
from ...services.authoring.courses import CourseInvalid
from ...services.authoring.lessons import LessonEdit, draft_keys
from ..helpers import now
from . import bp
from .common import error_list
from .course_forms import (
    ModuleForm,
    NewLessonForm,
    number,
    quiz_choices,
    read_pairs,
    show_pairs,
)
from .courses import COURSE, attach

MODULE = COURSE + "/modules/<module_slug>"
MAX_MINUTES = 10_000


def _back(course_slug: str, anchor: str | None = None):
    return redirect(url_for("author.outline", course_slug=course_slug) +
                    (f"#{anchor}" if anchor else ""))


def _step() -> int:
    return -1 if request.form.get("direction") == "up" else 1


def _posted() -> None:
    if not FlaskForm().validate_on_submit():
        abort(400)


@bp.route(COURSE + "/outline", methods=["GET", "POST"])
@login_required
def outline(course_slug: str):
    """Show the draft's modules and lessons, what is left to fix; POST adds a module."""
    ws = courses.course_workspace(current_user, course_slug)
    form = ModuleForm(prefix="new")
    if request.method == "POST" and form.validate_on_submit():
        title = (form.title.data or "").strip()
        slug = (form.slug.data or "").strip() or courses.slug_from_title(title)
        try:
            courses.add_module(ws, current_user, slug, title, now())
            flash(_("Module added. Give it objectives and lessons."), "success")
            return _back(course_slug, f"module-{slug}")
        except CourseInvalid as exc:
            general = attach(form, exc.errors, lambda place: getattr(form, place, None))
            form.title.errors = [*form.title.errors, *(m for ms in general.values() for m in ms)]
    status = 422 if request.method == "POST" else 200
    data = ws.data
    return render_template(
        "author/course_outline.html", ws=ws, data=data, form=form, errors=error_list(form),
        problems={place: all_for_instructors(messages) for place, messages in
                  (courses.current_check(ws).at if ws.draft is not None else {}).items()},
        lesson_drafts=draft_keys(ws.course.id),
        published_keys={lesson["was"] for m in (ws.published or {"modules": []})["modules"]
                        for lesson in m["lessons"]},
        instructors=instructors.course_instructors(ws.course.id)
        if author_permissions.can_assign_instructors(current_user) else None,
        actions=FlaskForm()), status


@bp.route(MODULE, methods=["GET", "POST"])
@login_required
def edit_module(course_slug: str, module_slug: str):
    """Rename a module, set its objectives and safety flag, place its quiz."""
    ws = courses.course_workspace(current_user, course_slug)
    data = ws.data
    module = ws.module(data, module_slug)
    form = ModuleForm()
    form.quiz.choices = quiz_choices(courses.course_quiz_choices(ws), module.get("quiz"))
    general: dict[str, list[str]] = {}
    if request.method == "GET":
        form.title.data, form.quiz.data = module["title"], module.get("quiz") or ""
        form.objectives.data, form.safety.data = show_pairs(module["objectives"]), \
            bool(module.get("safety"))
    elif form.validate_on_submit():
        objectives, unreadable = read_pairs(form.objectives.data, "objective")
        form.objectives.errors = [*form.objectives.errors, *unreadable]
        if not unreadable:
            try:
                courses.save_module(ws, current_user, module_slug, form.title.data or "",
                                    objectives, form.quiz.data or None, form.safety.data,
                                    now())
                flash(_("Module saved in the draft."), "success")
                return _back(course_slug, f"module-{module_slug}")
            except CourseInvalid as exc:
                general = attach(form, exc.errors, lambda place: {
                    f"module:{module_slug}": form.objectives}.get(place) or getattr(
                        form, place, None))
    status = 422 if request.method == "POST" else 200
    return render_template("author/course_module.html", ws=ws, module=module, form=form,
                           title=data["title"], errors=error_list(form, general)), status


@bp.route(MODULE + "/move", methods=["POST"])
@login_required
def move_module(course_slug: str, module_slug: str):
    """Move a module up or down."""
    ws = courses.course_workspace(current_user, course_slug)
    _posted()
    courses.move_module(ws, current_user, module_slug, _step(), now())
    return _back(course_slug, f"module-{module_slug}")


@bp.route(MODULE + "/remove", methods=["POST"])
@login_required
def remove_module(course_slug: str, module_slug: str):
    """Remove a module and its lessons from the draft."""
    ws = courses.course_workspace(current_user, course_slug)
    _posted()
    courses.remove_module(ws, current_user, module_slug, now())
    flash(_("Module removed from the draft. Published versions keep it."), "success")
    return _back(course_slug)


@bp.route(MODULE + "/lessons/new", methods=["GET", "POST"])
@login_required
def new_lesson(course_slug: str, module_slug: str):
    """Add a lesson at the end of a module; it is checked as its file would be."""
    ws = courses.course_workspace(current_user, course_slug)
    data = ws.data
    module = ws.module(data, module_slug)
    form = NewLessonForm()
    chosen = [code for code in request.form.getlist("objectives") if code]
    general: dict[str, list[str]] = {}
    minutes = number(form.minutes.data)
    if isinstance(minutes, int) and minutes > MAX_MINUTES:
        form.minutes.errors = [_("Enter at most %(limit)s minutes.", limit=format_decimal(MAX_MINUTES))]
    if form.validate_on_submit() and not form.minutes.errors:
        edit = LessonEdit((form.title.data or "").strip(), minutes, chosen, form.body.data or "")
        try:
            _check, slug = courses.add_lesson(ws, current_user, module_slug, edit, now())
            flash(_("Lesson added to the draft."), "success")
            return _back(course_slug, f"module-{module_slug}")
        except CourseInvalid as exc:
            general = attach(form, exc.errors, lambda place: getattr(form, place, None))
    status = 422 if request.method == "POST" else 200
    return render_template("author/course_lesson_new.html", ws=ws, module=module, form=form,
                           chosen=chosen, title=data["title"], editing=None,
                           errors=error_list(form, general)), status


@bp.route(MODULE + "/lessons/<lesson_slug>/edit", methods=["GET", "POST"])
@login_required
def edit_new_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    """Edit a lesson added in the draft; a published lesson opens in the lesson editor."""
    ws = courses.course_workspace(current_user, course_slug)
    data = ws.data
    module = ws.module(data, module_slug)
    lesson = next((item for item in module["lessons"] if item["slug"] == lesson_slug), None)
    if lesson is None:
        abort(404)
    if lesson.get("was"):
        was_module, was_lesson = lesson["was"].split("/", 1)
        return redirect(url_for("author.edit_lesson", course_slug=course_slug,
                                module_slug=was_module, lesson_slug=was_lesson))
    form = NewLessonForm(data=lesson if request.method == "GET" else None)
    chosen = list(lesson["objectives"]) if request.method == "GET" else [
        code for code in request.form.getlist("objectives") if code]
    minutes = number(form.minutes.data)
    if isinstance(minutes, int) and minutes > MAX_MINUTES:
        form.minutes.errors = [_("Enter at most %(limit)s minutes.", limit=format_decimal(MAX_MINUTES))]
    general: dict[str, list[str]] = {}
    if form.validate_on_submit() and not form.minutes.errors:
        edit = LessonEdit((form.title.data or "").strip(), minutes, chosen, form.body.data or "")
        try:
            courses.update_lesson(ws, current_user, module_slug, lesson_slug, edit, now())
            flash(_("Lesson saved in the draft."), "success")
            return _back(course_slug, f"module-{module_slug}")
        except CourseInvalid as exc:
            general = attach(form, exc.errors, lambda place: getattr(form, place, None))
    status = 422 if request.method == "POST" else 200
    return render_template("author/course_lesson_new.html", ws=ws, module=module, form=form,
                           chosen=chosen, title=data["title"], editing=lesson,
                           errors=error_list(form, general)), status


@bp.route(MODULE + "/lessons/<lesson_slug>/move", methods=["POST"])
@login_required
def move_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    """Move a lesson up or down in its module."""
    ws = courses.course_workspace(current_user, course_slug)
    _posted()
    courses.move_lesson(ws, current_user, module_slug, lesson_slug, _step(), now())
    return _back(course_slug, f"module-{module_slug}")


@bp.route(MODULE + "/lessons/<lesson_slug>/remove", methods=["POST"])
@login_required
def remove_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    """Remove a lesson from the draft."""
    ws = courses.course_workspace(current_user, course_slug)
    _posted()
    courses.remove_lesson(ws, current_user, module_slug, lesson_slug, now())
    flash(_("Lesson removed from the draft. Published versions keep it."), "success")
    return _back(course_slug, f"module-{module_slug}")
