"""A trainee's own completion records, certificates and CE hours per renewal period."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...services.certification import ce_tracking, certificates, completion, renewal
from ..helpers import now

bp = Blueprint("records", __name__)


@bp.route("/records")
@login_required
def mine():
    """List the current user's records, what is left on unfinished courses, and CE totals."""
    moment = now()
    records = completion.records_of(current_user)
    return render_template(
        "records/mine.html", records=records, now=moment,
        expiry={record.id: certificates.expiry_of(record, moment) for record in records},
        ce=ce_tracking.ce_summary(records, moment),
        in_progress=certificates.courses_in_progress(current_user),
        renewals=renewal.open_renewals(current_user, records, moment),
        superseded=renewal.superseded_ids(records))


@bp.route("/courses/<slug>/renew", methods=["GET", "POST"])
@login_required
def renew(slug: str):
    """Show the renewal path of the user's certificate in a course; POST: renew if it is met."""
    moment = now()
    if FlaskForm().validate_on_submit():
        before = renewal.renewal_for_course(current_user, slug, moment)
        record = renewal.renew(current_user, slug, moment)
        if before is not None and record is not None and record.id != before.record.id:
            flash(_("Your certificate is renewed: %(code)s.", code=record.certificate_code),
                  "success")
            return redirect(url_for("certificates.detail", code=record.certificate_code))
        flash(_("Not yet: the renewal path is not complete (see below)."), "info")
        return redirect(url_for("records.renew", slug=slug))
    state = renewal.renewal_for_course(current_user, slug, moment)
    return render_template("records/renew.html", slug=slug, state=state, now=moment,
                           form=FlaskForm())
