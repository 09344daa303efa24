"""Schools: cohorts, invites, dashboard, exports and API tokens (school admins)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ...inputs import ascii_int
from ...services.certification import certificates
from ...services.errors import ServiceError
from ...services.records import signing_keys
from ...services.records.audit import actor_of
from ...services.schools import cohorts, export_jobs, exports, issuers, schools, tokens
from ...services.schools.roster import SORTS, RosterFilter, roster_page
from ..helpers import now, roles_required, sensible_year

bp = Blueprint("school", __name__, url_prefix="/school")


def choices(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices (values as text)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


STATUS_CHOICES = choices([("", _l("Any status")), ("completed", _l("Completed")),
                          ("in_progress", _l("In progress")), ("not_started", _l("Not started"))])


class CohortForm(FlaskForm):
    """Create a cohort."""

    name = StringField(_l("Cohort name"), validators=[DataRequired(), Length(max=200)])
    course = SelectField(_l("Course"), coerce=int, validators=[DataRequired()])


class RenameForm(FlaskForm):
    """Rename a cohort."""

    name = StringField(_l("New name"), validators=[DataRequired(), Length(max=200)])


class DeadlineForm(FlaskForm):
    """A cohort's deadline (end of the day, UTC); empty: no deadline."""

    deadline = DateField(_l("Deadline (last day its trainees may start a quiz)"),
                         validators=[Optional()])


class IssuerForm(FlaskForm):
    """The school's Open Badges issuer profile."""

    name = StringField(_l("Name credentials are issued under"), validators=[DataRequired(),
                                                                       Length(max=200)])
    website_url = StringField(_l("Web address (https://…)"), validators=[Length(max=300)])
    email = StringField(_l("Contact email"), validators=[Length(max=254)])
    provider_number = StringField(_l("CE provider number"), validators=[Length(max=60)])
    signatory = StringField(_l("Signatory (name and title)"), validators=[Length(max=200)])


class IssuerImagesForm(FlaskForm):
    """The school's logo and signature image."""

    logo = FileField(_l("Logo (PNG or JPEG, at most 512 kB)"))
    remove_logo = BooleanField(_l("Remove the logo"))
    signature = FileField(_l("Signature image (PNG or JPEG, at most 512 kB)"))
    remove_signature = BooleanField(_l("Remove the signature image"))


class TemplateForm(FlaskForm):
    """The school's certificate template."""

    accent = StringField(_l("Accent colour (#rrggbb)"), validators=[Length(max=7)])
    secondary = StringField(_l("Secondary colour (#rrggbb)"), validators=[Length(max=7)])
    attestation = StringField(_l("Attestation wording"), validators=[Length(max=120)])
    page_size = SelectField(_l("Default page size"), choices=[SelectChoice("A4", "A4"),
                                                          SelectChoice("Letter", _l("US Letter"))])


class TokenForm(FlaskForm):
    """Create an API token."""

    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=200)])


class JoinForm(FlaskForm):
    """Join a cohort by its invite code."""

    code = StringField(_l("Invite code"), validators=[DataRequired(), Length(max=40)])


