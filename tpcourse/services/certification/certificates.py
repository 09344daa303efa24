"""Certificates of completion records: who issues them, their PDF, expiry and revocation."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, get_locale, get_translations, ngettext
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from ...extensions import db
from ...models import (
    CompletionRecord,
    Course,
    CourseVersion,
    Enrollment,
    EvaluationResponse,
    School,
    SkillSignoff,
    User,
)
from ...permissions.certification import (
    can_revoke_certificate,
    can_see_certificate,
    can_see_expiring,
)
from ...records.certificate import (
    DEFAULT_TEMPLATE,
    CertificateData,
    CertificateLanguage,
    CertificateTemplate,
    format_date,
    hex_colour,
    render_certificate_pdf,
)
from ..accounts.profile import reader_locale
from ..errors import Conflict, Forbidden, NotFound, ServiceError
from ..learning.translations import course_title
from ..records.audit import actor_of, record_event
from .completion import completion_status, find_by_code

PAGE_SIZES = {"a4": "A4", "letter": "Letter"}
EXPIRING_WINDOWS = (30, 60, 90)
SIGNATURE_SUFFIXES = (".png", ".jpg", ".jpeg")


def setting(name: str, default: str | None = None) -> str | None:
    """Read an optional setting from the app config, else the environment, else `default`."""
    value = current_app.config.get(name)
    if value in (None, ""):
        value = os.environ.get(name)
    return default if value in (None, "") else str(value)


@dataclass(frozen=True)
class Provider:
    """The CE provider named on a certificate: the trainee's school, or the site itself."""

    name: str
    number: str | None
    contact_lines: tuple[str, ...]
    signatory: str | None
    signature_image: bytes | None

    @property
    def contact(self) -> str | None:
        """The contact details on one line, e.g. "office@school.example · 1 High Street"."""
        return " · ".join(self.contact_lines) or None


def provider_for(school: School | None) -> Provider:
    """Return the provider for a trainee of `school` (None: the site's own provider settings)."""
    if school is None:
        return Provider(
            name=setting("TPCOURSE_PROVIDER_NAME", current_app.config["TPCOURSE_SITE_NAME"]),
            number=setting("TPCOURSE_PROVIDER_NUMBER"),
            contact_lines=tuple(line.strip() for line in
                                (setting("TPCOURSE_PROVIDER_CONTACT") or "").split(";")
                                if line.strip()),
            signatory=setting("TPCOURSE_SIGNATORY_NAME"),
            signature_image=_signature_image("site"))
    contact = tuple(part for part in (school.contact_email, school.contact_address) if part)
    return Provider(name=school.provider_name or school.name, number=school.provider_number,
                    contact_lines=contact, signatory=school.signatory_name,
                    signature_image=school.signature_image or _signature_image(school.slug))


def template_of(school: School | None) -> CertificateTemplate:
    """The school's certificate template (its colours, wording, logo, page size), else the
    default one."""
    if school is None:
        return DEFAULT_TEMPLATE
    chosen = school.certificate_template or {}
    try:
        accent = hex_colour(chosen["accent"]) if chosen.get("accent") else DEFAULT_TEMPLATE.accent
        secondary = hex_colour(chosen["secondary"]) if chosen.get("secondary") else \
            DEFAULT_TEMPLATE.secondary
    except ValueError:  # stored by an older form: fall back rather than fail a download
        accent, secondary = DEFAULT_TEMPLATE.accent, DEFAULT_TEMPLATE.secondary
    return CertificateTemplate(
        accent=accent, secondary=secondary,
        attestation=chosen.get("attestation") or DEFAULT_TEMPLATE.attestation,
        logo_image=school.logo_image, page_size=chosen.get("page_size") or "A4")


def provider_of(record: CompletionRecord) -> Provider:
    """Return who issues a record's certificate: for a course that claims CE approval, the
    Approved Provider named in its course.yaml; otherwise the trainee's school (or the site)."""
    approval = record.course_version.ce_approval
    if not approval:
        return provider_for(record.user.school)
    return Provider(name=approval["provider_name"], number=approval["provider_number"],
                    contact_lines=(approval["provider_contact"],),
                    signatory=approval["signatory"],
                    signature_image=_signature_image(f"course-{record.course_version.course.slug}"))


