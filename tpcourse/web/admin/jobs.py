"""Background jobs for admins: the queue's state, failed jobs with their error, retry."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ...services.jobs import adapter
from ..helpers import roles_required

bp = Blueprint("admin_jobs", __name__, url_prefix="/admin/jobs")


@bp.route("/")
@roles_required("admin")
def index():
    """The queue's counts and the jobs that failed after their last try."""
    queue = adapter()
    return render_template("admin/jobs.html", queue=queue, counts=queue.counts(),
                           failed=queue.failed(), form=FlaskForm())


@bp.route("/<job_id>/retry", methods=["POST"])
@roles_required("admin")
def retry(job_id: str):
    """Put a failed job back on the queue."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not adapter().retry(job_id[:100]):
        abort(404)
    flash(_("The job is queued again."), "success")
    return redirect(url_for(".index"))
