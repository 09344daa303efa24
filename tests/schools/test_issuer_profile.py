"""A school's issuer profile, logo, signature and certificate template, edited by its admin,
previewed, then used by its credentials and certificates."""

from __future__ import annotations

from io import BytesIO

import pypdf
from PIL import Image
from sqlalchemy import select

from tests.certification.steps import complete_basics
from tpcourse.models import AuditEvent, School

NEW = "2026-03-02"


def png(colour=(200, 30, 30), size=(120, 60)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _north(db):
    return db.session.execute(select(School).filter_by(slug="north")).scalar_one()


def _admin(make_user, login_as):
    return login_as(make_user(role="school_admin", school="north"))


def test_the_admin_edits_the_profile_and_it_is_served_at_the_issuer_id(
        app, client, db, make_user, login_as):
    _admin(make_user, login_as)
    page = client.get("/school/north/issuer")
    assert page.status_code == 200 and "/issuers/north" in page.get_data(as_text=True)
    bad = client.post("/school/north/issuer", data={"name": "North", "website_url": "ftp://x"})
    assert bad.status_code == 422 and "https://" in bad.get_data(as_text=True)
    response = client.post("/school/north/issuer", data={
        "name": "North CE Institute", "website_url": "https://north.example",
        "email": "ce@north.example", "provider_number": "CE-9", "signatory": "Dr Ana Ruiz"})
    assert response.status_code == 302
    profile = client.get("/issuers/north").get_json()
    assert (profile["name"], profile["url"], profile["official"]) == (
        "North CE Institute", "https://north.example", "Dr Ana Ruiz")
    assert profile["otherIdentifier"][0]["identifier"] == "CE-9"
    assert db.session.execute(select(AuditEvent).filter_by(kind="school.issuer_updated")
                              ).scalar_one()


def test_images_are_checked_re_encoded_and_the_logo_is_public(
        app, client, db, make_user, login_as):
    _admin(make_user, login_as)
    refused = client.post("/school/north/issuer/images", data={
        "logo": (BytesIO(b"<svg onload=alert(1)>"), "logo.svg")},
        content_type="multipart/form-data")
    assert refused.status_code == 422 and "PNG or JPEG" in refused.get_data(as_text=True)
    assert client.get("/issuers/north/logo.png").status_code == 404
    jpeg = BytesIO()
    Image.new("RGB", (80, 40), (10, 80, 160)).save(jpeg, "JPEG")
    response = client.post("/school/north/issuer/images", data={
        "logo": (BytesIO(jpeg.getvalue()), "logo.jpg"),
        "signature": (BytesIO(png()), "signature.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    served = client.get("/issuers/north/logo.png")
    assert served.status_code == 200 and served.data.startswith(b"\x89PNG")  # re-encoded
    assert client.get("/issuers/north").get_json()["image"] == {
        "id": "http://127.0.0.1:5000/issuers/north/logo.png", "type": "Image"}
    north = _north(db)
    assert north.signature_image.startswith(b"\x89PNG")
    client.post("/school/north/issuer/images", data={"remove_logo": "y"},
                content_type="multipart/form-data")
    assert client.get("/issuers/north/logo.png").status_code == 404


def test_the_template_is_previewed_and_used_by_the_schools_certificates(
        app, client, db, make_user, login_as, content, clock):
    _admin(make_user, login_as)
    refused = client.post("/school/north/issuer/template", data={
        "accent": "blue", "page_size": "A4"})
    assert refused.status_code == 422 and "#rrggbb" in refused.get_data(as_text=True)
    assert client.post("/school/north/issuer/template", data={
        "accent": "#7A1F3D", "secondary": "#2e7d32",
        "attestation": "has completed every requirement of the course",
        "page_size": "Letter"}).status_code == 302
    preview = client.get("/school/north/certificate-preview.pdf")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    reader = pypdf.PdfReader(BytesIO(preview.data))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "has completed every requirement of the course" in text and "Sample Trainee" in text
    assert round(float(reader.pages[0].mediabox.width)) == 792  # US Letter, landscape
    trainee = make_user(school="north")
    record = complete_basics(trainee, clock.now)
    login_as(trainee)
    pdf = client.get(f"/certificates/{record.certificate_code}.pdf")
    assert pdf.headers["Content-Disposition"].endswith('-letter.pdf"')
    text = " ".join(pypdf.PdfReader(BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "has completed every requirement of the course" in text
    a4 = client.get(f"/certificates/{record.certificate_code}.pdf?size=A4")
    assert round(float(pypdf.PdfReader(BytesIO(a4.data)).pages[0].mediabox.width)) == 842


def test_a_school_without_a_template_keeps_the_default(client, db, make_user, login_as,
                                                       content, clock):
    from tpcourse.services.accounts.accounts import ensure_school

    ensure_school("south", "South")
    trainee = login_as(make_user(school="south"))
    record = complete_basics(trainee, clock.now)
    pdf = client.get(f"/certificates/{record.certificate_code}.pdf")
    text = " ".join(pypdf.PdfReader(BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "has successfully completed the course" in text
    assert pdf.headers["Content-Disposition"].endswith('-a4.pdf"')


def test_an_image_at_the_limit_is_taken_and_one_byte_more_is_refused():
    import pytest

    from tpcourse.services.errors import ServiceError
    from tpcourse.services.schools.issuers import MAX_IMAGE_BYTES, clean_image

    image = png()
    at_limit = image + b"\0" * (MAX_IMAGE_BYTES - len(image))  # bytes after IEND are ignored
    assert len(at_limit) == MAX_IMAGE_BYTES
    assert clean_image(at_limit, "logo").startswith(b"\x89PNG")
    with pytest.raises(ServiceError, match="too large: at most 512 kB"):
        clean_image(at_limit + b"\0", "logo")
    with pytest.raises(ServiceError, match="at most 3000 pixels"):
        clean_image(png(size=(3001, 1)), "logo")
