"""Names and Role Provisioning: bring an LMS course's roster into the link's cohort, on demand.

Each active member is matched by `sub` (an account is made for someone new) and given the LMS
role's counterpart: learners are enrolled in the linked course within the LMS course's cohort,
instructors become instructors of it. Members the LMS lists as inactive or deleted are counted
and left as they are: their records stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from flask_babel import gettext as _
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from ...extensions import db
from ...models.integrations import LtiLink, LtiPlatform
from ...services.errors import NotFound, ServiceError
from ...services.records.audit import record_event
from ..http import BoundedSession
from . import identities
from .registrations import registration_for

MAX_MEMBERS = 5000


@dataclass
class RosterSync:
    """What a roster sync did."""

    learners: int = 0
    instructors: int = 0
    inactive: int = 0


def get_link(link_id: int) -> LtiLink:
    """A link by id; NotFound when there is none."""
    link = db.session.get(LtiLink, link_id)
    if link is None:
        raise NotFound(_("No such LMS link."))
    return link


def link_school(link: LtiLink) -> int | None:
    """The school whose LMS the link is in."""
    platform = db.session.get(LtiPlatform, link.platform_id)
    return platform.school_id if platform else None


def sync_roster(link_id: int, actor: str, config: Mapping[str, Any], now: datetime) -> RosterSync:
    """Read the LMS course's members and enrol them (see the module's docstring)."""
    link = get_link(link_id)
    platform = db.session.get(LtiPlatform, link.platform_id)
    if not link.memberships_url or link.course_id is None:
        raise ServiceError(_("The LMS did not offer its roster for this link (Names and Role "
                             "Provisioning is off in the tool's LMS settings)."))
    connector = ServiceConnector(registration_for(platform, config, now),
                                 requests_session=BoundedSession())
    service = NamesRolesProvisioningService(connector, {
        "context_memberships_url": link.memberships_url})
    try:
        members = service.get_members()[:MAX_MEMBERS]
    except (LtiException, requests.RequestException, AssertionError) as exc:
        raise ServiceError(_("The LMS did not give its roster: %(error)s",
                             error=str(exc)[:400])) from None
    result = RosterSync()
    for member in members:
        subject = str(member.get("user_id") or "")[:255]
        if not subject or member.get("status", "Active") != "Active":
            result.inactive += 1
            continue
        user = identities.user_for(platform, subject, identities.display_name(member, subject), now)
        role = identities.lms_role(member.get("roles") or [])
        identities.give_role(user, role, link.course_id, link.cohort_id, now)
        if role == "instructor":
            result.instructors += 1
        else:
            result.learners += 1
    record_event("lti.roster_synced", {"link": link.id, "learners": result.learners,
                                       "instructors": result.instructors,
                                       "inactive": result.inactive}, actor, now)
    db.session.commit()
    return result
