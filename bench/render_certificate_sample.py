"""Write sample certificates (A4 and US Letter, valid and revoked) to a directory.

Usage: python bench/render_certificate_sample.py OUT_DIR [--png]

With --png each PDF is also rasterised to a PNG beside it (needs pypdfium2), so the
design can be looked at without a PDF viewer.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tpcourse.records.certificate import CertificateData, render_certificate_pdf  # noqa: E402


def sample_signature() -> bytes:
    """Draw a plausible handwritten-looking signature as a transparent PNG."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (600, 160), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    # A flowing stroke: a wave that settles as it runs right, like a quick signature.
    stroke = [
        (30 + 1.7 * t, 85 - 45 * math.sin(t / 16) * math.exp(-t / 260) - 0.06 * t)
        for t in range(0, 320)
    ]
    pen.line(stroke, fill=(20, 30, 70, 255), width=5, joint="curve")
    pen.line([(60, 138), (470, 126)], fill=(20, 30, 70, 255), width=3)
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def sample_certificate() -> CertificateData:
    """Return a certificate with the awkward cases: accents, a long title, fractional hours."""
    return CertificateData(
        holder_name="Zoë Łukasiewicz-Ó'Brien",
        course_title="Trigger-Point Therapy for Massage Therapists: Locating, Pressing "
        "and Avoiding Injured Areas",
        course_version=3,
        course_type="Home Study",
        ce_hours=7.5,
        completed_on=date(2025, 3, 7),
        expires_on=date(2027, 3, 7),
        certificate_code="TPC-7Q4M-K2XD",
        provider_name="Northfield School of Massage Therapy",
        provider_number="451234-12",
        provider_contact="certificates@northfield.example · +1 555 0100",
        signatory_name="Dr. Amara Okonkwo-Søren, Education Director",
        signature_image=sample_signature(),
        verify_url="https://learn.northfield.example/verify/TPC-7Q4M-K2XD",
    )


def main() -> None:
    """Write the sample PDFs (and optionally PNGs) into the directory given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--png", action="store_true", help="also rasterise each PDF to PNG")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    cert = sample_certificate()
    variants = {
        "certificate-a4.pdf": (cert, "A4"),
        "certificate-letter.pdf": (cert, "Letter"),
        "certificate-letter-revoked.pdf": (
            replace(cert, revoked=True, expires_on=None, signature_image=None),
            "Letter",
        ),
    }
    for name, (data, page_size) in variants.items():
        path = args.out_dir / name
        path.write_bytes(render_certificate_pdf(data, page_size=page_size))
        print(path)
        if args.png:
            import pypdfium2

            page = pypdfium2.PdfDocument(str(path))[0]
            png = path.with_suffix(".png")
            page.render(scale=150 / 72).to_pil().save(png)
            print(png)


if __name__ == "__main__":
    main()
