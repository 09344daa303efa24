"""A school's integrations, for its admins: LMS registrations (LTI 1.3) with the tool
configuration to paste into Moodle and Canvas, and the school's login provider (OIDC)."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...integrations import secrets
from ...integrations.lti import registrations
from ...integrations.sso import providers
from ...services.errors import ServiceError
from ...services.records.audit import actor_of
from ...services.schools import schools
from ..helpers import now, roles_required
from .forms import LtiPlatformForm, SsoProviderForm

bp = Blueprint("integrations", __name__, url_prefix="/school/<slug>/integrations")


AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
CANVAS_SCOPES = [AGS + "lineitem", AGS + "lineitem.readonly", AGS + "result.readonly",
                 AGS + "score",
                 "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"]


def canvas_json(tool: dict[str, str], site_name: str) -> str:
    """Canvas's developer key configuration ("Paste JSON"), with deep-linking placements."""
    placements = [{"placement": placement, "message_type": "LtiDeepLinkingRequest",
                   "target_link_uri": tool["launch"]}
                  for placement in ("link_selection", "assignment_selection")]
    return json.dumps({
        "title": site_name, "description": "Trigger-point therapy CE courses and quizzes",
        "oidc_initiation_url": tool["login"], "target_link_uri": tool["launch"],
        "public_jwk_url": tool["key_set"], "scopes": CANVAS_SCOPES,
        "extensions": [{"platform": "canvas.instructure.com", "privacy_level": "public",
                        "domain": tool["domain"], "settings": {"placements": placements}}],
    }, indent=2)


def tool_configuration() -> dict[str, str]:
    """The addresses an LMS asks for when adding tpcourse as an external tool."""
    tool = _addresses()
    tool["canvas_json"] = canvas_json(tool, current_app.config.get("TPCOURSE_SITE_NAME",
                                                                   "tpcourse"))
    return tool


def _addresses() -> dict[str, str]:
    return {"login": url_for("lti.login", _external=True),
            "launch": url_for("lti.launch", _external=True),
            "key_set": url_for("lti.key_set", _external=True),
            "deep_link": url_for("lti.launch", _external=True),
            "domain": url_for("learn.catalogue", _external=True).split("/")[2],
            "sso_callback": url_for("sso.callback", _external=True)}


@bp.route("")
@roles_required("school_admin")
def index(slug: str):
    """The school's LMSs and login providers, and what to paste into the LMS."""
    school = schools.school_for(current_user, slug)
    return render_template("integrations/index.html", school=school,
                           platforms=registrations.platforms_of(school),
                           links=registrations.links_of(school),
                           providers=providers.providers_of(school), tool=tool_configuration(),
                           describe=secrets.describe)


@bp.route("/lti/new", methods=["GET", "POST"], defaults={"platform_id": None})
@bp.route("/lti/<int:platform_id>", methods=["GET", "POST"])
@roles_required("school_admin")
def platform(slug: str, platform_id: int | None):
    """Register an LMS, or change one."""
    school = schools.school_for(current_user, slug)
    existing = registrations.get_platform(school, platform_id) if platform_id else None
    form = LtiPlatformForm(obj=existing if request.method == "GET" else None)
    if existing is not None and request.method == "GET":
        form.deployment_ids.data = "\n".join(existing.deployment_ids or [])
    if form.validate_on_submit():
        try:
            registrations.save_platform(school, existing, form.values(), actor_of(current_user),
                                        now())
        except ServiceError as exc:
            form.form_errors.append(exc.message)
        else:
            flash(_("%(name)s is registered.", name=form.name.data), "success")
            return redirect(url_for(".index", slug=school.slug))
    return render_template("integrations/platform.html", school=school, form=form,
                           existing=existing, tool=tool_configuration()), \
        422 if form.errors or form.form_errors else 200


@bp.route("/sso/new", methods=["GET", "POST"], defaults={"provider_id": None})
@bp.route("/sso/<int:provider_id>", methods=["GET", "POST"])
@roles_required("school_admin")
def provider(slug: str, provider_id: int | None):
    """Set up the school's login provider, or change it."""
    school = schools.school_for(current_user, slug)
    existing = providers.get_provider(school, provider_id) if provider_id else None
    form = SsoProviderForm(obj=existing if request.method == "GET" else None)
    if existing is not None and request.method == "GET":
        form.client_secret.data = ""
    if form.validate_on_submit():
        try:
            providers.save_provider(school, existing, form.values(), current_app.config,
                                    actor_of(current_user), now())
        except ServiceError as exc:
            form.form_errors.append(exc.message)
        else:
            flash(_("%(name)s is set up.", name=form.name.data), "success")
            return redirect(url_for(".index", slug=school.slug))
    return render_template("integrations/provider.html", school=school, form=form,
                           existing=existing, tool=tool_configuration(),
                           secret=secrets.describe(existing.client_secret) if existing else None), \
        422 if form.errors or form.form_errors else 200