def assessors(record: CompletionRecord) -> tuple[str, ...]:
    """Return the names of the instructors who signed off the holder's practical skills."""
    names = db.session.execute(
        select(User.name).join(SkillSignoff, SkillSignoff.signed_by_id == User.id)
        .where(SkillSignoff.user_id == record.user_id,
               SkillSignoff.course_id == record.course_id)
        .order_by(SkillSignoff.signed_at, SkillSignoff.id)).scalars()
    return tuple(dict.fromkeys(names))


def _signature_image(stem: str) -> bytes | None:
    """Return `<TPCOURSE_SIGNATURES_DIR>/<stem>.png` (or .jpg), if that folder is configured."""
    folder = setting("TPCOURSE_SIGNATURES_DIR")
    if not folder:
        return None
    for suffix in SIGNATURE_SUFFIXES:
        path = Path(folder) / f"{stem}{suffix}"
        if path.is_file():
            return path.read_bytes()
    return None


def verify_url(code: str) -> str:
    """Return the public verification address printed on the certificate (TPCOURSE_SITE_URL)."""
    return current_app.config["TPCOURSE_SITE_URL"].rstrip("/") + "/verify/" + code


def certificate_data(record: CompletionRecord) -> CertificateData:
    """Build what the certificate prints from a completion record and its holder's school, the
    course's title in the language being written (the holder's, under `issue_pdf`)."""
    version = record.course_version
    provider = provider_of(record)
    return CertificateData(
        holder_name=record.user.name, course_title=course_title(version, str(get_locale() or "en")),
        course_version=version.version, course_type=version.course_type,
        ce_hours=record.ce_hours, completed_on=record.completed_at.date(),
        expires_on=record.expires_at.date() if record.expires_at else None,
        certificate_code=record.certificate_code, provider_name=provider.name,
        provider_number=provider.number,
        provider_contact="\n".join(provider.contact_lines) or None,
        signatory_name=provider.signatory, signature_image=provider.signature_image,
        verify_url=verify_url(record.certificate_code), revoked=record.revoked_at is not None,
        hands_on_hours=(record.hands_on_hours if record.hands_on_hours is not None
                        else min(version.hands_on_ce_hours or 0.0, record.ce_hours)),
        approved_by=(version.ce_approval or {}).get("approver"), assessed_by=assessors(record),
        # An approved course is issued by its Approved Provider: the default look, not a
        # school's.
        template=None if version.ce_approval else template_of(record.user.school),
        cycle=record.cycle or 1)


def page_size_of(value: str | None) -> str:
    """Return "A4" or "Letter" for a case-insensitive choice (A4 when none is given)."""
    size = PAGE_SIZES.get((value or "a4").strip().lower())
    if size is None:
        raise ServiceError(_("Choose the page size A4 or Letter."))
    return size


@dataclass(frozen=True)
class Expiry:
    """A certificate's status at a moment, with whole calendar days (UTC) until it expires."""

    status: str  # valid | expired | revoked
    expires_on: date | None
    days_left: int | None  # None when it never expires, or is revoked

    @property
    def label(self) -> str:
        """Say it in words, in the reader's language: "expires in 12 days", "expires today",
        "expired on 2 March 2027"."""
        if self.status == "revoked":
            return _("revoked")
        if self.expires_on is None:
            return _("does not expire")
        if self.status == "expired":
            return _("expired on %(day)s",
                     day=format_date(self.expires_on, str(get_locale() or "en")))
        if self.days_left == 0:
            return _("expires today")
        return ngettext("expires in %(num)d day", "expires in %(num)d days", self.days_left or 0)


def expiry_of(record: CompletionRecord, now: datetime) -> Expiry:
    """Return the record's status at `now` and the days left before it expires."""
    status = record.status(now)
    expires_on = record.expires_at.date() if record.expires_at else None
    days_left = None
    if status == "valid" and expires_on is not None:
        days_left = (expires_on - now.astimezone(UTC).date()).days
    return Expiry(status, expires_on, days_left)


