"""Render a course certificate as a one-page landscape PDF.

Pure record format: takes a `CertificateData`, returns PDF bytes. It imports no Flask,
no database and no other tpcourse module, so services, the CLI and tests can all call it.

It prints in the language it is given (`CertificateLanguage`: the catalogue look-ups and the
locale, which the service sets up for the holder); English by default. Its sentences are
marked with `N_` for the extractor (a local no-op: this module imports nothing of tpcourse).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Literal

import segno
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from fpdf import FPDF
from fpdf.drawing import DeviceRGB
from fpdf.enums import MethodReturnValue, PathPaintRule

__all__ = [
    "DEFAULT_ATTESTATION",
    "ENGLISH",
    "CertificateData",
    "CertificateLanguage",
    "CertificateTemplate",
    "hex_colour",
    "ce_hours_split",
    "format_ce_hours",
    "format_date",
    "qr_code",
    "render_certificate_pdf",
]

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONT = "DejaVuSans"
PT = 25.4 / 72  # one typographic point in millimetres
LEADING = 1.18
# Spelled out here because strftime("%B") follows the server's locale.
MONTH_NAMES = (
    "January February March April May June July August September October November December"
)

INK = (33, 37, 41)
MUTED = (98, 106, 115)
ACCENT = (27, 58, 94)
GOLD = (166, 134, 75)
ALERT = (180, 30, 30)


def N_(message: str) -> str:  # noqa: N802 - the marker the extractor looks for
    """Return `message` unchanged: marked for translation, looked up where it is printed."""
    return message


DEFAULT_ATTESTATION = N_("has successfully completed the course")


def _same(message: str) -> str:
    return message


def _english_plural(one: str, many: str, count: int) -> str:
    return one if count == 1 else many


@dataclass(frozen=True)
class CertificateLanguage:
    """The language a certificate is printed in: `gettext` and `ngettext` look the marked
    English up (plain catalogue look-ups: this module fills in the values), `locale` writes
    dates and numbers."""

    gettext: Callable[[str], str] = _same
    ngettext: Callable[[str, str, int], str] = _english_plural
    locale: str = "en"

    def say(self, message: str, **values: object) -> str:
        """`message` in this language, its named placeholders filled in."""
        text = self.gettext(message)
        return text % values if values else text


ENGLISH = CertificateLanguage()
COURSE_TYPES = {"Live": N_("Live"), "Home Study": N_("Home Study"), "Webinar": N_("Webinar")}


@dataclass(frozen=True)
class CertificateTemplate:
    """A school's certificate look: colours, the attestation's wording, logo, page size."""

    accent: tuple[int, int, int] = ACCENT
    secondary: tuple[int, int, int] = GOLD
    attestation: str = DEFAULT_ATTESTATION
    logo_image: bytes | None = None
    page_size: str = "A4"


DEFAULT_TEMPLATE = CertificateTemplate()


def hex_colour(text: str) -> tuple[int, int, int]:
    """Read "#1b3a5e" as (27, 58, 94); ValueError if it is not a #rrggbb colour."""
    text = text.strip()
    if len(text) != 7 or text[0] != "#":
        raise ValueError(f"not a #rrggbb colour: {text!r}")
    return int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16)


@dataclass(frozen=True)
class _Type:
    """A text role: size range in points, when it may wrap, weight, colour, tracking (mm)."""

    largest: float
    smallest: float | None = None  # shrink no further than this; None: never shrink
    wrap_at: float | None = None  # shrink on one line down to this size before wrapping
    bold: bool = False
    color: tuple[int, int, int] = INK
    tracking: float = 0.0


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float


SCHOOL = _Type(9, 6, bold=True, color=ACCENT, tracking=1.2)
TITLE = _Type(32, 20, bold=True)
LEAD_IN = _Type(10.5, color=MUTED)
HOLDER = _Type(28, 11, wrap_at=19, bold=True)
COURSE = _Type(17, 8, wrap_at=15, bold=True, color=ACCENT)
SUMMARY = _Type(11, 7)
CAPTION = _Type(7, 5.5, color=MUTED, tracking=0.6)
FACT = _Type(11, 6.5, bold=True)
SIGNER = _Type(10.5, 6.5, wrap_at=9, bold=True)
NOTE = _Type(8, 6, wrap_at=7, color=MUTED)
PROVIDER = _Type(12, 7, wrap_at=10.5, bold=True, color=ACCENT)
PROVIDER_DETAILS = _Type(9, 6.5, wrap_at=8, color=MUTED)
URL = _Type(8, 5, wrap_at=6, color=ACCENT)
STAMP = _Type(78, bold=True, color=ALERT)
REVOKED_NOTICE = _Type(9.5, 6, bold=True, color=ALERT)


