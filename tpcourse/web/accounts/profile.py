"""A signed-in user's own profile: the time zone their times are shown in."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired

from ...services.accounts import profile
from ...services.errors import ServiceError
from ..helpers import format_moment, now, user_zone

bp = Blueprint("profile", __name__)


class TimeZoneForm(FlaskForm):
    """Choose the time zone times are shown in."""

    time_zone = SelectField("Time zone", validators=[DataRequired()], validate_choice=False)


class RenewedCodesForm(FlaskForm):
    """Whether verification of a renewed certificate may name the newer certificate's code."""

    share = BooleanField("Let the verification page of an older certificate show the code of "
                         "the certificate that renewed it")


@bp.route("/profile/renewed-codes", methods=["POST"])
@login_required
def renewed_codes():
    """Save whether /verify names the newer code of a renewed certificate."""
    form = RenewedCodesForm()
    if not form.validate_on_submit():
        abort(400)
    profile.set_share_renewed_codes(current_user, form.share.data)
    flash("Saved: verification pages " + ("now name" if form.share.data else "no longer name")
          + " the newer certificate of a renewed one.", "success")
    return redirect(url_for("profile.edit"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def edit():
    """Show the user's details and let them change their time zone."""
    form = TimeZoneForm()
    if not form.is_submitted():
        form.time_zone.data = current_user.time_zone or "UTC"
    choices = list(profile.time_zone_choices())
    if current_user.time_zone and current_user.time_zone not in choices:  # an alias kept as set
        choices.insert(0, current_user.time_zone)
    form.time_zone.choices = [(name, name.replace("_", " ")) for name in choices]
    if form.validate_on_submit():
        try:
            zone = profile.set_time_zone(current_user, form.time_zone.data)
        except ServiceError as exc:
            form.time_zone.errors.append(exc.message)
        else:
            flash(f"Times are now shown in {zone.replace('_', ' ')}.", "success")
            return redirect(url_for("profile.edit"))
    renewed = RenewedCodesForm(formdata=None, share=current_user.share_renewed_codes)
    return render_template("accounts/profile.html", form=form, renewed=renewed,
                           example=format_moment(now(), user_zone())), 422 if form.errors else 200


@bp.route("/profile/time-zone", methods=["POST"])
@login_required
def detect_time_zone():
    """Keep the zone the browser reports, unless the user has one already (sent once by
    static/js/time-zone.js; CSRFProtect checks its token)."""
    try:
        profile.adopt_detected_time_zone(current_user.id, request.form.get("time_zone", ""))
    except ServiceError:
        abort(400)
    return "", 204