def visible_record(viewer: User, code: str) -> CompletionRecord:
    """Return the certificate with `code` if `viewer` may see it; 404 otherwise (no leak)."""
    record = find_by_code(code)
    if record is None or not can_see_certificate(viewer, record.user_id, record.user.school_id):
        raise NotFound(_("No certificate of yours has this code."))
    return record


def revocable_record(viewer: User, code: str) -> CompletionRecord:
    """Return the certificate if `viewer` may revoke it: 404 if unseen, 403 for its holder."""
    record = visible_record(viewer, code)
    if not can_revoke_certificate(viewer, record.user.school_id):
        raise Forbidden(_("Only the issuing school's admins can revoke a certificate."))
    return record


def issue_pdf(record: CompletionRecord, page_size: str, actor: User | None,
              now: datetime) -> bytes:
    """Render the record's certificate as a PDF (same code every time), in its holder's
    language, and log the issue."""
    with force_locale(reader_locale(record.user)):
        pdf = render_certificate_pdf(certificate_data(record), page_size,  # type: ignore[arg-type]
                                     certificate_language())
    record_event("certificate.issued", {
        "record": record.id, "certificate_code": record.certificate_code,
        "page_size": page_size, "revoked": record.revoked_at is not None}, actor_of(actor), now)
    db.session.commit()
    return pdf


def preview_pdf(school: School, page_size: str | None, now: datetime) -> bytes:
    """A sample certificate in the school's template, for its admins to check before use."""
    provider = provider_for(school)
    template = template_of(school)
    sample = CertificateData(
        holder_name=_("Sample Trainee (preview)"), course_title=_("Sample course"),
        course_version=1, course_type="Home Study", ce_hours=2.5, completed_on=now.date(),
        expires_on=None, certificate_code="TP-SAMP-LEPR-EVIE-WONL-Y000",
        provider_name=provider.name, provider_number=provider.number,
        provider_contact="\n".join(provider.contact_lines) or None,
        signatory_name=provider.signatory, signature_image=provider.signature_image,
        verify_url=verify_url("TP-SAMP-LEPR-EVIE-WONL-Y000"), template=template)
    return render_certificate_pdf(sample, page_size_of(page_size or template.page_size),  # type: ignore[arg-type]
                                  certificate_language())


def certificate_language() -> CertificateLanguage:
    """The language Flask-Babel writes in now (the request's, or one `force_locale` chose),
    for the pure certificate renderer: plain catalogue look-ups and the locale."""
    catalogue = get_translations()
    return CertificateLanguage(catalogue.ugettext, catalogue.ungettext,
                               str(get_locale() or "en"))


def certificate_pdf(viewer: User, code: str, page_size: str | None,
                    now: datetime) -> tuple[CompletionRecord, bytes]:
    """Return the record and its PDF for a viewer allowed to download it (no size given: the
    school template's page size)."""
    record = visible_record(viewer, code)
    size = page_size_of(page_size or template_of(record.user.school).page_size)
    return record, issue_pdf(record, size, viewer, now)


def reissue(code: str, page_size: str | None, now: datetime) -> tuple[CompletionRecord, bytes]:
    """Re-issue a certificate from the command line: the same code, the holder's current name."""
    size = page_size_of(page_size)
    record = find_by_code(code)
    if record is None:
        raise NotFound(_("No certificate has the code %(code)s.", code=code))
    return record, issue_pdf(record, size, None, now)


