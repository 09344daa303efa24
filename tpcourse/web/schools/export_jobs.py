"""Large exports made in the background: their progress and their download (school admins)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, send_file, url_for
from flask_login import current_user

from ...services.schools import export_jobs, exports, schools
from ..helpers import roles_required

bp = Blueprint("school_exports", __name__, url_prefix="/school")


def _job(slug: str, job_id: str):
    school = schools.school_for(current_user, slug)
    return school, export_jobs.job_of(school, job_id)


@bp.route("/<slug>/exports/jobs/<job_id>")
@roles_required("school_admin")
def status(slug: str, job_id: str):
    """How far the export is; its download link once it is done."""
    school, export_job = _job(slug, job_id)
    return render_template("school/export_job.html", school=school, job=export_job)


@bp.route("/<slug>/exports/jobs/<job_id>/download")
@roles_required("school_admin")
def download(slug: str, job_id: str):
    """The finished export file, with a link to its detached signature."""
    school, export_job = _job(slug, job_id)
    path = export_jobs.file_of(export_job)
    if export_job.status != "done" or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=exports.FORMATS[export_job.format][1],
                         as_attachment=True, download_name=export_job.filename)
    signature = url_for("school.export_signature", slug=slug, export_id=export_job.id)
    response.headers["Link"] = f'<{signature}>; rel="signature"; type="application/json"'
    response.headers["Cache-Control"] = "no-store"
    return response
