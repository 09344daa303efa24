"""Large completion exports: made by a background job, with progress, downloadable and
announced by email when ready. Small ones still stream straight to the browser
(`exports.CompletionExport`); the cut-off is TPCOURSE_EXPORT_BACKGROUND_ROWS (5,000).

The job writes the same signed export as the streamed one (same formats, the same
`export.completions` audit event and detached signature, under the job's id) into the
instance folder, updating its progress once per page of rows.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from ...extensions import db
from ...models import ExportJob, School, User
from ..errors import NotFound
from ..jobs import enqueue, job
from ..jobs.maintenance import clock
from ..records import signing_keys
from .exports import FORMATS, CompletionExport
from .roster import RosterFilter, scoped

_JOBS = ExportJob.__table__


def matching_rows(school: School, where: RosterFilter) -> int:
    """How many rows an export with this filter would have (one COUNT)."""
    return db.session.execute(select(func.count()).select_from(
        scoped(school.id, where, every_cycle=True).subquery())).scalar_one()


def background_threshold() -> int:
    """Exports with more rows than this are made by a job."""
    return int(current_app.config.get("TPCOURSE_EXPORT_BACKGROUND_ROWS", 5000))


def _filters(where: RosterFilter) -> dict[str, Any]:
    return {"cohort_id": where.cohort_id, "course_id": where.course_id,
            "since": where.since.isoformat() if where.since else None,
            "until": where.until.isoformat() if where.until else None}


def _where(filters: dict[str, Any]) -> RosterFilter:
    return RosterFilter(cohort_id=filters.get("cohort_id"), course_id=filters.get("course_id"),
                        since=datetime.fromisoformat(filters["since"]) if filters.get("since")
                        else None,
                        until=datetime.fromisoformat(filters["until"]) if filters.get("until")
                        else None)


def start(school: School, fmt: str, where: RosterFilter, requester: Any, rows: int,
          now: datetime) -> ExportJob:
    """Queue an export job; return its row (the page follows its progress)."""
    if fmt not in FORMATS:
        from ..errors import ServiceError

        raise ServiceError(_("Format must be one of: %(formats)s.", formats=", ".join(FORMATS)))
    export_job = ExportJob(id=secrets.token_hex(16), school_id=school.id,
                           requested_by_id=getattr(requester, "id", None), format=fmt,
                           filters=_filters(where), status="queued", rows_total=rows,
                           rows_done=0, created_at=now)
    db.session.add(export_job)
    enqueue(build_export, [export_job.id], key=f"export:{export_job.id}")
    db.session.commit()
    return export_job


def job_of(school: School, job_id: str) -> ExportJob:
    """One of the school's export jobs; NotFound otherwise."""
    found = db.session.get(ExportJob, job_id[:32])
    if found is None or found.school_id != school.id:
        raise NotFound(_("No such export for this school."))
    return found


def file_of(export_job: ExportJob) -> Path:
    """Where a finished export's file is kept."""
    return export_folder() / f"{export_job.id}.{FORMATS[export_job.format][0]}"


def export_folder() -> Path:
    """The folder of finished background exports (instance/exports)."""
    return Path(current_app.instance_path) / "exports"


def _progress(job_id: str, **values: Any) -> None:
    """Write progress on a connection of its own: the export's reads stay in one session."""
    with db.engine.begin() as connection:
        connection.execute(update(_JOBS).where(_JOBS.c.id == job_id).values(**values))


@job("exports.build", timeout=3600)
def build_export(job_id: str) -> str:
    """Make the export file of a job (again from the start if an earlier run died)."""
    export_job = db.session.get(ExportJob, job_id)
    if export_job is None or export_job.status == "done":
        return "nothing to do"
    school = db.session.get(School, export_job.school_id)
    now = clock()
    export = CompletionExport(school, export_job.format, _where(export_job.filters),
                              f"user:{export_job.requested_by_id}", "job", now,
                              signing_keys.signing_key(current_app),
                              current_app.config["TPCOURSE_SITE_URL"], export_id=job_id)
    db.session.rollback()
    _progress(job_id, status="running", rows_done=0, error=None)
    target = file_of(export_job)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".part")
    reported = 0
    try:
        with partial.open("wb") as handle:
            for chunk in export.chunks():
                handle.write(chunk)
                if export.rows - reported >= 500:
                    reported = export.rows
                    _progress(job_id, rows_done=reported)
    except Exception as exc:  # the queue tries again from the start
        _progress(job_id, status="queued", error=(str(exc) or type(exc).__name__)[:500])
        raise
    partial.replace(target)
    _progress(job_id, status="done", rows_done=export.rows, filename=export.filename,
              finished_at=clock())
    _email_requester(job_id, school, export.filename)
    return str(target)


def _email_requester(job_id: str, school: School, filename: str) -> None:
    from ..notifications.delivery import send_once
    from ..notifications.jobs import greeting, render_message, site_url
    from ..notifications.language import in_language_of

    export_job = db.session.get(ExportJob, job_id)
    user = db.session.get(User, export_job.requested_by_id) if export_job.requested_by_id \
        else None
    if user is None or not user.active:
        return
    link = site_url(f"/school/{school.slug}/exports/jobs/{job_id}")
    with in_language_of(user):
        subject = _("Your export of %(school)s's records is ready", school=school.name)
        text = ngettext("The export %(filename)s (%(num)d row) is ready to download.",
                        "The export %(filename)s (%(num)d rows) is ready to download.",
                        export_job.rows_done, filename=filename)
        plain, html = render_message(subject, greeting(user.name, text), link,
                                     _("Download the export"))
    send_once(f"export-ready:{job_id}", clock(), user.email, subject, plain, html)