class FilterForm(FlaskForm):
    """Filter the roster (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or email"), validators=[Optional(), Length(max=100)])
    cohort = SelectField(_l("Cohort"), default="")
    course = SelectField(_l("Course"), default="")
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="")
    since = DateField(_l("Completed from"), validators=[Optional(), sensible_year])
    until = DateField(_l("Completed until"), validators=[Optional(), sensible_year])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_("Choose an end date on or after the start date."))


def _school(slug: str):
    return schools.school_for(current_user, slug)


def _filters(form: FilterForm, course_ids: dict[str, int], cohort_id: int | None = None
             ) -> RosterFilter:
    """Turn a valid filter form into a roster filter (dates are whole UTC days)."""
    chosen = form.cohort.data or ""
    return RosterFilter(
        cohort_id=cohort_id or ascii_int(chosen),
        course_id=course_ids.get(form.course.data or ""),
        no_cohort=chosen == "none", status=form.status.data or None, search=form.q.data or "",
        since=exports.parse_bound(str(form.since.data or "")),
        until=exports.parse_bound(str(form.until.data or ""), end=True))


def _roster(school, cohort_id: int | None = None, listed=None):
    """Validate the filters in the query string; return the form and a page (None if invalid).

    `listed` are the cohorts the page already read (cohorts_of), so they are not read twice.
    """
    form, courses = FilterForm(formdata=request.args), cohorts.course_choices()
    named = ([(s.cohort.id, s.cohort.name) for s in listed] if listed is not None
             else cohorts.cohort_choices(school))
    form.cohort.choices = choices([("", _("All cohorts")), ("none", _("Not in a cohort"))] + named)
    form.course.choices = choices([("", _("All courses"))] + [(slug, t) for _, slug, t in courses])
    if not form.validate():
        return form, None
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "name"
    course_ids = {slug: course_id for course_id, slug, _ in courses}
    page = roster_page(school, _filters(form, course_ids, cohort_id), now(),
                       current_app.config["TPCOURSE_SITE_URL"], sort=sort,
                       descending=request.args.get("dir") == "desc",
                       page=ascii_int(request.args.get("page")) or 1)
    return form, page


@bp.route("/")
@roles_required("school_admin")
def index():
    """Send a school admin to their dashboard; list every school for admins."""
    if current_user.role == "school_admin" and current_user.school is not None:
        return redirect(url_for(".dashboard", slug=current_user.school.slug))
    return render_template("school/index.html", schools=schools.all_schools()
                           if current_user.role == "admin" else [])


@bp.route("/<slug>/")
@roles_required("school_admin")
def dashboard(slug: str):
    """Show the school's cohorts, its trainees' progress, downloads and recent exports."""
    school = _school(slug)
    listed = cohorts.cohorts_of(school)
    form, page = _roster(school, listed=listed)
    return render_template(
        "school/dashboard.html", school=school, form=form, roster=page,
        cohorts=listed, recent=exports.recent_exports(school),
    ), 422 if form.errors else 200


@bp.route("/<slug>/cohorts/new", methods=["GET", "POST"])
@roles_required("school_admin")
def cohort_new(slug: str):
    """Create a cohort on a course."""
    school = _school(slug)
    form = CohortForm()
    form.course.choices = choices((course_id, title) for course_id, _, title in
                                  cohorts.course_choices())
    if form.validate_on_submit():
        cohort = cohorts.create_cohort(school, form.name.data, form.course.data,
                                       actor_of(current_user), now())
        flash(_("Cohort '%(name)s' created. Share its invite link with your trainees.",
                name=cohort.name), "success")
        return redirect(url_for(".cohort", slug=slug, cohort_id=cohort.id))
    return render_template("school/cohort_new.html", school=school, form=form), \
        422 if form.errors else 200


def _cohort_page(school, cohort, rename: RenameForm | None = None):
    form, page = _roster(school, cohort.id)
    rename = rename or RenameForm(formdata=None, name=cohort.name)
    status = 422 if form.errors or rename.errors else 200
    deadline = DeadlineForm(formdata=None, deadline=cohort.deadline.date()
                            if cohort.deadline else None)
    return render_template("school/cohort.html", school=school, cohort=cohort, form=form,
                           roster=page, rename=rename, action=FlaskForm(),
                           deadline=deadline), status


@bp.route("/<slug>/cohorts/<int:cohort_id>")
@roles_required("school_admin")
def cohort(slug: str, cohort_id: int):
    """Show one cohort: invite link, roster with progress, rename and archive."""
    school = _school(slug)
    return _cohort_page(school, cohorts.get_cohort(school, cohort_id))


@bp.route("/<slug>/cohorts/<int:cohort_id>/rename", methods=["POST"])
@roles_required("school_admin")
def cohort_rename(slug: str, cohort_id: int):
    """Rename a cohort."""
    school = _school(slug)
    cohort = cohorts.get_cohort(school, cohort_id)
    form = RenameForm()
    if not form.validate_on_submit():
        return _cohort_page(school, cohort, form)
    cohorts.rename_cohort(cohort, form.name.data)
    flash(_("Cohort renamed."), "success")
    return redirect(url_for(".cohort", slug=slug, cohort_id=cohort_id))


def _cohort_action(slug: str, cohort_id: int, act, message: str):
    """Run a one-button action on a cohort after checking the CSRF token."""
    school = _school(slug)
    cohort = cohorts.get_cohort(school, cohort_id)
    if not FlaskForm().validate_on_submit():
        raise ServiceError(_("Your form expired. Reload the page and try again."))
    act(school, cohort)
    flash(message, "success")
    return redirect(url_for(".cohort", slug=slug, cohort_id=cohort_id))


@bp.route("/<slug>/cohorts/<int:cohort_id>/deadline", methods=["POST"])
@roles_required("school_admin")
def cohort_deadline(slug: str, cohort_id: int):
    """Set or clear a cohort's deadline (quizzes lock for its trainees after it)."""
    form = DeadlineForm()
    if not form.validate_on_submit():
        raise ServiceError(_("Enter the deadline as a date, or leave it empty for none."))
    return _cohort_action(slug, cohort_id, lambda s, c: cohorts.set_deadline(
        c, form.deadline.data, f"user:{current_user.id}", now()),
        _("Deadline saved.") if form.deadline.data else _("Deadline removed."))


