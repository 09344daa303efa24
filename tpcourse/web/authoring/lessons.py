"""Editing a lesson's Markdown with a server-rendered preview, then publishing it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...content.sentences import all_for_instructors
from ...services.authoring import lessons
from ...services.authoring.lessons import LessonEdit, LessonInvalid
from ..helpers import now
from . import bp
from .common import download, error_list
from .forms import LessonForm, lenient

LESSON = "/courses/<course_slug>/lessons/<module_slug>/<lesson_slug>"


def _edit(form: LessonForm) -> LessonEdit:
    chosen = [code for code in request.form.getlist("objectives") if code]
    return LessonEdit((form.title.data or "").strip(), lenient(form.minutes.data), chosen,
                      form.body.data or "")


def _render(ws, form: LessonForm, edit: LessonEdit, preview: str | None, status: int = 200):
    return render_template("author/lesson.html", ws=ws, form=form, edit=edit, preview=preview,
                           errors=error_list(form)), status


@bp.route(LESSON, methods=["GET", "POST"])
@login_required
def edit_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    """Show the lesson editor; POST previews, saves the draft or publishes (action=...)."""
    ws = lessons.lesson_workspace(current_user, course_slug, module_slug, lesson_slug)
    if request.method == "GET":
        edit = ws.edit
        form = LessonForm(data={"title": edit.title, "minutes": edit.minutes, "body": edit.body})
        return _render(ws, form, edit, lessons.preview_html(edit.body))
    form = LessonForm()
    edit = _edit(form)
    action = request.form.get("action", "save")
    preview = lessons.preview_html(edit.body)
    if not form.validate_on_submit():
        return _render(ws, form, edit, preview, 422)
    try:
        if action == "preview":
            return _render(ws, form, edit, preview)
        if action == "publish":
            return _published(ws, edit, course_slug)
        lessons.save_lesson_draft(ws, current_user, edit, now())
    except LessonInvalid as exc:
        for name, messages in exc.errors.items():
            getattr(form, name).errors = [*getattr(form, name).errors,
                                          *all_for_instructors(messages)]
        return _render(ws, form, edit, preview, 422)
    flash(_("Draft saved. Trainees still see the published lesson until you publish."), "success")
    return redirect(url_for("author.edit_lesson", course_slug=course_slug,
                            module_slug=module_slug, lesson_slug=lesson_slug))


def _published(ws, edit: LessonEdit, course_slug: str):
    version = lessons.publish_lesson(ws, current_user, edit, now())
    if version is None:
        flash(_("Nothing changed, so no new course version was made."), "info")
    else:
        flash(_("Published as course version %(number)s.", number=version.version), "success")
    return redirect(url_for("author.course", course_slug=course_slug))


@bp.route("/courses/<course_slug>/preview", methods=["POST"])
@login_required
def lesson_preview(course_slug: str):
    """Return the sanitised HTML of posted Markdown, for the editor's live preview."""
    lessons.authorable_course(current_user, course_slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    html = lessons.preview_html(request.form.get("body", ""))
    return html, 200, {"Content-Type": "text/html; charset=utf-8",
                       "X-Content-Type-Options": "nosniff"}


@bp.route(LESSON + "/discard", methods=["POST"])
@login_required
def discard_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    """Throw away the lesson's draft."""
    ws = lessons.lesson_workspace(current_user, course_slug, module_slug, lesson_slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    lessons.discard_lesson_draft(ws)
    flash(_("Draft discarded."), "success")
    return redirect(url_for("author.edit_lesson", course_slug=course_slug,
                            module_slug=module_slug, lesson_slug=lesson_slug))


@bp.route(LESSON + "/export.md")
@login_required
def export_lesson(course_slug: str, module_slug: str, lesson_slug: str):
    """Download the published lesson as its Markdown file."""
    ws = lessons.lesson_workspace(current_user, course_slug, module_slug, lesson_slug)
    name, text = lessons.lesson_file(ws)
    return download(text, name, "text/markdown; charset=utf-8")
