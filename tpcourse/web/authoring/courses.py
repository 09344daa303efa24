"""Course administration: create a course, its settings, publishing, history, export."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...content.sentences import all_for_instructors
from ...permissions import authoring as author_permissions
from ...services.authoring import course_publish, courses
from ...services.authoring.courses import CourseInvalid
from ..helpers import now
from . import bp
from .common import download, error_list
from .course_forms import GROUPS, CourseSettingsForm, NewCourseForm, quiz_choices

COURSE = "/courses/<course_slug>"


def attach(form, errors: dict[str, list[str]], field_for) -> dict[str, list[str]]:
    """Put each message on its field; return the ones that belong to no field."""
    left: dict[str, list[str]] = {}
    for place, found in errors.items():
        messages = all_for_instructors(found)
        field = field_for(place)
        if field is None:
            left.setdefault(place, []).extend(messages)
        else:
            field.errors = [*field.errors, *messages]
    return left


@bp.route("/courses/new", methods=["GET", "POST"])
@login_required
def new_course():
    """Create a course (admins): a web address and a title, then its outline."""
    if not author_permissions.can_create_course(current_user):
        abort(403)
    form = NewCourseForm()
    if form.validate_on_submit():
        try:
            course = courses.create_course(current_user, form.slug.data or "",
                                           form.title.data or "", now())
            flash(_("Course created. Add its modules and lessons, then publish it."), "success")
            return redirect(url_for("author.outline", course_slug=course.slug))
        except CourseInvalid as exc:
            attach(form, exc.errors, lambda place: getattr(form, place, None))
    status = 422 if request.method == "POST" else 200
    return render_template("author/course_new.html", form=form,
                           errors=error_list(form)), status


@bp.route(COURSE + "/settings", methods=["GET", "POST"])
@login_required
def course_settings(course_slug: str):
    """Edit the course's settings in its draft; the course file rules check every save."""
    ws = courses.course_workspace(current_user, course_slug)
    form = CourseSettingsForm()
    data = ws.data
    published = courses.course_quiz_choices(ws)
    form.final_exam.choices = quiz_choices(published, data.get("final_exam"))
    form.renewal_quiz.choices = quiz_choices(published, (data.get("renewal") or {}).get("quiz"))
    general: dict[str, list[str]] = {}
    if request.method == "GET":
        form.fill(data)
    elif form.validate_on_submit():
        values, unreadable = form.settings()
        for name, message in unreadable:
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        if not unreadable:
            try:
                courses.save_settings(ws, current_user, values, now())
                flash(_("Settings saved in the draft. Publish the course to make them live."),
                      "success")
                return redirect(url_for("author.outline", course_slug=course_slug))
            except CourseInvalid as exc:
                general = attach(form, exc.errors, form.field_for)
    status = 422 if request.method == "POST" else 200
    return render_template("author/course_settings.html", ws=ws, form=form, groups=GROUPS,
                           title=data["title"], errors=error_list(form, general)), status


@bp.route(COURSE + "/publish", methods=["GET", "POST"])
@login_required
def publish_course(course_slug: str):
    """Show what publishing would change and ask to confirm; POST publishes."""
    ws = courses.course_workspace(current_user, course_slug)
    plan = course_publish.publish_plan(ws)
    plan.problems = {place: all_for_instructors(found) for place, found in plan.problems.items()}
    form = FlaskForm()
    if request.method == "POST" and form.validate_on_submit() and not plan.problems:
        try:
            version = course_publish.publish_course(ws, current_user, now())
        except CourseInvalid as exc:
            plan.problems = {place: all_for_instructors(found)
                             for place, found in exc.errors.items()}
        else:
            if version is None:
                flash(_("Nothing changed, so no new course version was made."), "info")
            else:
                flash(_("Published as course version %(number)s. Trainees see it now; "
                        "their progress is kept.", number=version.version), "success")
            return redirect(url_for("author.outline", course_slug=course_slug))
    status = 422 if request.method == "POST" else 200
    return render_template("author/course_publish.html", ws=ws, plan=plan, form=form,
                           title=ws.data["title"]), status


@bp.route(COURSE + "/discard", methods=["POST"])
@login_required
def discard_course(course_slug: str):
    """Throw away the course's draft."""
    ws = courses.course_workspace(current_user, course_slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    course_publish.discard_course_draft(ws)
    flash(_("Draft discarded: the course is as last published."), "success")
    return redirect(url_for("author.outline", course_slug=course_slug))


@bp.route(COURSE + "/versions")
@login_required
def course_versions(course_slug: str):
    """List the course's versions, newest first, with what changed in each."""
    ws = courses.course_workspace(current_user, course_slug)
    return render_template("author/course_versions.html", ws=ws, title=ws.data["title"],
                           entries=course_publish.course_history(ws))


@bp.route(COURSE + "/export.zip")
@login_required
def export_course(course_slug: str):
    """Download the published course as lessons/ and quizzes/ files in a zip."""
    ws = courses.course_workspace(current_user, course_slug)
    name, blob = course_publish.course_export(ws)
    return download(blob, name, "application/zip")
