"""A real completion's certificate: downloaded as a PDF, read back, re-issued and revoked."""

from __future__ import annotations

from io import BytesIO

import pypdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageDraw
from sqlalchemy import select

from tests.certification.conftest import SITE_URL
from tests.certification.steps import complete_basics
from tpcourse.models import AuditEvent
from tpcourse.records.certificate import format_date

PAGE_POINTS = {"a4": (841.89, 595.28), "letter": (792.0, 612.0)}


def page_text(pdf: bytes) -> str:
    """The single page's text, whitespace collapsed."""
    reader = pypdf.PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def qr_codes(pdf: bytes) -> list[str]:
    """Rasterise the page at 150 dpi and decode every QR code on it, as a phone would."""
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image) if code.valid]


def audit_kinds(db) -> list[str]:
    return list(db.session.execute(select(AuditEvent.kind).order_by(AuditEvent.seq)).scalars())


@pytest.fixture
def holder(make_user, school, basics):
    return make_user(school="northfield", name="Zoë Łukasiewicz")


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_pdf_of_a_real_completion_prints_every_field_and_a_working_qr(
        client, login_as, holder, clock, size):
    record = complete_basics(holder, clock.now)
    login_as(holder)

    response = client.get(f"/certificates/{record.certificate_code}.pdf?size={size}")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f"certificate-{record.certificate_code}-{size}.pdf" in (
        response.headers["Content-Disposition"])
    assert "no-store" in response.headers["Cache-Control"]
    pdf = response.data
    box = pypdf.PdfReader(BytesIO(pdf)).pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(PAGE_POINTS[size], abs=0.1)
    text = page_text(pdf)
    verify_url = f"{SITE_URL}/verify/{record.certificate_code}"
    for expected in ["Certificate of Achievement", "Zoë Łukasiewicz", "Basics of Pressure Work",
                     "Version 1", "Home Study", "2.5 CE hours",
                     format_date(record.completed_at.date()),
                     format_date(record.expires_at.date()), record.certificate_code,
                     "Northfield School of Massage", "Provider number 451234-12",
                     "certificates@northfield.example", "12 Harbour Road, Northfield",
                     "Amara Okonkwo"]:
        assert expected in text, f"{expected!r} missing from the PDF"
    assert verify_url in text.replace(" ", "")  # printed whole; a long URL may wrap
    assert "REVOKED" not in text
    assert qr_codes(pdf) == [verify_url]
    assert client.get(qr_codes(pdf)[0].removeprefix(SITE_URL)).status_code == 200


def test_without_a_school_the_site_provider_settings_are_printed(
        app, client, login_as, make_user, basics, clock):
    app.config.update(TPCOURSE_PROVIDER_NAME="Trigger Point Academy",
                      TPCOURSE_PROVIDER_NUMBER="CE-77", TPCOURSE_PROVIDER_CONTACT="ce@tpa.example",
                      TPCOURSE_SIGNATORY_NAME="Dr Lena Voss")
    trainee = make_user(name="Kai Moreno")
    record = complete_basics(trainee, clock.now)
    login_as(trainee)

    text = page_text(client.get(f"/certificates/{record.certificate_code}.pdf").data)

    for expected in ["Trigger Point Academy", "Provider number CE-77", "ce@tpa.example",
                     "Dr Lena Voss", "Kai Moreno"]:
        assert expected in text
    facts = client.get(f"/verify/{record.certificate_code}.json").get_json()
    assert facts["issuer"] == {"name": "Trigger Point Academy", "provider_number": "CE-77",
                               "contact": "ce@tpa.example"}


def test_a_configured_signature_image_is_placed(app, client, login_as, holder, clock, tmp_path):
    image = Image.new("RGBA", (300, 80), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 60), (150, 15), (290, 50)], fill="navy", width=4)
    image.save(tmp_path / "northfield.png")
    record = complete_basics(holder, clock.now)
    login_as(holder)
    url = f"/certificates/{record.certificate_code}.pdf"

    without = pypdf.PdfReader(BytesIO(client.get(url).data)).pages[0].images
    app.config["TPCOURSE_SIGNATURES_DIR"] = str(tmp_path)
    with_signature = pypdf.PdfReader(BytesIO(client.get(url).data)).pages[0].images

    assert (len(without), len(with_signature)) == (0, 1)


