"""Certificate PDFs, a certificate's page with revocation, and certificates expiring soon."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ...inputs import ascii_int
from ...permissions.certification import can_revoke_certificate
from ...services.certification import certificates
from ...services.errors import ServiceError
from ..helpers import now, roles_required

bp = Blueprint("certificates", __name__)


class RevokeForm(FlaskForm):
    """Revoke a certificate: the reason is kept with the record and in the audit log."""

    reason = TextAreaField(_l("Reason for revoking"), validators=[
        DataRequired(message=_l("Give the reason; it is kept with the record.")),
        Length(max=500, message=_l("Keep the reason under 500 characters."))])


@bp.route("/certificates/expiring")
@roles_required("school_admin")
def expiring():
    """List valid certificates expiring in the next 30, 60 or 90 days."""
    days = certificates.expiring_window(request.args.get("days"))
    listed = certificates.expiring(current_user, days, now(),
                                   ascii_int(request.args.get("page")) or 1)
    return render_template("certificates/expiring.html", rows=listed.rows, listed=listed,
                           days=days, windows=certificates.EXPIRING_WINDOWS)


@bp.route("/certificates/<code>.pdf")
@login_required
def pdf(code: str):
    """Download the certificate as a PDF (?size=A4 or Letter), always with the same code."""
    chosen = request.args.get("size")
    certificates.page_size_of(chosen)  # a bad size is refused before any work
    record, body = certificates.certificate_pdf(current_user, code, chosen, now())
    size = certificates.page_size_of(chosen or certificates.template_of(record.user.school)
                                     .page_size)
    response = make_response(body)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="certificate-{record.certificate_code}-{size.lower()}.pdf"')
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _detail(record, form: RevokeForm, status: int = 200):
    moment = now()
    revocable = record.revoked_at is None and can_revoke_certificate(current_user,
                                                                     record.user.school_id)
    return render_template("certificates/detail.html", record=record, form=form,
                           expiry=certificates.expiry_of(record, moment),
                           revocable=revocable), status


@bp.route("/certificates/<code>")
@login_required
def detail(code: str):
    """Show a certificate to its holder, their school's admins and admins."""
    return _detail(certificates.visible_record(current_user, code), RevokeForm())


@bp.route("/certificates/<code>/revoke", methods=["POST"])
@login_required
def revoke(code: str):
    """Revoke a certificate (school admins of the holder's school, admins)."""
    record = certificates.revocable_record(current_user, code)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            certificates.revoke(current_user, code, form.reason.data, now())
        except ServiceError as exc:
            if type(exc) is not ServiceError:  # 409: a page of its own
                raise
            form.reason.errors.append(exc.message)
        else:
            flash(_("The certificate is revoked. Its PDF and verification page now say so."),
                  "success")
            return redirect(url_for("certificates.detail", code=record.certificate_code))
    return _detail(record, form, 422)
