"""A school as the issuer of its Open Badges credentials: its issuer profile (id, name, web
address, email, provider number, signatory), the achievement criteria of each course version,
and the school admin's edits to the profile."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, select

from ...extensions import db
from ...grading.completion import criteria_text
from ...models import Course, CourseVersion, Lesson, Module, School
from ...records.badges import issuer_profile
from ...records.rows import CompletionRow, Issuer
from ..errors import NotFound, ServiceError
from ..records.audit import record_event


def issuer_id(school_slug: str, site_url: str) -> str:
    """The school's issuer id: the URL its Open Badges Profile is served at."""
    return f"{site_url.rstrip('/')}/issuers/{school_slug}"


def issuer_for(school: School, site_url: str) -> Issuer:
    """The Open Badges issuer: the school, under its own issuer id and profile."""
    site = site_url.rstrip("/")
    has_logo = db.session.execute(select(School.logo_image.is_not(None))
                                  .where(School.id == school.id)).scalar()
    return Issuer(name=school.provider_name or school.name, url=school.website_url or site,
                  provider_number=school.provider_number, contact_email=school.contact_email,
                  id=issuer_id(school.slug, site), site=site, official=school.signatory_name,
                  image=f"{issuer_id(school.slug, site)}/logo.png" if has_logo else None)