def test_reissue_keeps_the_code_and_each_issue_is_audited(client, login_as, holder, clock, db,
                                                          runner, tmp_path):
    record = complete_basics(holder, clock.now)
    login_as(holder)
    first = client.get(f"/certificates/{record.certificate_code}.pdf").data
    holder.name = "Zoë Łukasiewicz-Brandt"  # married since: the re-issue prints the new name
    db.session.commit()
    again = client.get(f"/certificates/{record.certificate_code}.pdf?size=Letter").data
    output = tmp_path / "again.pdf"
    result = runner.invoke(args=["certificates", "reissue", record.certificate_code.lower(),
                                 "--page-size", "letter", "-o", str(output)])

    assert result.exit_code == 0, result.output
    for pdf in (first, again, output.read_bytes()):
        assert record.certificate_code in page_text(pdf)
        assert qr_codes(pdf) == [f"{SITE_URL}/verify/{record.certificate_code}"]
    assert "Zoë Łukasiewicz-Brandt" in page_text(output.read_bytes())
    assert audit_kinds(db).count("certificate.issued") == 3


def test_revoked_shows_as_revoked_everywhere(client, login_as, holder, make_user, clock, db,
                                             runner):
    record = complete_basics(holder, clock.now)
    code = record.certificate_code
    login_as(make_user(role="school_admin", school="northfield"))

    response = client.post(f"/certificates/{code}/revoke", data={"reason": "Fraudulent sign-in"})

    assert response.status_code == 302
    assert "revoked" in client.get(f"/certificates/{code}").get_data(as_text=True).lower()
    assert "REVOKED" in page_text(client.get(f"/certificates/{code}.pdf").data)
    client.post("/logout")
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Revoked certificate" in page and "Fraudulent" not in page
    facts = client.get(f"/verify/{code}.json").get_json()
    assert facts["status"] == "revoked" and facts["revoked_on"] == clock.now.date().isoformat()
    assert "Fraudulent" not in str(facts)
    login_as(holder)
    records = client.get("/records").get_data(as_text=True)
    assert 'class="badge revoked"' in records
    assert "certificate.revoked" in audit_kinds(db)
    again = runner.invoke(args=["certificates", "revoke", code, "--reason", "twice"])
    assert again.exit_code != 0 and "already revoked" in again.output


def test_the_command_line_revokes_with_a_reason(runner, holder, clock, db):
    record = complete_basics(holder, clock.now)

    result = runner.invoke(args=["certificates", "revoke", record.certificate_code,
                                 "--reason", "Issued in error"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert record.revoked_reason == "Issued in error" and record.revoked_at == clock.now
    missing = runner.invoke(args=["certificates", "revoke", "TP-NOPE", "--reason", "x"])
    assert missing.exit_code != 0 and "No certificate" in missing.output


def test_revoking_needs_a_reason_and_the_issuing_school(client, login_as, holder, make_user,
                                                        clock):
    code = complete_basics(holder, clock.now).certificate_code
    login_as(make_user(role="school_admin", school="northfield"))

    blank = client.post(f"/certificates/{code}/revoke", data={"reason": "  "})
    assert blank.status_code == 422
    assert 'id="reason-error"' in blank.get_data(as_text=True)
    login_as(holder)
    assert client.post(f"/certificates/{code}/revoke", data={"reason": "mine"}).status_code == 403
    login_as(make_user(role="school_admin", school="southside"))
    assert client.post(f"/certificates/{code}/revoke", data={"reason": "x"}).status_code == 404
    login_as(make_user(role="admin"))
    assert client.post(f"/certificates/{code}/revoke", data={"reason": "x"}).status_code == 302
    assert client.post(f"/certificates/{code}/revoke", data={"reason": "x"}).status_code == 409


def test_who_may_download(client, login_as, holder, make_user, clock):
    code = complete_basics(holder, clock.now).certificate_code
    url = f"/certificates/{code}.pdf"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for user, status in [(holder, 200), (make_user(role="school_admin", school="northfield"), 200),
                         (make_user(role="admin"), 200),
                         (make_user(role="school_admin", school="southside"), 404),
                         (make_user(school="northfield"), 404), (make_user(role="instructor"), 404)]:
        login_as(user)
        assert client.get(url).status_code == status, user
    login_as(holder)
    assert client.get(url + "?size=A3").status_code == 400
    assert client.get("/certificates/TP-AAAA-BBBB-CCCC-DDDD-EEEE.pdf").status_code == 404
