"""Accommodations: instructors and school admins grant a trainee extra time or attempts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...services.exams import accommodations
from ..helpers import now
from . import bp
from .common import error_list
from .forms import AccommodationForm, choice_list


@bp.route("/quizzes/<slug>/accommodations", methods=["GET", "POST"])
@login_required
def accommodations_page(slug: str):
    """List the accommodations on a quiz and grant a new one (or change one)."""
    place = accommodations.scope(current_user, slug)
    form = AccommodationForm()
    form.trainee.choices = choice_list((t.id, f"{t.name} ({t.email})") for t in place.trainees)
    if form.validate_on_submit():
        accommodations.grant(current_user, slug, form.trainee.data, form.extra_attempts.data,
                             form.extra_minutes.data, form.extra_percent.data,
                             form.note.data or "", now(), lift_locks=form.lift_locks.data)
        flash(_("Accommodation saved. The trainee sees the adjusted limits on the quiz page."),
              "success")
        return redirect(url_for("author.accommodations_page", slug=slug))
    status = 422 if request.method == "POST" else 200
    return render_template("author/accommodations.html", place=place, form=form,
                           errors=error_list(form), revoke=FlaskForm()), status


@bp.route("/quizzes/<slug>/accommodations/<int:accommodation_id>/revoke", methods=["POST"])
@login_required
def revoke_accommodation(slug: str, accommodation_id: int):
    """Remove an accommodation."""
    accommodations.scope(current_user, slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    accommodations.revoke(current_user, slug, accommodation_id, now())
    flash(_("Accommodation removed."), "success")
    return redirect(url_for("author.accommodations_page", slug=slug))