@dataclass(frozen=True)
class CertificateData:
    """Everything a certificate states; dates are plain dates, hours may be fractional."""

    holder_name: str
    course_title: str
    course_version: int
    course_type: str
    ce_hours: float
    completed_on: date
    expires_on: date | None
    certificate_code: str
    provider_name: str
    provider_number: str | None
    provider_contact: str | None
    signatory_name: str | None
    signature_image: bytes | None
    verify_url: str
    revoked: bool = False
    hands_on_hours: float = 0.0  # the part of ce_hours earned in supervised hands-on practice
    approved_by: str | None = None  # e.g. "NCBTMB" when the course claims approval
    assessed_by: tuple[str, ...] = ()  # instructors who signed off the practical skills
    template: CertificateTemplate | None = None  # the school's; None: the default look
    cycle: int = 1  # the certification cycle; 2, 3 ... print as a renewal

    @property
    def home_study_hours(self) -> float:
        """The CE hours earned by home study."""
        return round(self.ce_hours - self.hands_on_hours, 4)


def format_date(day: date, locale: str = "en") -> str:
    """Write a date unambiguously, the month in words: "7 March 2025" in English (whatever
    the English region), "7 de marzo de 2025" in Spanish: Babel's long date elsewhere."""
    if locale.split("_")[0] == "en":
        return f"{day.day} {MONTH_NAMES.split()[day.month - 1]} {day.year}"
    return babel_dates.format_date(day, format="long", locale=locale)


def format_ce_hours(hours: float, language: CertificateLanguage = ENGLISH) -> str:
    """Write CE hours without a needless decimal: "8 CE hours", "7.5 CE hours", "1 CE hour"
    ("7,5 horas de EC" in Spanish)."""
    number = _number(hours, language.locale)
    # The count picks the form: only a number written "1" is singular.
    count = 1 if _number(hours) == "1" else 2
    return language.ngettext("%(hours)s CE hour", "%(hours)s CE hours", count) % {
        "hours": number}


def ce_hours_split(ce_hours: float, hands_on_hours: float, course_type: str,
                   language: CertificateLanguage = ENGLISH) -> str:
    """Say how CE hours were earned: "5.5 home study + 2 hands-on", or "7.5 home study"."""
    home = _number(round(ce_hours - hands_on_hours, 4), language.locale)
    if not hands_on_hours:
        message = {"Live": N_("%(home)s live"), "Webinar": N_("%(home)s webinar")}.get(
            course_type, N_("%(home)s home study"))
        return language.say(message, home=home)
    message = {"Live": N_("%(home)s live + %(hands_on)s hands-on"),
               "Webinar": N_("%(home)s webinar + %(hands_on)s hands-on")}.get(
        course_type, N_("%(home)s home study + %(hands_on)s hands-on"))
    return language.say(message, home=home,
                        hands_on=_number(hands_on_hours, language.locale))


def course_type_name(course_type: str, language: CertificateLanguage = ENGLISH) -> str:
    """A CE course type ("Home Study") in the certificate's language."""
    known = COURSE_TYPES.get(course_type)
    return language.gettext(known) if known else course_type


def _number(hours: float, locale: str = "en") -> str:
    plain = f"{hours:.2f}".rstrip("0").rstrip(".")
    if locale.split("_")[0] == "en":
        return plain
    return babel_numbers.format_decimal(float(plain), format="#,##0.##", locale=locale)


def qr_code(verify_url: str) -> segno.QRCode:
    """Build the QR code printed on the certificate; it encodes exactly `verify_url`."""
    return segno.make_qr(verify_url, error="m", boost_error=False)