def issuer_document(school_slug: str, site_url: str) -> dict[str, Any]:
    """The school's issuer Profile as JSON-LD (public: what every credential of it embeds)."""
    school = db.session.execute(select(School).filter_by(slug=school_slug)).scalar_one_or_none()
    if school is None:
        raise NotFound(_("No such issuer."))
    return {"@context": ["https://www.w3.org/ns/credentials/v2",
                         "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            **issuer_profile(issuer_for(school, site_url))}


def criteria_for(course_slug: str, version_number: int, issuer_name: str) -> str | None:
    """What earned a certificate of this course version, in words (two small queries)."""
    version = db.session.execute(
        select(CourseVersion).join(Course, Course.id == CourseVersion.course_id)
        .where(Course.slug == course_slug, CourseVersion.version == version_number)
    ).scalar_one_or_none()
    if version is None:
        return None
    lessons, quizzes = db.session.execute(
        select(func.count(Lesson.id.distinct()), func.count(Module.quiz_slug.distinct()))
        .select_from(Module).outerjoin(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_version_id == version.id)).one()
    return criteria_text(version.completion or {}, lessons=lessons, module_quizzes=quizzes,
                         final_exam=bool(version.final_exam_slug),
                         skills=[skill["text"] for skill in version.practical_skills or []],
                         evaluation=bool(version.evaluation), issuer=issuer_name)


def with_criteria(rows: Iterable[CompletionRow], issuer_name: str) -> Iterator[CompletionRow]:
    """The rows with their course version's criteria (read once per course version)."""
    known: dict[tuple[str, int], str | None] = {}
    for row in rows:
        key = (row.course_slug, row.course_version)
        if key not in known:
            known[key] = criteria_for(*key, issuer_name)
        yield replace(row, criteria=known[key])


def _url(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > 300:
        raise ServiceError(_("Enter the school's web address starting with https://."))
    return text


def update_profile(school: School, *, name: str, website_url: str, email: str,
                   provider_number: str, signatory: str, actor: str | None,
                   now: datetime) -> School:
    """Save the school's issuer profile (school admins); audited as `school.issuer_updated`."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise ServiceError(_("Enter the name your credentials are issued under (200 characters "
                             "at most)."))
    email = email.strip()
    if email and ("@" not in email or len(email) > 254):
        raise ServiceError(_("Enter an email address, or leave it empty."))
    school.provider_name = name
    school.website_url = _url(website_url)
    school.contact_email = email or None
    school.provider_number = provider_number.strip()[:60] or None
    school.signatory_name = " ".join(signatory.split())[:200] or None
    record_event("school.issuer_updated", {
        "school": school.id, "name": school.provider_name, "url": school.website_url,
        "email": school.contact_email, "provider_number": school.provider_number,
        "signatory": school.signatory_name}, actor, now)
    db.session.commit()
    return school


MAX_IMAGE_BYTES = 512 * 1024
MAX_IMAGE_SIDE = 3000
PAGE_SIZES = ("A4", "Letter")


def _image_problem(what: str, problem: str) -> ServiceError:
    """The sentence for a problem with the uploaded logo or signature image."""
    values = {"kb": MAX_IMAGE_BYTES // 1024, "pixels": MAX_IMAGE_SIDE}
    sentences = {
        ("logo", "large"): _("The logo is too large: at most %(kb)s kB.", **values),
        ("logo", "format"): _("The logo must be a PNG or JPEG image."),
        ("logo", "side"): _("The logo is too big: at most %(pixels)s pixels a side.", **values),
        ("logo", "unreadable"): _("The logo is not an image this site can read (PNG or JPEG)."),
        ("signature image", "large"): _("The signature image is too large: at most %(kb)s kB.",
                                        **values),
        ("signature image", "format"): _("The signature image must be a PNG or JPEG image."),
        ("signature image", "side"): _("The signature image is too big: at most %(pixels)s "
                                       "pixels a side.", **values),
        ("signature image", "unreadable"): _("The signature image is not an image this site "
                                             "can read (PNG or JPEG)."),
    }
    return ServiceError(sentences[what, problem])


def clean_image(data: bytes, what: str) -> bytes:
    """Check an uploaded logo or signature image (`what`: "logo" or "signature image"; PNG or
    JPEG, bounded) and return it re-encoded as PNG, so nothing but pixels is kept;
    ServiceError with a sentence otherwise."""
    from io import BytesIO

    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise _image_problem(what, "large")
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG"):
                raise _image_problem(what, "format")
            if max(image.size) > MAX_IMAGE_SIDE:
                raise _image_problem(what, "side")
            image.load()
            out = BytesIO()
            image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB").save(out, "PNG")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise _image_problem(what, "unreadable") from None
    return out.getvalue()


def update_images(school: School, *, logo: bytes | None, signature: bytes | None,
                  remove_logo: bool, remove_signature: bool, actor: str | None,
                  now: datetime) -> School:
    """Replace or remove the school's logo and signature images (audited)."""
    if logo:
        school.logo_image = clean_image(logo, "logo")
    elif remove_logo:
        school.logo_image = None
    if signature:
        school.signature_image = clean_image(signature, "signature image")
    elif remove_signature:
        school.signature_image = None
    record_event("school.images_updated", {
        "school": school.id, "logo": bool(logo) or (None if remove_logo else False),
        "signature": bool(signature) or (None if remove_signature else False)}, actor, now)
    db.session.commit()
    return school


def update_template(school: School, *, accent: str, secondary: str, attestation: str,
                    page_size: str, actor: str | None, now: datetime) -> School:
    """Save the school's certificate template (colours #rrggbb, the attestation's wording,
    the default page size); empty fields keep the default look. Audited."""
    from ...records.certificate import hex_colour

    chosen: dict[str, str] = {}
    for key, value in (("accent", accent), ("secondary", secondary)):
        value = value.strip()
        if value:
            try:
                hex_colour(value)
            except ValueError:
                raise ServiceError(_("Write colours as #rrggbb, e.g. #1b3a5e.")) from None
            chosen[key] = value.lower()
    attestation = " ".join(attestation.split())
    if len(attestation) > 120:
        raise ServiceError(_("Keep the attestation to 120 characters: it is one line."))
    if attestation:
        chosen["attestation"] = attestation
    if page_size not in PAGE_SIZES:
        raise ServiceError(_("Choose the page size A4 or Letter."))
    chosen["page_size"] = page_size
    school.certificate_template = chosen
    record_event("school.certificate_template_updated", {"school": school.id, **chosen},
                 actor, now)
    db.session.commit()
    return school


def logo_of(school_slug: str) -> bytes:
    """The school's logo (PNG) as served publicly with its issuer profile; NotFound if none."""
    logo = db.session.execute(select(School.logo_image).filter_by(slug=school_slug)).scalar()
    if not logo:
        raise NotFound(_("No logo."))
    return logo
