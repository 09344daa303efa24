"""Schools (CE providers) and who belongs to them: admin-side management and access checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ...extensions import db
from ...models import ROLES, School, User
from ...permissions import roles as permissions
from ..errors import Conflict, NotFound, ServiceError
from ..records.audit import record_event

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")
SCHOOL_FIELDS = ("slug", "name", "provider_name", "provider_number", "contact_email",
                 "contact_address", "signatory_name")
USERS_PER_PAGE = 50
RESERVED_SLUGS = {"join"}  # /school/join is the invite form


def school_by_slug(slug: str) -> School:
    """Return the school with this slug, or NotFound."""
    school = db.session.execute(select(School).where(School.slug == slug)).scalar_one_or_none()
    if school is None:
        raise NotFound(_("No school with slug '%(slug)s'.", slug=slug))
    return school


def get_school(school_id: int) -> School:
    """Return a school by id, or NotFound."""
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound(_("No such school."))
    return school


def school_for(user: Any, slug: str) -> School:
    """Return the school if the user may see it; another school's is NotFound, not Forbidden.

    A school admin's own school came with their account (joined on load): no second query.
    """
    own = getattr(user, "school", None)
    school = own if own is not None and own.slug == slug else db.session.execute(
        select(School).where(School.slug == slug)).scalar_one_or_none()
    if school is None or not permissions.can_see_school(user, school.id):
        raise NotFound(_("No such school."))
    return school


def all_schools() -> list[School]:
    """Return every school by name."""
    return list(db.session.execute(select(School).order_by(School.name)).scalars())


def _clean(details: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: (details.get(name) or "").strip() or None for name in SCHOOL_FIELDS}
    if not cleaned["name"]:
        raise ServiceError(_("Give the school a name."))
    if not cleaned["slug"] or not SLUG.match(cleaned["slug"]):
        raise ServiceError(_("Use lower-case letters, digits and hyphens for the slug "
                             "(e.g. north-shore)."))
    if cleaned["slug"] in RESERVED_SLUGS:
        raise Conflict(_("The slug '%(slug)s' is reserved: choose another.",
                           slug=cleaned["slug"]))
    return cleaned


def save_school(school: School | None, details: dict[str, Any], actor: str | None,
                now: datetime) -> School:
    """Create a school (school=None) or update one; the slug must stay unique."""
    cleaned = _clean(details)
    taken = db.session.execute(select(School.id).where(School.slug == cleaned["slug"])).scalar()
    if taken is not None and (school is None or taken != school.id):
        raise Conflict(_("Another school already uses the slug '%(slug)s'.",
                           slug=cleaned["slug"]))
    kind = "school.updated" if school is not None else "school.created"
    if school is None:
        school = School(created_at=now)
        db.session.add(school)
    for name, value in cleaned.items():
        setattr(school, name, value)
    db.session.flush()
    record_event(kind, {"school": school.id, **cleaned}, actor, now)
    db.session.commit()
    return school


@dataclass(frozen=True)
class UserPage:
    """One page of the user list."""

    users: list[User]
    page: int
    pages: int
    total: int


def list_users(search: str = "", page: int = 1, school_id: int | None = None,
               role: str | None = None) -> UserPage:
    """Return a page of accounts, matching `search` in name or email, newest first."""
    query = select(User)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern),
                                func.lower(User.email).like(pattern)))
    if school_id is not None:
        query = query.where(User.school_id == school_id)
    if role is not None:
        query = query.where(User.role == role, User.deleted_at.is_(None))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // USERS_PER_PAGE))
    page = min(max(page, 1), pages)
    users = list(db.session.execute(
        query.order_by(User.created_at.desc(), User.id.desc())
        .limit(USERS_PER_PAGE).offset((page - 1) * USERS_PER_PAGE)).scalars())
    return UserPage(users, page, pages, total)


def get_user(user_id: int) -> User:
    """Return an account by id, or NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such account."))
    return user


def assign_user(user: User, role: str, school_id: int | None, actor: str | None,
                now: datetime) -> User:
    """Set an account's role and school; a school admin must belong to a school."""
    if role not in ROLES:
        raise ServiceError(_("Role must be one of: %(roles)s.", roles=", ".join(ROLES)))
    if user.deleted_at is not None:
        raise Conflict(_("This account was deleted; it keeps only its records."))
    if school_id is not None and db.session.get(School, school_id) is None:
        raise NotFound(_("No such school."))
    if role == "school_admin" and school_id is None:
        raise ServiceError(_("A school admin needs a school: choose one."))
    changes = {"role": [user.role, role], "school": [user.school_id, school_id]}
    user.role, user.school_id = role, school_id
    record_event("account.updated", {"user": user.id, **changes}, actor, now)
    db.session.commit()
    return user