@bp.route("/<slug>/cohorts/<int:cohort_id>/archive", methods=["POST"])
@roles_required("school_admin")
def cohort_archive(slug: str, cohort_id: int):
    """Archive a cohort (or restore it with archived=0)."""
    archive = request.form.get("archived", "1") != "0"
    return _cohort_action(slug, cohort_id, lambda s, c: cohorts.set_archived(c, archive, now()),
                          _("Cohort archived: its invite no longer works.") if archive
                          else _("Cohort restored: its invite works again."))


@bp.route("/<slug>/cohorts/<int:cohort_id>/invite", methods=["POST"])
@roles_required("school_admin")
def cohort_invite(slug: str, cohort_id: int):
    """Replace a cohort's invite code; the old link stops working."""
    return _cohort_action(slug, cohort_id, lambda s, c: cohorts.renew_invite(c),
                          _("New invite code made. The old link no longer works."))


@bp.route("/<slug>/cohorts/<int:cohort_id>/members/<int:user_id>/remove", methods=["POST"])
@roles_required("school_admin")
def remove_member(slug: str, cohort_id: int, user_id: int):
    """Take a trainee out of a cohort; their progress and records stay."""
    return _cohort_action(
        slug, cohort_id, lambda s, c: cohorts.remove_member(c, user_id, actor_of(current_user),
                                                            now()),
        _("Trainee removed from the cohort. Their progress and records are kept."))


@bp.route("/<slug>/export")
@roles_required("school_admin")
def export(slug: str):
    """Download the school's completion records, streamed and signed."""
    school, args = _school(slug), request.args
    where = exports.resolve_filter(
        school, args.get("cohort"), args.get("course"),
        exports.parse_bound(args.get("since")), exports.parse_bound(args.get("until"), end=True))
    rows = export_jobs.matching_rows(school, where)
    if rows > export_jobs.background_threshold():  # made by a job; emailed when ready
        job = export_jobs.start(school, args.get("format", "csv"), where, current_user, rows,
                                now())
        return redirect(url_for("school_exports.status", slug=slug, job_id=job.id))
    export = exports.CompletionExport(
        school, args.get("format", "csv"), where, actor_of(current_user), "web", now(),
        signing_keys.signing_key(current_app), current_app.config["TPCOURSE_SITE_URL"])
    signature_url = url_for(".export_signature", slug=slug, export_id=export.export_id)
    return Response(stream_with_context(export.chunks()), content_type=export.media_type,
                    headers=export.download_headers(signature_url))


@bp.route("/<slug>/exports/<export_id>.sig.json")
@roles_required("school_admin")
def export_signature(slug: str, export_id: str):
    """Download the detached signature of a finished export."""
    document = exports.signature_for(_school(slug), export_id)
    response = jsonify(document)
    response.headers["Content-Disposition"] = f'attachment; filename="{document["filename"]}.sig.json"'
    return response


@bp.route("/<slug>/tokens", methods=["GET", "POST"])
@roles_required("school_admin")
def api_tokens(slug: str):
    """List, create and revoke the school's API tokens; a new token is shown once."""
    school = _school(slug)
    form, created = TokenForm(), None
    if form.validate_on_submit():
        created = tokens.create_token(school, form.name.data, actor_of(current_user), now(),
                                      current_user.id)
        form = TokenForm(formdata=None)
    return render_template("school/tokens.html", school=school, form=form, created=created,
                           tokens=tokens.tokens_of(school), action=FlaskForm()), \
        422 if form.errors else 200


