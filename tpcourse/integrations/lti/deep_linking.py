"""Deep linking: an LMS instructor picks tpcourse content, and the LMS gets links to it.

The picked targets go back as `ltiResourceLink` items in a response signed with the tool's key
(pylti1p3's DeepLink), each naming its target in the custom parameter `target`, with a line item
(out of 100) when it has a quiz, so the LMS makes a gradebook column for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from ...extensions import db
from ...models.integrations import LtiPlatform
from ...services.errors import NotFound, ServiceError
from . import targets
from .registrations import registration_for

SCORE_MAXIMUM = 100


def settings_to_keep(settings: Mapping[str, Any], platform_id: int,
                     deployment_id: str) -> dict[str, Any]:
    """What the picker must remember of a deep-linking request between its two pages."""
    accept = settings.get("accept_types") or ["ltiResourceLink"]
    return {"platform": platform_id, "deployment": deployment_id,
            "return_url": str(settings.get("deep_link_return_url") or ""),
            "data": settings.get("data"), "multiple": bool(settings.get("accept_multiple", True)),
            "links": "ltiResourceLink" in accept}


def resource_for(target: targets.Target, launch_url: str) -> DeepLinkResource:
    """The content item for one target: a resource link, graded when it has a quiz."""
    resource = (DeepLinkResource().set_url(launch_url).set_title(target.title)
                .set_custom_params({targets.TARGET_PARAMETER: target.key}))
    if target.quiz_id is not None:
        resource.set_lineitem(LineItem().set_score_maximum(SCORE_MAXIMUM).set_label(target.title)
                              .set_resource_id(target.key))
    return resource


def response_jwt(kept: Mapping[str, Any], keys: Sequence[str], launch_url: str,
                 config: Mapping[str, Any], now: datetime) -> tuple[str, str]:
    """Sign the response for the picked target keys; return (the LMS's return URL, the JWT)."""
    if not kept.get("links") or not kept.get("return_url"):
        raise ServiceError(_("This LMS did not ask for links, so there is nothing to send back."))
    picked = [targets.resolve(key) for key in keys]
    if not picked or any(target is None for target in picked):
        raise ServiceError(_("Choose at least one course, module or quiz."))
    if len(picked) > 1 and not kept.get("multiple"):
        raise ServiceError(_("This LMS takes one item at a time: choose one."))
    platform = db.session.get(LtiPlatform, int(kept["platform"]))
    if platform is None or not platform.active:
        raise NotFound(_("This LMS is no longer registered."))
    link = DeepLink(registration_for(platform, config, now), str(kept["deployment"]),
                    {"deep_link_return_url": kept["return_url"], "data": kept.get("data")})
    return kept["return_url"], link.get_response_jwt(
        [resource_for(target, launch_url) for target in picked])
