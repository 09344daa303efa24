"""A trainee's own completion records, certificates and CE hours per renewal period."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from ...services.certification import ce_tracking, certificates, completion
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
        in_progress=certificates.courses_in_progress(current_user))
