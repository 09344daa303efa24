"""A user's own settings: the time zone their times are shown in, and the language of their
pages (the footer's switcher, for visitors too)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired

from ...services.accounts import profile
from ...services.errors import ServiceError
from ..helpers import format_moment, now, user_zone
from ..i18n import SESSION_KEY, language_name, site_locales

bp = Blueprint("profile", __name__)


class TimeZoneForm(FlaskForm):
    """Choose the time zone times are shown in."""

    time_zone = SelectField(_l("Time zone"), validators=[DataRequired()], validate_choice=False)


class LanguageForm(FlaskForm):
    """Choose the language of pages, emails and certificates (or follow the browser)."""

    locale = SelectField(_l("Language"), validate_choice=True)


def language_form(**kwargs) -> LanguageForm:
    """The language form with the site's languages and "as my browser asks" to choose from."""
    form = LanguageForm(**kwargs)
    form.locale.choices = [("", _("As my browser asks")),
                           *((code, language_name(code)) for code in site_locales())]
    return form


class RenewedCodesForm(FlaskForm):
    """Whether verification of a renewed certificate may name the newer certificate's code."""

    share = BooleanField(_l("Let the verification page of an older certificate show the code "
                            "of the certificate that renewed it"))


@bp.route("/profile/renewed-codes", methods=["POST"])
@login_required
def renewed_codes():
    """Save whether /verify names the newer code of a renewed certificate."""
    form = RenewedCodesForm()
    if not form.validate_on_submit():
        abort(400)
    profile.set_share_renewed_codes(current_user, form.share.data)
    flash(_("Saved: verification pages now name the newer certificate of a renewed one.")
          if form.share.data else
          _("Saved: verification pages no longer name the newer certificate of a renewed one."),
          "success")
    return redirect(url_for("profile.edit"))


@bp.route("/language", methods=["POST"])
def choose_language():
    """Switch the interface's language: kept on the account when signed in, else in the
    session; back to the page the switcher was on (CSRFProtect checks the token)."""
    code = request.form.get("locale", "")
    if code not in site_locales():
        abort(400)
    session[SESSION_KEY] = code
    if current_user.is_authenticated:
        profile.set_locale(current_user, code)
    return redirect(_same_site(request.form.get("next")) or url_for("learn.catalogue"))


def _same_site(target: str | None) -> str | None:
    """`target` if it is a path on this site (never another host), else None."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/profile/language", methods=["POST"])
@login_required
def language():
    """Save the language of the user's pages, emails and certificates."""
    form = language_form()
    if not form.validate_on_submit():
        abort(400)
    profile.set_locale(current_user, form.locale.data or None)
    session.pop(SESSION_KEY, None)
    flash(_("Saved: your language."), "success")
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
            flash(_("Times are now shown in %(zone)s.", zone=zone.replace("_", " ")), "success")
            return redirect(url_for("profile.edit"))
    renewed = RenewedCodesForm(formdata=None, share=current_user.share_renewed_codes)
    language = language_form(formdata=None, locale=current_user.locale or "")
    return render_template("accounts/profile.html", form=form, renewed=renewed, language=language,
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
