"""Practical-skill sign-offs by the course's instructors (and admins)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from ...inputs import ascii_int
from ...services.certification import skills
from ...services.errors import ServiceError
from ..helpers import now, roles_required, sensible_year

bp = Blueprint("skills", __name__, url_prefix="/teach")


class SignOffForm(FlaskForm):
    """Sign one practical skill off for one trainee."""

    signed_on = DateField(_l("Date assessed"), validators=[
        InputRequired(message=_l("Enter the date you assessed the skill.")), sensible_year])
    place = StringField(_l("Place of the assessment (optional)"), validators=[
        Optional(), Length(max=skills.PLACE_MAX,
                           message=_l("Keep the place under 200 characters."))])
    note = TextAreaField(_l("Note (optional)"), validators=[
        Optional(), Length(max=skills.NOTE_MAX, message=_l("Keep the note under 1000 characters."))])


class WithdrawForm(FlaskForm):
    """Withdraw a sign-off made in error (a button; CSRF only)."""


@bp.route("/")
@roles_required("instructor")
def index():
    """List the courses the instructor teaches, with links to sign-offs and evaluations."""
    return render_template("skills/index.html", versions=skills.taught_courses(current_user))


@bp.route("/courses/<slug>/skills")
@roles_required("instructor")
def course(slug: str):
    """List the course's trainees and how many of its skills each has signed off."""
    search = request.args.get("q", "")[:100]
    version, sheet = skills.course_sheet(current_user, slug, search,
                                         ascii_int(request.args.get("page")) or 1)
    return render_template("skills/course.html", version=version, rows=sheet.rows, sheet=sheet,
                           search=search)


def _trainee_page(slug: str, user_id: int, forms: dict[str, SignOffForm] | None = None,
                  status: int = 200, level_errors: dict[str, str] | None = None):
    version, trainee, sheet, record = skills.trainee_sheet(current_user, slug, user_id)
    forms = forms or {}
    for skill in sheet:
        if skill.key not in forms:
            forms[skill.key] = SignOffForm(prefix=skill.key, formdata=None,
                                           signed_on=now().date())
    return render_template("skills/trainee.html", version=version, trainee=trainee,
                           sheet=sheet, record=record, forms=forms, typed=request.form,
                           level_errors=level_errors or {}, withdraw_form=WithdrawForm(),
                           evidence_form=FlaskForm()), status


@bp.route("/courses/<slug>/skills/<int:user_id>")
@roles_required("instructor")
def trainee(slug: str, user_id: int):
    """Show one trainee's skills: sign-offs made, and a form for each still open."""
    return _trainee_page(slug, user_id)


@bp.route("/courses/<slug>/skills/<int:user_id>/<skill_key>", methods=["POST"])
@roles_required("instructor")
def sign(slug: str, user_id: int, skill_key: str):
    """Sign a skill off with the date assessed and an optional note."""
    form = SignOffForm(prefix=skill_key)
    level_errors: dict[str, str] = {}
    if form.validate_on_submit():
        prefix = f"{skill_key}-level-"
        levels = {key[len(prefix):]: value for key, value in request.form.items()
                  if key.startswith(prefix)}
        try:
            _signoff, record = skills.sign_off(current_user, slug, user_id, skill_key,
                                               form.signed_on.data, form.note.data or "", now(),
                                               levels, form.place.data or "")
        except skills.LevelsRefused as exc:
            level_errors = exc.errors
        except ServiceError as exc:
            if type(exc) is not ServiceError:  # 404, 409: a page of their own
                raise
            form.signed_on.errors.append(exc.message)
        else:
            flash(_("Skill signed off. Every requirement is now met: the trainee's certificate "
                    "is issued.") if record else _("Skill signed off."), "success")
            return redirect(url_for("skills.trainee", slug=slug, user_id=user_id))
    return _trainee_page(slug, user_id, {skill_key: form}, 422, level_errors)


@bp.route("/courses/<slug>/skills/<int:user_id>/<skill_key>/withdraw", methods=["POST"])
@roles_required("instructor")
def withdraw(slug: str, user_id: int, skill_key: str):
    """Withdraw a sign-off made in error (kept in the audit log)."""
    if WithdrawForm().validate_on_submit():
        skills.withdraw(current_user, slug, user_id, skill_key, now())
        flash(_("Sign-off withdrawn."), "info")
    return redirect(url_for("skills.trainee", slug=slug, user_id=user_id))