def render_certificate_pdf(
    cert: CertificateData, page_size: Literal["A4", "Letter"] = "A4",
    language: CertificateLanguage = ENGLISH,
) -> bytes:
    """Render `cert` as a one-page landscape PDF on A4 or US Letter, in `language`, and
    return its bytes."""
    if page_size not in ("A4", "Letter"):
        raise ValueError(f'Page size must be "A4" or "Letter", not {page_size!r}.')
    pdf = FPDF(orientation="landscape", unit="mm", format=page_size)
    pdf.palette = {ACCENT: (cert.template or DEFAULT_TEMPLATE).accent,
                   GOLD: (cert.template or DEFAULT_TEMPLATE).secondary}
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    _set_metadata(pdf, cert, language)
    pdf.add_page()
    _draw_frame(pdf)
    _draw_logo(pdf, cert)
    _draw_heading(pdf, cert, language)
    _draw_achievement(pdf, cert, language)
    _draw_facts(pdf, cert, language)
    # A course that claims approval is always signed (content check requires a signatory).
    signed = bool(cert.signatory_name or cert.signature_image or cert.approved_by)
    if signed:
        _draw_signature(pdf, cert, language)
    # Unsigned, the issuer takes the signature's place so the bottom row stays balanced.
    _draw_provider(pdf, cert, language, centre=pdf.w / 2 if signed else 62)
    _draw_verification(pdf, cert, language)
    if cert.revoked:
        _draw_revoked_marking(pdf, language)
    return bytes(pdf.output())


def _set_metadata(pdf: FPDF, cert: CertificateData, language: CertificateLanguage) -> None:
    subject = (N_("REVOKED certificate %(code)s: %(holder)s completed %(course)s (version "
                  "%(version)s), %(hours)s") if cert.revoked else
               N_("Certificate %(code)s: %(holder)s completed %(course)s (version %(version)s), "
                  "%(hours)s"))
    pdf.set_title(language.say(N_("Certificate of Achievement: %(course)s"),
                               course=cert.course_title))
    pdf.set_author(cert.provider_name)
    pdf.set_subject(language.say(
        subject, code=cert.certificate_code, holder=cert.holder_name, course=cert.course_title,
        version=cert.course_version, hours=format_ce_hours(cert.ce_hours, language)))
    pdf.set_keywords(["certificate", "continuing education", cert.certificate_code])
    pdf.set_creator("tpcourse")
    pdf.set_lang(language.locale.replace("_", "-"))


def _draw_frame(pdf: FPDF) -> None:
    pdf.set_draw_color(*_colour(pdf, ACCENT))
    pdf.set_line_width(0.9)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_draw_color(*_colour(pdf, GOLD))
    pdf.set_line_width(0.25)
    pdf.rect(10.5, 10.5, pdf.w - 21, pdf.h - 21)


def _colour(pdf: FPDF, colour: tuple[int, int, int]) -> tuple[int, int, int]:
    """The template's colour for one of the default accent colours (others unchanged)."""
    return getattr(pdf, "palette", {}).get(colour, colour)


def _draw_logo(pdf: FPDF, cert: CertificateData) -> None:
    logo = (cert.template or DEFAULT_TEMPLATE).logo_image
    if logo:  # top left, inside the frame, at most 30 x 18 mm
        pdf.image(BytesIO(logo), x=16, y=15, w=30, h=18, keep_aspect_ratio=True)


def _draw_heading(pdf: FPDF, cert: CertificateData, language: CertificateLanguage) -> None:
    _write(pdf, cert.provider_name.upper(), SCHOOL, _across(pdf, 19, 6))
    _write(pdf, language.say(N_("Certificate of Achievement")), TITLE, _across(pdf, 27, 13))
    _ornament(pdf, pdf.w / 2, 44)


def _draw_achievement(pdf: FPDF, cert: CertificateData, language: CertificateLanguage) -> None:
    _write(pdf, language.say(N_("This certifies that")), LEAD_IN, _across(pdf, 49, 6))
    _write(pdf, cert.holder_name, HOLDER, _across(pdf, 55, 16.5))
    pdf.set_draw_color(*_colour(pdf, GOLD))
    pdf.set_line_width(0.3)
    pdf.line(pdf.w / 2 - 75, 73.5, pdf.w / 2 + 75, 73.5)
    attestation = (cert.template or DEFAULT_TEMPLATE).attestation
    if attestation == DEFAULT_ATTESTATION:  # a school's own wording prints as it wrote it
        attestation = language.say(DEFAULT_ATTESTATION)
    _write(pdf, attestation, LEAD_IN, _across(pdf, 76, 6))
    _write(pdf, cert.course_title, COURSE, _across(pdf, 82, 17))
    hours = format_ce_hours(cert.ce_hours, language)
    parts = [language.say(N_("Version %(version)s"), version=cert.course_version),
             language.say(N_("Course type: %(type)s"),
                          type=course_type_name(cert.course_type, language)),
             language.say(N_("%(hours)s approved by %(approver)s"), hours=hours,
                          approver=cert.approved_by) if cert.approved_by else hours]
    if cert.cycle > 1:
        parts.append(language.say(N_("Renewal, certification cycle %(cycle)s"),
                                  cycle=cert.cycle))
    _write(pdf, "  \u00b7  ".join(parts), SUMMARY, _across(pdf, 100, 7))


