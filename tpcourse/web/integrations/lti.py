"""LTI 1.3 endpoints: login initiation, launch, the tool's key set, the deep-linking picker, and
the LMS link page (scores sent, roster sync) for the course's instructors and school admins."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from pylti1p3.contrib.flask import FlaskCookieService, FlaskRequest

from ...extensions import csrf
from ...integrations.lti import deep_linking, grades, keys, roster, targets
from ...integrations.lti import jobs as lti_jobs
from ...integrations.lti.launch import accept_launch, start_login
from ...permissions.integrations import can_manage_link
from ...services.errors import ServiceError
from ...services.learning import learning
from ...services.records.audit import actor_of
from ..helpers import now, start_session
from . import frame

bp = Blueprint("lti", __name__, url_prefix="/lti")
bp.record_once(lambda state: frame.install(state.app))
bp.after_app_request(frame.after_request)
DEEP_LINK_KEY = "lti_deep_link"
COOKIE_PATH = "/lti/"


class StateCookies(FlaskCookieService):
    """pylti1p3's state cookie, kept to the LTI path (and SameSite=None over HTTPS)."""

    def update_response(self, response) -> None:
        for key, data in self._cookie_data_to_set.items():
            secure = bool(self._request.is_secure())
            response.set_cookie(key, data["value"], max_age=data["exp"], path=COOKIE_PATH,
                                secure=secure, httponly=True, samesite="None" if secure else "Lax")


def _lti_request() -> FlaskRequest:
    return FlaskRequest(request_is_secure=request.is_secure
                        or current_app.config.get("SESSION_COOKIE_SECURE", False))


def launch_url() -> str:
    """The address platforms send launches to (the registered redirect URI)."""
    return url_for("lti.launch", _external=True)


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt  # a platform's cross-site request; its state and nonce are the defence
def login():
    """OIDC login initiation: send the browser to the platform with a new state and nonce."""
    lti_request = _lti_request()
    cookies = StateCookies(lti_request)
    target = start_login(lti_request, cookies, current_app.config, now(), launch_url())
    response = redirect(target)
    cookies.update_response(response)
    return response


@bp.route("/launch", methods=["POST"])
@csrf.exempt  # the id token, state cookie and one-use nonce are checked instead
def launch():
    """Accept a launch: sign the user in and open the linked page (or the deep-link picker)."""
    lti_request = _lti_request()
    result = accept_launch(lti_request, StateCookies(lti_request), current_app.config, now())
    start_session(result.user)
    in_frame = result.document_target in ("iframe", "frame")
    frame.remember_launch(result.link.id if result.link else None, frame.origins(
        [result.platform.issuer, result.platform.auth_login_url, result.return_url,
         (result.deep_linking or {}).get("deep_link_return_url")]) if in_frame else "")
    if result.deep_linking is not None:
        session[DEEP_LINK_KEY] = deep_linking.settings_to_keep(
            result.deep_linking, result.platform.id, result.deployment_id)
        return redirect(url_for("lti.deep_link"))
    # An LMS instructor lands on the link's page (what it opens, roster, scores sent).
    response = redirect(url_for("lti.link", link_id=result.link.id) if result.role == "instructor"
                        else destination(result.target))
    if result.link.quiz_id is not None:  # catch up on a score that could not be sent before
        frame.defer(response, lti_jobs.pass_back_link, result.link.id, result.user.id)
    return response


def destination(target) -> str:
    """The page a target opens."""
    if target.kind == "quiz":
        return url_for("quiz.overview", slug=target.quiz_slug)
    if target.kind == "module" and target.lesson_slug:
        return url_for("learn.lesson", slug=target.course_slug, module_slug=target.module_slug,
                       lesson_slug=target.lesson_slug)
    return url_for("learn.course", slug=target.course_slug)


@bp.route("/keys.json")
def key_set():
    """The tool's public keys (RS256), for platforms to check its signatures."""
    response = jsonify(keys.key_set(current_app.config, now()))
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/deep-link", methods=["GET", "POST"])
@login_required
def deep_link():
    """Pick the courses, modules or quizzes to place in the LMS; POST signs the answer."""
    kept = session.get(DEEP_LINK_KEY)
    if not kept:
        abort(404)
    form, error = FlaskForm(), None
    if request.method == "POST" and form.validate_on_submit():
        try:
            return_url, token = deep_linking.response_jwt(
                kept, request.form.getlist("target")[:50], launch_url(), current_app.config,
                now())
        except ServiceError as exc:
            error = exc.message
        else:
            session.pop(DEEP_LINK_KEY, None)
            frame.allow_form_to(return_url)
            return render_template("integrations/deep_link_return.html", return_url=return_url,
                                   token=token)
    return render_template("integrations/deep_link.html", form=form, error=error,
                           choices=targets.placeable_targets(), multiple=kept.get("multiple")), \
        422 if request.method == "POST" else 200


@bp.route("/links/<int:link_id>")
@login_required
def link(link_id: int):
    """An LMS link: what it opens, the scores sent to the LMS, and the roster sync button."""
    item = _manageable_link(link_id)
    target = targets.resolve(item.target)
    return render_template("integrations/link.html", link=item, form=FlaskForm(),
                           scores=grades.scores_sent(item.id),
                           opens=destination(target) if target else None)


@bp.route("/links/<int:link_id>/roster", methods=["POST"])
@login_required
def sync_roster(link_id: int):
    """Bring the LMS course's roster into the link's cohort now."""
    item = _manageable_link(link_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    result = roster.sync_roster(item.id, actor_of(current_user), current_app.config, now())
    flash(_("Roster synced: %(learners)s, %(instructors)s, %(inactive)s left as they were.",
            learners=ngettext("%(num)d learner enrolled", "%(num)d learners enrolled",
                              result.learners),
            instructors=ngettext("%(num)d instructor", "%(num)d instructors",
                                 result.instructors),
            inactive=ngettext("%(num)d inactive member", "%(num)d inactive members",
                              result.inactive)), "success")
    return redirect(url_for("lti.link", link_id=item.id))


def _manageable_link(link_id: int):
    item = roster.get_link(link_id)
    school_id = roster.link_school(item)
    instructs = item.course_id is not None and learning.instructs(current_user, item.course_id)
    if not can_manage_link(current_user, instructs, school_id):
        abort(404)
    return item
