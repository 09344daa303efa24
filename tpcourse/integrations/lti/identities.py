"""Who a platform's user is in tpcourse: matched by the platform and its `sub` (never by email),
created when new, and given the LMS role's counterpart in the linked course."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ...extensions import db
from ...models import Cohort, CourseInstructor, Enrollment, User
from ...models.integrations import LtiIdentity, LtiLink, LtiPlatform
from ...services.schools.cohorts import new_invite_code

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
TEACHING_ROLES = frozenset({
    LIS + "membership#Instructor", LIS + "membership#ContentDeveloper",
    LIS + "membership#Administrator", LIS + "membership/Instructor#TeachingAssistant",
    LIS + "institution/person#Administrator", LIS + "system/person#Administrator",
    "Instructor", "ContentDeveloper", "Administrator",
})
LEARNER_ROLES = frozenset({LIS + "membership#Learner", "Learner"})
PLACEHOLDER_DOMAIN = "lti.invalid"


def lms_role(roles: Iterable[str]) -> str:
    """tpcourse's counterpart of a user's LMS roles: `instructor` for teaching roles (Instructor,
    Content developer, Administrator, Teaching assistant), else `trainee`."""
    return "instructor" if any(role in TEACHING_ROLES for role in roles or ()) else "trainee"


def display_name(claims: dict, subject: str) -> str:
    """The person's name as the LMS gives it, or a stand-in naming the LMS account."""
    name = (claims.get("name") or " ".join(
        part for part in (claims.get("given_name"), claims.get("family_name")) if part)).strip()
    return (name or f"LMS user {subject[:12]}")[:200]


def placeholder_email(platform_id: int, subject: str) -> str:
    """An address that is the account's key and reaches nobody: the LMS's email is not trusted
    to own an account here (anyone can type any address into an LMS profile)."""
    digest = hashlib.sha256(subject.encode()).hexdigest()[:20]
    return f"lti-{platform_id}-{digest}@{PLACEHOLDER_DOMAIN}"


def user_for(platform: LtiPlatform, subject: str, name: str, now: datetime) -> User:
    """The account of a platform's user, made on the first launch (not committed)."""
    identity = db.session.execute(select(LtiIdentity).where(
        LtiIdentity.platform_id == platform.id, LtiIdentity.subject == subject)
    ).scalar_one_or_none()
    if identity is not None:
        identity.last_launch_at = now
        return db.session.get(User, identity.user_id)
    user = User(email=placeholder_email(platform.id, subject), name=name, role="trainee",
                school_id=platform.school_id, created_at=now,
                password_hash=generate_password_hash(secrets.token_urlsafe(32)))
    db.session.add(user)
    db.session.flush()
    db.session.add(LtiIdentity(platform_id=platform.id, subject=subject, user_id=user.id,
                               created_at=now, last_launch_at=now))
    return user


def cohort_for(platform: LtiPlatform, context_id: str | None, context_title: str,
               course_id: int, now: datetime) -> int | None:
    """The school's cohort for an LMS course and a tpcourse course, made on first use."""
    if not context_id:
        return None
    existing = db.session.execute(select(LtiLink.cohort_id).where(
        LtiLink.platform_id == platform.id, LtiLink.context_id == context_id,
        LtiLink.course_id == course_id, LtiLink.cohort_id.is_not(None)).limit(1)).scalar()
    if existing is not None:
        return existing
    cohort = Cohort(school_id=platform.school_id, course_id=course_id,
                    name=f"{context_title or context_id} ({platform.name})"[:200],
                    invite_code=new_invite_code(), created_at=now)
    db.session.add(cohort)
    db.session.flush()
    return cohort.id


def give_role(user: User, role: str, course_id: int, cohort_id: int | None,
              now: datetime) -> None:
    """Learner: enrolled in the course (in the LMS course's cohort). Instructor: an instructor of
    the course (a trainee account becomes an instructor; no account is ever demoted)."""
    if role == "instructor":
        if db.session.get(CourseInstructor, (user.id, course_id)) is None:
            db.session.add(CourseInstructor(user_id=user.id, course_id=course_id))
        if user.role == "trainee":
            user.role = "instructor"
        return
    enrollment = db.session.execute(select(Enrollment).where(
        Enrollment.user_id == user.id, Enrollment.course_id == course_id)).scalar_one_or_none()
    if enrollment is None:
        db.session.add(Enrollment(user_id=user.id, course_id=course_id, cohort_id=cohort_id,
                                  enrolled_at=now))
    elif enrollment.cohort_id is None and cohort_id is not None:
        enrollment.cohort_id = cohort_id
