"""Site administration: schools and users (admins)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from ...inputs import ascii_int
from ...models import ROLES
from ...services.accounts import invitations, retention, sessions
from ...services.errors import Conflict, ServiceError
from ...services.notifications import mail
from ...services.records.audit import actor_of
from ...services.schools import schools
from ..helpers import format_day, now, roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
ROLE_LABELS = {"trainee": _l("trainee"), "instructor": _l("instructor"),
               "school_admin": _l("school admin"), "admin": _l("admin")}


def role_choices() -> list[SelectChoice]:
    """The roles, named in the reader's language."""
    return [SelectChoice(role, ROLE_LABELS.get(role, role)) for role in ROLES]


class SchoolForm(FlaskForm):
    """A school and the CE-provider details printed on its certificates and badges."""

    name = StringField(_l("School name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Slug"), validators=[
        DataRequired(), Length(max=60),
        Regexp(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
               message=_l("Use lower-case letters, digits and hyphens, e.g. north-shore."))])
    provider_name = StringField(_l("CE provider name"), validators=[Optional(), Length(max=200)])
    provider_number = StringField(_l("CE provider number"), validators=[Optional(), Length(max=60)])
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Email(), Length(max=254)])
    contact_address = TextAreaField(_l("Contact address"), validators=[Optional(), Length(max=500)])
    signatory_name = StringField(_l("Signatory name"), validators=[Optional(), Length(max=200)])


class AssignForm(FlaskForm):
    """An account's role and school."""

    role = SelectField(_l("Role"), choices=role_choices)
    school_id = SelectField(_l("School"), coerce=lambda v: int(v) if v not in (None, "") else None)


class NewAccountForm(FlaskForm):
    """Create an account of any role in any school; its owner is invited by email."""

    name = StringField(_l("Full name (as it should appear on certificates)"),
                       validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(
        message=_l("Enter an email address, like name@example.org.")), Length(max=254)],
        filters=[lambda value: value.strip() if value else value])
    role = SelectField(_l("Role"), choices=role_choices, default="trainee")
    school_id = SelectField(_l("School"), coerce=lambda v: int(v) if v not in (None, "") else None)


class DeleteForm(FlaskForm):
    """Confirm deleting an account (its records are kept)."""

    confirm = BooleanField(_l("I understand: the person can no longer log in, and their records "
                              "are kept for the retention period"), validators=[DataRequired(
                               message=_l("Tick the box to confirm."))])


@bp.route("/")
@roles_required("admin")
def index():
    """Send admins to the school list."""
    return redirect(url_for(".school_list"))


@bp.route("/outbox")
@roles_required("admin")
def outbox():
    """The emails kept instead of sent while no SMTP server is configured (MAIL_SERVER)."""
    return render_template("admin/outbox.html", using=mail.uses_outbox(),
                           messages=mail.outbox_messages(), folder=mail.outbox_folder())


@bp.route("/schools")
@roles_required("admin")
def school_list():
    """List every school."""
    return render_template("admin/schools.html", schools=schools.all_schools())


def _school_form_page(school, form: SchoolForm):
    if form.validate_on_submit():
        try:
            saved = schools.save_school(school, form.data, actor_of(current_user), now())
        except Conflict as exc:
            form.slug.errors.append(exc.message)
        except ServiceError as exc:
            form.name.errors.append(exc.message)
        else:
            flash(_("School '%(name)s' saved.", name=saved.name), "success")
            return redirect(url_for(".school_list"))
    return render_template("admin/school_form.html", school=school, form=form), \
        422 if form.errors else 200


@bp.route("/schools/new", methods=["GET", "POST"])
@roles_required("admin")
def school_new():
    """Create a school."""
    return _school_form_page(None, SchoolForm())


@bp.route("/schools/<int:school_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def school_edit(school_id: int):
    """Edit a school's name, slug and CE-provider details."""
    school = schools.get_school(school_id)
    return _school_form_page(school, SchoolForm(obj=school))


@bp.route("/users")
@roles_required("admin")
def user_list():
    """List accounts, searchable by name or email."""
    search = request.args.get("q", "")[:100]
    page = schools.list_users(search, ascii_int(request.args.get("page")) or 1)
    return render_template("admin/users.html", users=page, search=search,
                           role_labels=ROLE_LABELS)


def _school_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("No school"))] + [SelectChoice(str(s.id), s.name)
                                              for s in schools.all_schools()]