def revoke(actor: User | None, code: str, reason: str, now: datetime) -> CompletionRecord:
    """Revoke a certificate with a reason (actor None: the command line); logged, not undone."""
    record = db.session.execute(
        select(CompletionRecord).where(CompletionRecord.certificate_code == code.strip().upper())
        .with_for_update(of=CompletionRecord)).scalar_one_or_none()
    if record is None or (actor is not None and not can_see_certificate(
            actor, record.user_id, record.user.school_id)):
        raise NotFound(_("No certificate has this code."))
    if actor is not None and not can_revoke_certificate(actor, record.user.school_id):
        raise Forbidden(_("Only the issuing school's admins can revoke a certificate."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ServiceError(_("Give the reason for revoking; it is kept in the record."))
    if record.revoked_at is not None:
        raise Conflict(_("This certificate was already revoked on %(day)s.",
                         day=format_date(record.revoked_at.date(), str(get_locale() or "en"))))
    record.revoked_at, record.revoked_reason = now, reason[:500]
    record_event("certificate.revoked", {
        "record": record.id, "certificate_code": record.certificate_code,
        "reason": record.revoked_reason}, actor_of(actor), now)
    from ..notifications import announce

    announce.completion_revoked(record, now)
    db.session.commit()
    return record


@dataclass(frozen=True)
class ExpiringCertificate:
    """A valid certificate that expires within the window asked for."""

    record: CompletionRecord
    expiry: Expiry


def expiring_window(value: str | None) -> int:
    """Return the window in days (30, 60 or 90; 30 when none is given)."""
    try:
        days = int(value) if value else EXPIRING_WINDOWS[0]
    except ValueError:
        days = -1
    if days not in EXPIRING_WINDOWS:
        raise ServiceError(_("Choose 30, 60 or 90 days."))
    return days


EXPIRING_PER_PAGE = 50


@dataclass(frozen=True)
class ExpiringPage:
    """One page of the certificates expiring soon, soonest first."""

    rows: list[ExpiringCertificate]
    page: int
    pages: int
    total: int


def expiring(viewer: User, days: int, now: datetime, page: int = 1) -> ExpiringPage:
    """Return a page of the valid certificates expiring within `days` calendar days, soonest
    first (two statements, however many there are).

    School admins see their own school's trainees; admins see everyone's.
    """
    if not can_see_expiring(viewer):
        raise Forbidden(_("Only school admins see expiring certificates."))
    today = now.astimezone(UTC).date()
    cutoff = datetime.combine(today + timedelta(days=days + 1), datetime.min.time(), UTC)
    query = (select(CompletionRecord).join(User, User.id == CompletionRecord.user_id)
             .where(CompletionRecord.revoked_at.is_(None), CompletionRecord.expires_at > now,
                    CompletionRecord.expires_at < cutoff))
    if viewer.role != "admin":
        query = query.where(User.school_id == viewer.school_id)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // EXPIRING_PER_PAGE))
    page = min(max(page, 1), pages)
    records = db.session.execute(
        query.order_by(CompletionRecord.expires_at, CompletionRecord.id)
        .limit(EXPIRING_PER_PAGE).offset((page - 1) * EXPIRING_PER_PAGE)).scalars().all()
    return ExpiringPage([ExpiringCertificate(record, expiry_of(record, now))
                         for record in records], page, pages, total)


@dataclass(frozen=True)
class CourseInProgress:
    """A course a trainee is enrolled in without a completion record yet, and what is left."""

    version: CourseVersion
    missing: list[str]
    has_evaluation: bool
    evaluated: bool
    skills_signed: int
    skills_total: int


def courses_in_progress(user: User) -> list[CourseInProgress]:
    """Return the user's unfinished courses with what still stands between them and a record."""
    course_ids = db.session.execute(
        select(Enrollment.course_id).where(
            Enrollment.user_id == user.id,
            ~exists().where(CompletionRecord.user_id == user.id,
                            CompletionRecord.course_id == Enrollment.course_id))
        .order_by(Enrollment.enrolled_at)).scalars().all()
    progress = []
    for course_id in course_ids:
        version = db.session.execute(
            select(CourseVersion).join(Course, Course.id == CourseVersion.course_id)
            .where(Course.id == course_id, CourseVersion.version == Course.current_version)
        ).scalar_one()
        signed = set(db.session.execute(select(SkillSignoff.skill_key).filter_by(
            user_id=user.id, course_id=course_id)).scalars())
        evaluated = db.session.execute(select(EvaluationResponse.id).filter_by(
            user_id=user.id, course_id=course_id)).first() is not None
        keys = [skill["key"] for skill in version.practical_skills or []]
        progress.append(CourseInProgress(
            version, completion_status(user, course_id).missing, bool(version.evaluation),
            evaluated, len(signed & set(keys)), len(keys)))
    return progress
