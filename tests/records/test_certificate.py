"""Certificates are rendered to real PDFs and read back as a reader or a phone would."""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import pypdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from tpcourse.records import certificate
from tpcourse.records.certificate import (
    CertificateData,
    format_ce_hours,
    format_date,
    render_certificate_pdf,
)

MODULE_PATH = Path(certificate.__file__)
PAGE_POINTS = {"A4": (841.89, 595.28), "Letter": (792.0, 612.0)}  # landscape width, height
INNER_BORDER_PT = 10.5 / 25.4 * 72
HOLDER = "Zoë Łukasiewicz-Ó'Brien"


def signature_png() -> bytes:
    """Return a small transparent PNG standing in for a scanned signature."""
    image = Image.new("RGBA", (300, 80), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 60), (80, 15), (150, 55), (290, 20)], fill="navy", width=4)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make_certificate(**changes: object) -> CertificateData:
    """Build a complete certificate; keyword arguments replace single fields."""
    cert = CertificateData(
        holder_name=HOLDER,
        course_title="Trigger-Point Therapy: Locating, Pressing and Avoiding Injured Areas",
        course_version=3,
        course_type="Home Study",
        ce_hours=7.5,
        completed_on=date(2025, 3, 7),
        expires_on=date(2027, 3, 7),
        certificate_code="TPC-7Q4M-K2XD",
        provider_name="Northfield School of Massage Therapy",
        provider_number="451234-12",
        provider_contact="certificates@northfield.example",
        signatory_name="Amara Okonkwo-Søren",
        signature_image=signature_png(),
        verify_url="https://learn.northfield.example/verify/TPC-7Q4M-K2XD",
    )
    return replace(cert, **changes)


def page_text(pdf: bytes) -> str:
    """Extract the single page's text with runs of whitespace collapsed to one space."""
    reader = pypdf.PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def decode_qr_codes(pdf: bytes, dpi: int = 150) -> list[str]:
    """Rasterise the page as a phone camera would see it and decode every QR code on it."""
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=dpi / 72).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image) if code.valid]


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_certificate_states_every_required_field(page_size):
    text = page_text(render_certificate_pdf(make_certificate(), page_size=page_size))

    for expected in [
        "Certificate of Achievement",
        HOLDER,
        "Trigger-Point Therapy: Locating, Pressing and Avoiding Injured Areas",
        "Version 3",
        "Home Study",
        "7.5 CE hours",
        "7 March 2025",
        "7 March 2027",
        "TPC-7Q4M-K2XD",
        "Northfield School of Massage Therapy",
        "Provider number 451234-12",
        "certificates@northfield.example",
        "Amara Okonkwo-Søren",
        "https://learn.northfield.example/verify/TPC-7Q4M-K2XD",
    ]:
        assert expected in text, f"{expected!r} missing on {page_size} certificate"


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_page_is_landscape_in_the_requested_size(page_size):
    reader = pypdf.PdfReader(BytesIO(render_certificate_pdf(make_certificate(), page_size)))
    box = reader.pages[0].mediabox

    assert (float(box.width), float(box.height)) == pytest.approx(PAGE_POINTS[page_size], abs=0.1)


def test_unknown_page_size_is_refused():
    with pytest.raises(ValueError, match="A4"):
        render_certificate_pdf(make_certificate(), page_size="A3")  # type: ignore[arg-type]


def test_every_font_is_an_embedded_truetype_font():
    reader = pypdf.PdfReader(BytesIO(render_certificate_pdf(make_certificate())))
    fonts = reader.pages[0]["/Resources"]["/Font"]

    assert len(fonts) >= 2  # regular and bold
    for font in fonts.values():
        font = font.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "DejaVuSans" in str(font["/BaseFont"])
        assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"


@pytest.mark.parametrize(
    "name", [HOLDER, "José Ñúñez-Çelik", "Ἀλέξανδρος Παπαδόπουλος", "Ірина Шевченко"]
)
def test_unicode_names_round_trip_through_the_pdf(name):
    text = page_text(render_certificate_pdf(make_certificate(holder_name=name)))

    assert name in text


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_qr_code_on_the_page_decodes_to_the_verify_url(page_size):
    cert = make_certificate()

    assert decode_qr_codes(render_certificate_pdf(cert, page_size)) == [cert.verify_url]


def test_long_verify_url_still_decodes_and_is_printed_whole():
    url = "https://certificates.northfield-school-of-massage.example/verify/" + "K7Q2" * 15
    pdf = render_certificate_pdf(make_certificate(verify_url=url))

    assert decode_qr_codes(pdf) == [url]
    assert url in page_text(pdf).replace(" ", "")  # a URL this long may wrap mid-way