def _draw_facts(pdf: FPDF, cert: CertificateData, language: CertificateLanguage) -> None:
    expiry = (format_date(cert.expires_on, language.locale) if cert.expires_on
              else language.say(N_("Does not expire")))
    facts = [
        (N_("Completed on"), format_date(cert.completed_on, language.locale)),
        (N_("Certification valid until"), expiry),
        (N_("CE hours earned"), format_ce_hours(cert.ce_hours, language)),
        (N_("Certificate code"), cert.certificate_code),
    ]
    width = 60
    left = pdf.w / 2 - width * len(facts) / 2
    for index, (label, value) in enumerate(facts):
        x = left + index * width
        _write(pdf, language.say(label).upper(), CAPTION, _Box(x, 110, width, 4))
        _write(pdf, value, FACT, _Box(x, 114.5, width, 7))
    split = ce_hours_split(cert.ce_hours, cert.hands_on_hours, cert.course_type, language)
    note = (N_("CE hours earned (%(split)s) do not expire; the certification is valid until "
               "the date above.") if cert.expires_on else
            N_("CE hours earned (%(split)s) do not expire."))
    _write(pdf, language.say(note, split=split), NOTE, _across(pdf, 123, 5))
    if cert.assessed_by:
        _write(pdf, language.say(N_("Practical skills assessed by %(names)s"),
                                 names=", ".join(cert.assessed_by)), NOTE,
               _across(pdf, 128.5, 5))


def _draw_signature(pdf: FPDF, cert: CertificateData, language: CertificateLanguage) -> None:
    x, w, top = 26.0, 72.0, pdf.h - 66
    if cert.signature_image:
        image = BytesIO(cert.signature_image)
        pdf.image(image, x=x + 6, y=top + 6, w=w - 12, h=19, keep_aspect_ratio=True)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.3)
    pdf.line(x, top + 27, x + w, top + 27)
    if cert.approved_by and not cert.signature_image and cert.signatory_name:
        # No scanned signature configured: the signatory's name, typed, is the e-signature.
        _write(pdf, f"/s/ {cert.signatory_name}", SIGNER, _Box(x, top + 16, w, 9))
    signer = cert.signatory_name or language.say(N_("Authorised signature"))
    signer_end = _write(pdf, signer, SIGNER, _Box(x, top + 28.5, w, 9), top=True)
    role = language.say(N_("On behalf of %(provider)s"), provider=cert.provider_name)
    _write(pdf, role, NOTE, _Box(x, signer_end + 1, w, top + 46 - signer_end), top=True)


def _draw_provider(pdf: FPDF, cert: CertificateData, language: CertificateLanguage,
                   centre: float) -> None:
    w = 86.0
    x, top = centre - w / 2, pdf.h - 58
    _write(pdf, language.say(N_("Issued by")).upper(), CAPTION, _Box(x, top + 4, w, 4))
    name_end = _write(pdf, cert.provider_name, PROVIDER, _Box(x, top + 8.5, w, 11), top=True)
    details = []
    if cert.provider_number and cert.approved_by:
        details.append(language.say(N_("%(approver)s Approved Provider number %(number)s"),
                                    approver=cert.approved_by, number=cert.provider_number))
    elif cert.provider_number:
        details.append(language.say(N_("Provider number %(number)s"),
                                    number=cert.provider_number))
    details += [cert.provider_contact] if cert.provider_contact else []
    box = _Box(x, name_end + 1.5, w, top + 33 - name_end)
    _write(pdf, "\n".join(details), PROVIDER_DETAILS, box, top=True)


def _draw_verification(pdf: FPDF, cert: CertificateData, language: CertificateLanguage) -> None:
    w, size = 70.0, 30.0
    x, top = pdf.w - 23 - w, pdf.h - 70
    _draw_qr(pdf, qr_code(cert.verify_url), x=x + (w - size) / 2, y=top, size=size)
    _write(pdf, language.say(N_("Verify this certificate at")).upper(), CAPTION,
           _Box(x, top + size + 2.5, w, 4))
    _write(pdf, cert.verify_url, URL, _Box(x, top + size + 6.5, w, 8))


