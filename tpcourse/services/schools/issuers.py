"""A school as the issuer of its Open Badges credentials: its issuer profile (id, name, web
address, email, provider number, signatory), the achievement criteria of each course version,
and the school admin's edits to the profile."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

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
    return Issuer(name=school.provider_name or school.name, url=school.website_url or site,
                  provider_number=school.provider_number, contact_email=school.contact_email,
                  id=issuer_id(school.slug, site), site=site, official=school.signatory_name)


def issuer_document(school_slug: str, site_url: str) -> dict[str, Any]:
    """The school's issuer Profile as JSON-LD (public: what every credential of it embeds)."""
    school = db.session.execute(select(School).filter_by(slug=school_slug)).scalar_one_or_none()
    if school is None:
        raise NotFound("No such issuer.")
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
        raise ServiceError("Enter the school's web address starting with https://.")
    return text


def update_profile(school: School, *, name: str, website_url: str, email: str,
                   provider_number: str, signatory: str, actor: str | None,
                   now: datetime) -> School:
    """Save the school's issuer profile (school admins); audited as `school.issuer_updated`."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise ServiceError("Enter the name your credentials are issued under (200 characters "
                           "at most).")
    email = email.strip()
    if email and ("@" not in email or len(email) > 254):
        raise ServiceError("Enter an email address, or leave it empty.")
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