def test_qr_code_encodes_exactly_the_verify_url():
    url = "https://host.example/verify/ABC-123?x=1&y=ü"
    qr = certificate.qr_code(url)
    png = BytesIO()
    qr.save(png, kind="png", scale=8)
    png.seek(0)

    assert [code.text for code in zxingcpp.read_barcodes(Image.open(png))] == [url]


def test_revoked_certificate_is_marked_revoked():
    valid = render_certificate_pdf(make_certificate())
    revoked = render_certificate_pdf(make_certificate(revoked=True))

    assert "REVOKED" not in page_text(valid)
    assert "REVOKED" in page_text(revoked)
    assert "no longer valid" in page_text(revoked)
    assert "REVOKED" in pypdf.PdfReader(BytesIO(revoked)).metadata.subject


def test_certificate_without_expiry_says_it_does_not_expire():
    text = page_text(render_certificate_pdf(make_certificate(expires_on=None)))

    assert "Does not expire" in text
    assert "7 March 2027" not in text


def test_optional_provider_and_signature_fields_may_be_missing():
    cert = make_certificate(
        provider_number=None, provider_contact=None, signatory_name=None, signature_image=None
    )
    pdf = render_certificate_pdf(cert)
    text = page_text(pdf)

    assert "Provider number" not in text
    assert "Northfield School of Massage Therapy" in text
    assert decode_qr_codes(pdf) == [cert.verify_url]


def test_signature_image_is_placed_only_when_given():
    def image_count(pdf: bytes) -> int:
        return len(pypdf.PdfReader(BytesIO(pdf)).pages[0].images)

    assert image_count(render_certificate_pdf(make_certificate())) == 1
    assert image_count(render_certificate_pdf(make_certificate(signature_image=None))) == 0


def test_document_metadata_names_certificate_and_provider():
    metadata = pypdf.PdfReader(BytesIO(render_certificate_pdf(make_certificate()))).metadata

    assert metadata.title.startswith("Certificate of Achievement")
    assert metadata.author == "Northfield School of Massage Therapy"
    assert HOLDER in metadata.subject
    assert "TPC-7Q4M-K2XD" in metadata.subject


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_very_long_text_stays_inside_the_border(page_size):
    cert = make_certificate(
        holder_name="Maximiliana Alejandra Würzburger-Þórsdóttir Świętochowska-Nakamura Ørsted",
        course_title=" ".join(["Advanced Trigger-Point Pressure Release and Safety"] * 4),
        provider_name="International Academy of Therapeutic Massage and Myofascial Studies",
        signatory_name="Professor Dr. Bartholomew Featherstonehaugh-Cholmondeley, Dean",
        verify_url="https://certificates.example.org/verify/" + "A" * 70,
        revoked=True,
    )
    pdf = render_certificate_pdf(cert, page_size)
    width, height = PAGE_POINTS[page_size]
    text_page = pypdfium2.PdfDocument(pdf)[0].get_textpage()

    for index in range(text_page.count_chars()):
        left, bottom, right, top = text_page.get_charbox(index)
        if right - left == 0:  # generated spaces and line breaks have no box
            continue
        assert INNER_BORDER_PT <= left <= right <= width - INNER_BORDER_PT
        assert INNER_BORDER_PT <= bottom <= top <= height - INNER_BORDER_PT
    assert cert.holder_name in page_text(pdf)
    assert decode_qr_codes(pdf) == [cert.verify_url]


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (8, "8 CE hours"),
        (8.0, "8 CE hours"),
        (7.5, "7.5 CE hours"),
        (1, "1 CE hour"),
        (0.25, "0.25 CE hours"),
        (12.10, "12.1 CE hours"),
    ],
)
def test_ce_hours_are_written_without_needless_decimals(hours, expected):
    assert format_ce_hours(hours) == expected


def test_dates_are_written_in_words():
    assert format_date(date(2025, 12, 1)) == "1 December 2025"


def test_module_imports_no_web_database_or_project_code():
    tree = ast.parse(MODULE_PATH.read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}

    roots = {name.split(".")[0] for name in imported}
    assert not roots & {"flask", "sqlalchemy", "flask_sqlalchemy", "tpcourse"}


def test_module_renders_without_loading_flask_or_sqlalchemy():
    # Load the file on its own (not through the tpcourse package, whose __init__ builds
    # the app) and render, then check nothing pulled the web or database stack in.
    script = f"""
import importlib.util, sys
from datetime import date
spec = importlib.util.spec_from_file_location("certificate", {str(MODULE_PATH)!r})
module = sys.modules["certificate"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
cert = module.CertificateData("A", "B", 1, "Home Study", 1, date(2025, 1, 1), None, "C",
    "P", None, None, None, None, "https://x.example/verify/C")
assert module.render_certificate_pdf(cert).startswith(b"%PDF")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("flask", "sqlalchemy", "tpcourse"))
assert not loaded, loaded
"""
    subprocess.run([sys.executable, "-c", script], check=True)
