"""A school's trainees: invite one, enrol a class from a CSV, resend, reset, deactivate."""

from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ...inputs import ascii_int
from ...records.people_csv import MAX_BYTES, MAX_ROWS, SAMPLE
from ...services.accounts import invitations
from ...services.errors import Conflict, NotFound
from ...services.records.audit import actor_of
from ...services.schools import bulk_enrolment, cohorts, schools
from ..helpers import now, roles_required

bp = Blueprint("people", __name__, url_prefix="/school")


class InviteForm(FlaskForm):
    """Invite one trainee: an account in this school, and a cohort if chosen."""

    name = StringField(_l("Full name (as it should appear on certificates)"),
                       validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(
        message=_l("Enter an email address, like name@example.org.")), Length(max=254)],
        filters=[lambda value: value.strip() if value else value])
    cohort = SelectField(_l("Cohort (optional)"), default="")


class ImportForm(FlaskForm):
    """Upload a class list for a dry run."""

    people = FileField(_l("Class list (CSV)"))
    cohort = SelectField(_l("Cohort for rows that name none (optional)"), default="")


class ConfirmForm(FlaskForm):
    """Carry out a previewed class list (the file travels back in the form)."""

    class_list = HiddenField()
    cohort = HiddenField()


def _school(slug: str):
    return schools.school_for(current_user, slug)


def _cohort_choices(school) -> list[SelectChoice]:
    return [SelectChoice("", _("No cohort"))] + [SelectChoice(str(cid), name) for cid, name in
                                                 cohorts.cohort_choices(school)]


def _chosen_cohort(school, value: str | None):
    cohort_id = ascii_int(value)
    return cohorts.get_cohort(school, cohort_id) if cohort_id is not None else None


def _trainee(school, user_id: int):
    """A trainee of this school, or 404 (staff and other schools' people are not shown)."""
    user = schools.get_user(user_id)
    if user.school_id != school.id or user.role != "trainee" or user.deleted_at is not None:
        raise NotFound(_("No such trainee in this school."))
    return user


@bp.route("/<slug>/people", methods=["GET", "POST"])
@roles_required("school_admin")
def people(slug: str):
    """List the school's trainees; invite one by email."""
    school = _school(slug)
    form = InviteForm()
    form.cohort.choices = _cohort_choices(school)
    if form.validate_on_submit():
        try:
            user = invitations.create_invited(form.email.data, form.name.data, "trainee",
                                              school, actor_of(current_user), now())
        except Conflict:
            form.email.errors.append(_("An account with this email already exists. If it is "
                                       "your trainee, send them the cohort's invite link."))
        else:
            cohort = _chosen_cohort(school, form.cohort.data)
            if cohort is not None:
                cohorts.join_cohort(user, cohort.invite_code, now())
            invitations.send_invitation(user, now(), inviter=school.name)
            flash(_("%(name)s is invited: an email with a link to choose a password is on its "
                    "way to %(email)s.", name=user.name, email=user.email), "success")
            return redirect(url_for(".people", slug=slug))
    search = request.args.get("q", "")[:100]
    page = schools.list_users(search, ascii_int(request.args.get("page")) or 1,
                              school_id=school.id, role="trainee")
    return render_template("school/people.html", school=school, form=form, users=page,
                           search=search, action=FlaskForm()), 422 if form.errors else 200


@bp.route("/<slug>/people/<int:user_id>/access", methods=["POST"])
@roles_required("school_admin")
def access(slug: str, user_id: int):
    """Resend the invitation, email a reset link, or deactivate / reactivate a trainee."""
    school = _school(slug)
    user = _trainee(school, user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    action, actor = request.form.get("action", ""), actor_of(current_user)
    if action == "invite":
        if not user.awaiting_password:
            raise Conflict(_("%(name)s already chose a password: send a reset link instead.",
                             name=user.name))
        invitations.send_invitation(user, now(), inviter=school.name)
        message = _("A new invitation is on its way to %(email)s.", email=user.email)
    elif action == "reset":
        invitations.send_reset_link(user, actor, now())
        message = _("A password reset link is on its way to %(email)s.", email=user.email)
    elif action in ("deactivate", "reactivate"):
        invitations.set_active(user, action == "reactivate", actor, now())
        message = (_("%(name)s can log in again.", name=user.name) if user.active else
                   _("%(name)s is deactivated and logged out everywhere.", name=user.name))
    else:
        abort(400)
    flash(message, "success")
    return redirect(url_for(".people", slug=slug))


@bp.route("/<slug>/people/import", methods=["GET", "POST"])
@roles_required("school_admin")
def import_people(slug: str):
    """Upload a class list and see what confirming would do (a dry run: nothing changes)."""
    school = _school(slug)
    form = ImportForm()
    form.cohort.choices = _cohort_choices(school)
    if form.validate_on_submit():
        upload = form.people.data
        data = upload.read(MAX_BYTES + 1) if upload and getattr(upload, "filename", "") else b""
        if not data:
            form.people.errors.append(_("Choose a CSV file to upload."))
        else:
            plan = bulk_enrolment.plan_enrolment(school, data,
                                                 _chosen_cohort(school, form.cohort.data))
            confirm = ConfirmForm(formdata=None, class_list=base64.b64encode(data).decode(),
                                  cohort=form.cohort.data or "")
            return render_template("school/people_preview.html", school=school, plan=plan,
                                   form=confirm, actions=bulk_enrolment)
    return render_template("school/people_import.html", school=school, form=form,
                           max_rows=MAX_ROWS), 422 if form.errors else 200


@bp.route("/<slug>/people/import/confirm", methods=["POST"])
@roles_required("school_admin")
def confirm_import(slug: str):
    """Carry out the previewed class list: the same file, planned again, then applied."""
    school = _school(slug)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = base64.b64decode(form.class_list.data or "", validate=True)
    except (binascii.Error, ValueError):
        abort(400)
    if not data:
        abort(400)
    plan = bulk_enrolment.plan_enrolment(school, data, _chosen_cohort(school, form.cohort.data))
    result = bulk_enrolment.apply_enrolment(plan, school, actor_of(current_user), now())
    return render_template("school/people_done.html", school=school, result=result)


@bp.route("/<slug>/people/sample.csv")
@roles_required("school_admin")
def sample(slug: str):
    """A class list to start from, as a spreadsheet opens it."""
    _school(slug)
    return Response("\ufeff" + SAMPLE, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="class-list-sample.csv"'})
