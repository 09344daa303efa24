"""A school export larger than TPCOURSE_EXPORT_BACKGROUND_ROWS is made by a job: progress,
the same signed file, a download, and an email to the admin; smaller ones still stream."""

from __future__ import annotations

from sqlalchemy import select

from tests.helpers import outbox
from tests.schools.conftest import World
from tpcourse.models import ExportJob


def test_a_large_export_becomes_a_job_with_a_download_and_an_email(app, client, world: World,
                                                                   login_as):
    app.config["TPCOURSE_EXPORT_BACKGROUND_ROWS"] = 2  # north has four rows
    login_as(world.north_admin)
    response = client.get("/school/north/export?format=csv")
    assert response.status_code == 302 and "/school/north/exports/jobs/" in response.location
    from tpcourse.extensions import db

    job = db.session.execute(select(ExportJob)).scalar_one()
    assert job.status == "done" and job.rows_total == job.rows_done == 4  # ran at commit
    page = client.get(response.location).get_data(as_text=True)
    assert "Ready: 4 rows" in page and job.filename in page
    download = client.get(f"/school/north/exports/jobs/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    lines = download.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 5  # header + 4 rows, as the streamed export gives
    signature = client.get(f"/school/north/exports/{job.id}.sig.json")
    assert signature.status_code == 200 and signature.get_json()["filename"] == job.filename
    [mail] = [m for m in outbox(app) if "is ready" in m.subject]
    assert mail.to == world.north_admin.email and "is ready" in mail.subject
    assert f"/school/north/exports/jobs/{job.id}" in mail.body
    login_as(world.south_admin)  # another school's export is not found
    assert client.get(f"/school/north/exports/jobs/{job.id}").status_code == 404
    assert client.get(f"/school/south/exports/jobs/{job.id}/download").status_code == 404


def test_a_small_export_still_streams(app, client, world: World, login_as):
    login_as(world.north_admin)
    response = client.get("/school/north/export?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    from tpcourse.extensions import db

    assert db.session.execute(select(ExportJob)).first() is None