@bp.route("/<slug>/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required("school_admin")
def revoke_token(slug: str, token_id: int):
    """Revoke a token: systems using it get 401 from now on."""
    school = _school(slug)
    if not FlaskForm().validate_on_submit():
        raise ServiceError(_("Your form expired. Reload the page and try again."))
    token = tokens.revoke_token(school, token_id, actor_of(current_user), now())
    flash(_("Token '%(name)s' revoked.", name=token.name), "success")
    return redirect(url_for(".api_tokens", slug=slug))


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join():
    """Join a cohort by typing its invite code."""
    form = JoinForm()
    if form.validate_on_submit():
        try:
            return _joined(cohorts.join_cohort(current_user, form.code.data, now()))
        except ServiceError as exc:
            form.code.errors.append(exc.message)
    return render_template("school/join.html", form=form), 422 if form.errors else 200


@bp.route("/join/<code>", methods=["GET", "POST"])
def join_code(code: str):
    """Confirm and join the cohort an invite link opens; a visitor is offered to register or
    log in, and lands in the cohort afterwards."""
    if request.method == "POST" and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    cohort, school, title = cohorts.cohort_by_code(code)
    form = FlaskForm()
    if form.validate_on_submit():
        return _joined(cohorts.join_cohort(current_user, code, now()))
    return render_template("school/join_confirm.html", cohort=cohort, school=school,
                           course_title=title, form=form)


def _joined(cohort):
    """Welcome the trainee to their cohort's course."""
    flash(_("You joined %(cohort)s. Start with the first lesson.", cohort=cohort.name), "success")
    return redirect(url_for("learn.course", slug=cohorts.course_slug(cohort)))


@bp.route("/<slug>/issuer", methods=["GET", "POST"])
@roles_required("school_admin")
def issuer_profile(slug: str):
    """Edit the profile the school's Open Badges credentials are issued under."""
    school = _school(slug)
    form = IssuerForm() if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        try:
            issuers.update_profile(
                school, name=form.name.data, website_url=form.website_url.data or "",
                email=form.email.data or "", provider_number=form.provider_number.data or "",
                signatory=form.signatory.data or "", actor=f"user:{current_user.id}", now=now())
        except ServiceError as exc:
            form.name.errors = [exc.message]
        else:
            flash(_("Issuer profile saved: credentials exported from now on carry it."), "success")
            return redirect(url_for(".issuer_profile", slug=slug))
    return _issuer_page(school, form=form)


def _issuer_page(school, form=None, images=None, template=None):
    chosen = school.certificate_template or {}
    form = form or IssuerForm(
        formdata=None, name=school.provider_name or school.name,
        website_url=school.website_url or "", email=school.contact_email or "",
        provider_number=school.provider_number or "", signatory=school.signatory_name or "")
    template = template or TemplateForm(formdata=None, accent=chosen.get("accent", ""),
                                        secondary=chosen.get("secondary", ""),
                                        attestation=chosen.get("attestation", ""),
                                        page_size=chosen.get("page_size", "A4"))
    images = images or IssuerImagesForm(formdata=None)
    status = 422 if form.errors or images.errors or template.errors else 200
    return render_template("school/issuer.html", school=school, form=form, images=images,
                           template=template,
                           issuer_url=issuers.issuer_id(school.slug,
                                                        current_app.config["TPCOURSE_SITE_URL"])
                           ), status


@bp.route("/<slug>/issuer/images", methods=["POST"])
@roles_required("school_admin")
def issuer_images(slug: str):
    """Upload or remove the school's logo and signature image."""
    school = _school(slug)
    images = IssuerImagesForm()
    if images.validate_on_submit():
        try:
            issuers.update_images(
                school, logo=images.logo.data.read() if images.logo.data else None,
                signature=images.signature.data.read() if images.signature.data else None,
                remove_logo=images.remove_logo.data, remove_signature=images.remove_signature.data,
                actor=f"user:{current_user.id}", now=now())
        except ServiceError as exc:
            images.logo.errors = [exc.message]
        else:
            flash(_("Images saved."), "success")
            return redirect(url_for(".issuer_profile", slug=slug))
    return _issuer_page(school, images=images)


@bp.route("/<slug>/issuer/template", methods=["POST"])
@roles_required("school_admin")
def issuer_template(slug: str):
    """Save the school's certificate template."""
    school = _school(slug)
    template = TemplateForm()
    if template.validate_on_submit():
        try:
            issuers.update_template(school, accent=template.accent.data or "",
                                    secondary=template.secondary.data or "",
                                    attestation=template.attestation.data or "",
                                    page_size=template.page_size.data,
                                    actor=f"user:{current_user.id}", now=now())
        except ServiceError as exc:
            template.accent.errors = [exc.message]
        else:
            flash(_("Certificate template saved: preview it below."), "success")
            return redirect(url_for(".issuer_profile", slug=slug))
    return _issuer_page(school, template=template)


@bp.route("/<slug>/certificate-preview.pdf")
@roles_required("school_admin")
def certificate_preview(slug: str):
    """A sample certificate in the school's template (?size=A4 or Letter)."""
    school = _school(slug)
    body = certificates.preview_pdf(school, request.args.get("size"), now())
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
