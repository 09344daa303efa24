"""A person's notices and email preferences, and the unsubscribe link of optional emails."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField

from ...inputs import ascii_int
from ...services.errors import ServiceError
from ...services.notifications import notices
from ...services.notifications.kinds import KINDS, OPTIONAL
from ..helpers import now

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def preferences_form(off: set[str]) -> FlaskForm:
    """A checkbox per optional kind, ticked when its emails are wanted."""

    class PreferencesForm(FlaskForm):
        pass

    for kind in OPTIONAL:
        setattr(PreferencesForm, kind, BooleanField(KINDS[kind].label, default=kind not in off))
    return PreferencesForm()


@bp.route("/")
@login_required
def index():
    """Every notice, newest first."""
    return render_template("notifications/index.html",
                           notices=notices.recent(current_user.id), form=FlaskForm())


@bp.route("/read", methods=["POST"])
@login_required
def mark_read():
    """Mark one notice (`notice`) or all of them read."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    notice_id = ascii_int(request.form.get("notice"))
    notices.mark_read(current_user.id, now(), notice_id)
    return redirect(url_for("learn.catalogue") if request.form.get("back") == "home"
                    else url_for(".index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    """Choose which optional emails to get (the required ones always come)."""
    form = preferences_form(notices.turned_off(current_user.id))
    if form.validate_on_submit():
        wanted = {kind for kind in OPTIONAL if form[kind].data}
        notices.set_preferences(current_user.id, wanted, now())
        flash(_("Your email settings are saved."), "success")
        return redirect(url_for(".preferences"))
    required = [kind for kind in KINDS.values() if not kind.optional]
    return render_template("notifications/preferences.html", form=form, optional=OPTIONAL,
                           required=required), 422 if form.errors else 200


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop one kind of optional email from its link (no log-in needed); GET asks first."""
    found = notices.read_unsubscribe_token(token)
    if found is None:
        return render_template("notifications/unsubscribe.html", invalid=True), 400
    form, label = FlaskForm(), KINDS[found[1]].label
    if form.validate_on_submit():
        try:
            notices.unsubscribe(token, now())
        except ServiceError:
            abort(400)
        return render_template("notifications/unsubscribe.html", done=True, label=label)
    return render_template("notifications/unsubscribe.html", form=form, label=label)
