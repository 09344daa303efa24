"""Logging in with a school's OpenID provider ("Log in with <school login>")."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ...integrations.sso import login as sso_login
from ...integrations.sso import providers
from ...services.errors import ServiceError
from ..helpers import now, start_session

bp = Blueprint("sso", __name__, url_prefix="/login/sso")
PENDING_KEY = "sso_pending"


@bp.app_context_processor
def _login_buttons() -> dict:
    """`sso_providers()` for the login page's "Log in with ..." buttons."""
    return {"sso_providers": providers.login_buttons}


def _callback_url() -> str:
    return url_for("sso.callback", _external=True)


@bp.route("/<int:provider_id>")
def start(provider_id: int):
    """Send the browser to the school's provider (state, nonce and PKCE kept in the session).
    Someone logged in links the school login to their account this way."""
    link = current_user.id if current_user.is_authenticated else None
    url, pending = sso_login.begin(provider_id, _callback_url(), current_app.config, link)
    session[PENDING_KEY] = pending
    return redirect(url)


@bp.route("/callback")
def callback():
    """The provider's answer: check it, sign the person in (or refuse, on the login page)."""
    pending = session.pop(PENDING_KEY, None)
    if request.args.get("error"):
        return _refused(_("The school login was not completed (%(error)s).",
                          error=request.args["error"][:100]))
    try:
        user = sso_login.finish(pending, request.url, request.args.get("state"),
                                _callback_url(), current_app.config, now())
    except ServiceError as exc:
        return _refused(exc.message)
    linked = pending.get("link") is not None
    start_session(user)
    flash(_("Your school login is linked to this account.") if linked
          else _("Welcome, %(name)s!", name=user.name), "success")
    return redirect(url_for("learn.catalogue"))


def _refused(message: str):
    return render_template("integrations/sso_refused.html", message=message), 400