def _user_page(user, form: AssignForm | None = None, delete: DeleteForm | None = None):
    """Render an account's page with its assignment and delete forms."""
    form = form or AssignForm(formdata=None, obj=user)
    form.school_id.choices = _school_choices()
    delete = delete or DeleteForm(formdata=None)
    status = 422 if form.errors or delete.errors else 200
    return render_template("admin/user.html", user=user, form=form, delete=delete,
                           retention_days=retention.retention_days(current_app.config),
                           live_sessions=len(sessions.live_sessions(user.id)),
                           invited=user.awaiting_password,
                           end_form=FlaskForm()), status


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def user_new():
    """Create an account; the person gets an email with a link to choose a password."""
    form = NewAccountForm()
    form.school_id.choices = _school_choices()
    if form.validate_on_submit():
        school = schools.get_school(form.school_id.data) if form.school_id.data else None
        try:
            user = invitations.create_invited(form.email.data, form.name.data, form.role.data,
                                              school, actor_of(current_user), now())
        except Conflict as exc:
            form.email.errors.append(exc.message)
        except ServiceError as exc:
            form.role.errors.append(exc.message)
        else:
            invitations.send_invitation(user, now())
            flash(_("Account created for %(name)s: an invitation to choose a password is on "
                    "its way to %(email)s.", name=user.name, email=user.email), "success")
            return redirect(url_for(".user_edit", user_id=user.id))
    return render_template("admin/user_new.html", form=form), 422 if form.errors else 200


@bp.route("/users/<int:user_id>/access", methods=["POST"])
@roles_required("admin")
def user_access(user_id: int):
    """Resend the invitation, email a reset link, or deactivate / reactivate an account."""
    user = schools.get_user(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        raise Conflict(_("Ask another admin to change your own account's access."))
    flash(_change_access(user, request.form.get("action", "")), "success")
    return redirect(url_for(".user_edit", user_id=user.id))


def _change_access(user, action: str) -> str:
    """Carry out one access action; return what to tell the admin."""
    actor = actor_of(current_user)
    if action == "invite":
        if not user.awaiting_password:
            raise Conflict(_("%(name)s already chose a password: send a reset link instead.",
                             name=user.name))
        invitations.send_invitation(user, now())
        return _("A new invitation is on its way to %(email)s.", email=user.email)
    if action == "reset":
        invitations.send_reset_link(user, actor, now())
        return _("A password reset link is on its way to %(email)s.", email=user.email)
    if action in ("deactivate", "reactivate"):
        invitations.set_active(user, action == "reactivate", actor, now())
        return (_("%(name)s can log in again.", name=user.name) if user.active else
                _("%(name)s is deactivated and logged out everywhere.", name=user.name))
    abort(400)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def user_edit(user_id: int):
    """Assign an account's role and school."""
    user = schools.get_user(user_id)
    form = AssignForm(obj=user)
    form.school_id.choices = _school_choices()
    if form.validate_on_submit():
        try:
            schools.assign_user(user, form.role.data, form.school_id.data, actor_of(current_user),
                                now())
        except ServiceError as exc:
            form.role.errors.append(exc.message)
        else:
            flash(_("%(name)s is now %(role)s.", name=user.name,
                    role=ROLE_LABELS.get(user.role, user.role)), "success")
            return redirect(url_for(".user_list"))
    return _user_page(user, form)


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@roles_required("admin")
def user_sessions_end(user_id: int):
    """Log an account out of every browser (a lost laptop, a shared password)."""
    user = schools.get_user(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    count = sessions.end_all_sessions(user.id, now(), actor_of(current_user))
    flash(ngettext("%(name)s is logged out everywhere (%(num)d session ended).",
                   "%(name)s is logged out everywhere (%(num)d sessions ended).", count,
                   name=user.name), "success")
    return redirect(url_for(".user_edit", user_id=user.id))


@bp.route("/users/<int:user_id>/delete", methods=["POST"])
@roles_required("admin")
def user_delete(user_id: int):
    """Delete an account, keeping its completion records for the retention period."""
    user = schools.get_user(user_id)
    form = DeleteForm()
    if user.id == current_user.id:
        raise Conflict(_("You cannot delete your own account: ask another admin."))
    if not form.validate_on_submit():
        return _user_page(user, delete=form)
    until = retention.delete_account(user, actor_of(current_user), now(),
                                     retention.retention_days(current_app.config))
    flash(_("Account deleted. Its records are kept until %(day)s.", day=format_day(until)),
          "success")
    return redirect(url_for(".user_list"))
