"""A course's instructors (admins choose them) and its images (lessons/assets/)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...permissions import authoring as author_permissions
from ...services.authoring import assets, courses, instructors
from ...services.authoring.assets import AssetRefused
from ...services.authoring.instructors import InstructorRefused
from ..helpers import now
from . import bp
from .common import error_list
from .course_forms import AssetForm, InstructorForm
from .courses import COURSE

MAX_UPLOAD = 2 * 1024 * 1024 + 1


@bp.route(COURSE + "/instructors", methods=["GET", "POST"])
@login_required
def course_instructors(course_slug: str):
    """List the course's instructors and assign one by email (admins)."""
    if not author_permissions.can_assign_instructors(current_user):
        abort(403)
    ws = courses.course_workspace(current_user, course_slug)
    form = InstructorForm()
    if form.validate_on_submit():
        try:
            user = instructors.assign_instructor(current_user, course_slug,
                                                 form.email.data or "", now())
            flash(_("%(name)s now teaches this course and sees it in the studio.", name=user.name),
                  "success")
            return redirect(url_for("author.course_instructors", course_slug=course_slug))
        except InstructorRefused as exc:
            form.email.errors = [*form.email.errors, exc.message]
    status = 422 if request.method == "POST" else 200
    return render_template("author/course_instructors.html", ws=ws, form=form,
                           title=ws.data["title"], errors=error_list(form),
                           people=instructors.course_instructors(ws.course.id),
                           remove=FlaskForm()), status


@bp.route(COURSE + "/instructors/remove", methods=["POST"])
@login_required
def remove_course_instructor(course_slug: str):
    """Stop an instructor teaching the course (admins)."""
    if not author_permissions.can_assign_instructors(current_user):
        abort(403)
    courses.course_workspace(current_user, course_slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    user = instructors.remove_instructor(current_user, course_slug,
                                         request.form.get("email", ""), now())
    flash(_("%(name)s no longer teaches this course.", name=user.name), "success")
    return redirect(url_for("author.course_instructors", course_slug=course_slug))


@bp.route(COURSE + "/images", methods=["GET", "POST"])
@login_required
def course_images(course_slug: str):
    """List the images lessons and body maps may use, and upload one."""
    ws = courses.course_workspace(current_user, course_slug)
    form = AssetForm()
    if form.validate_on_submit():
        upload = form.image.data
        if upload is None or not getattr(upload, "filename", ""):
            form.image.errors = [*form.image.errors, _("Choose an image file to upload.")]
        else:
            blob = upload.stream.read(MAX_UPLOAD)
            try:
                name = assets.upload_asset(ws, current_user, upload.filename, blob, now())
                flash(_("Uploaded %(name)s. Use it in a lesson as ![what it shows](assets/%(name)s)"
                        " or as a body map in a hotspot question.", name=name)
                      if name.endswith(".svg") else
                      _("Uploaded %(name)s. Use it in a lesson as ![what it shows](assets/%(name)s).",
                        name=name), "success")
                return redirect(url_for("author.course_images", course_slug=course_slug))
            except AssetRefused as exc:
                form.image.errors = [*form.image.errors, exc.message]
    status = 422 if request.method == "POST" else 200
    return render_template("author/course_images.html", ws=ws, form=form,
                           title=ws.data["title"], errors=error_list(form),
                           images=assets.list_assets()), status