def _draw_qr(pdf: FPDF, qr: segno.QRCode, x: float, y: float, size: float) -> None:
    # One filled path of horizontal runs: vector, crisp at any zoom, no seams between modules.
    rows = list(qr.matrix_iter(scale=1, border=0))
    module = size / len(rows)
    with pdf.new_path(paint_rule=PathPaintRule.FILL_NONZERO) as path:
        path.style.fill_color = DeviceRGB(*(c / 255 for c in INK))
        path.style.stroke_color = None
        for row_index, row in enumerate(rows):
            for start, length in _dark_runs(row):
                path.rectangle(x + start * module, y + row_index * module, length * module, module)


def _dark_runs(row: Iterable[int]) -> Iterator[tuple[int, int]]:
    start = None
    for index, dark in enumerate([*row, 0]):
        if dark and start is None:
            start = index
        elif not dark and start is not None:
            yield start, index - start
            start = None


def _draw_revoked_marking(pdf: FPDF, language: CertificateLanguage) -> None:
    cx, cy = pdf.w / 2, pdf.h / 2 + 4
    with pdf.local_context(fill_opacity=0.22, stroke_opacity=0.35), pdf.rotation(18, cx, cy):
        pdf.set_draw_color(*ALERT)
        pdf.set_line_width(2)
        pdf.rect(cx - 80, cy - 20, 160, 40)
        _write(pdf, language.say(N_("Revoked")).upper(), STAMP, _Box(cx - 80, cy - 18, 160, 32))
    notice = language.say(N_("REVOKED: this certificate has been revoked and is no longer "
                             "valid."))
    _write(pdf, notice, REVOKED_NOTICE, _across(pdf, pdf.h - 19.5, 6))


def _ornament(pdf: FPDF, cx: float, y: float) -> None:
    pdf.set_draw_color(*_colour(pdf, GOLD))
    pdf.set_fill_color(*_colour(pdf, GOLD))
    pdf.set_line_width(0.35)
    pdf.line(cx - 32, y, cx - 4, y)
    pdf.line(cx + 4, y, cx + 32, y)
    pdf.polygon([(cx - 2, y), (cx, y - 2), (cx + 2, y), (cx, y + 2)], style="F")


def _across(pdf: FPDF, y: float, h: float) -> _Box:
    return _Box(24, y, pdf.w - 48, h)


def _write(pdf: FPDF, text: str, kind: _Type, box: _Box, top: bool = False) -> float:
    """Write `text` centred in `box`, shrinking then wrapping so it never leaves the box.

    Returns the ordinate where the text ends. `top` pins the text to the top of the box
    instead of centring it vertically.
    """
    with pdf.local_context(char_spacing=kind.tracking):
        size, lines = _fit(pdf, text, kind, box)
        line_h = size * LEADING * PT
        pdf.set_text_color(*_colour(pdf, kind.color))
        y = box.y if top else box.y + (box.h - line_h * len(lines)) / 2
        for index, line in enumerate(lines):
            pdf.set_xy(box.x, y + index * line_h)
            pdf.cell(box.w, line_h, line, align="C")
    return y + line_h * len(lines)


def _fit(pdf: FPDF, text: str, kind: _Type, box: _Box) -> tuple[float, list[str]]:
    smallest = kind.smallest or kind.largest
    wrap_at = max(smallest, kind.wrap_at or kind.largest)
    size = kind.largest
    while True:
        pdf.set_font(FONT, "B" if kind.bold else "", size)
        line_h = size * LEADING * PT
        lines = pdf.multi_cell(box.w, line_h, text, dry_run=True, output=MethodReturnValue.LINES)
        may_wrap = size <= wrap_at or len(lines) == 1
        if (may_wrap and len(lines) * line_h <= box.h + 0.01) or size <= smallest:
            break
        size = max(smallest, size - 0.5)
    if len(lines) > 1:
        lines = _balanced(pdf, text, box.w, line_h, len(lines))
    room = max(1, int((box.h + 0.01) // line_h))
    if len(lines) > room:  # even the smallest size overflows: cut and mark the cut
        lines = lines[:room]
        last = lines[-1].rstrip()
        while last and pdf.get_string_width(last + "\u2026") > box.w:
            last = last[:-1]
        lines[-1] = last + "\u2026"
    return size, lines


def _balanced(pdf: FPDF, text: str, w: float, line_h: float, count: int) -> list[str]:
    # Find the narrowest measure that keeps the line count, so no lone word is left over.
    def wrap(width: float) -> list[str]:
        return pdf.multi_cell(width, line_h, text, dry_run=True, output=MethodReturnValue.LINES)

    narrow, wide = w / count, w
    while wide - narrow > 1:
        middle = (narrow + wide) / 2
        narrow, wide = (narrow, middle) if len(wrap(middle)) <= count else (middle, wide)
    return wrap(wide)
