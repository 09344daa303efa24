"""A browser session that came from an LMS launch: shown inside the LMS's iframe, and whose
closed attempts send their grade back after the response.

Only sessions started by a launch whose LMS asked for an iframe get the session cookie with
`SameSite=None` (browsers send a Lax cookie to no iframe inside another site) and a
`frame-ancestors` naming that LMS instead of `'none'`; every other session keeps `SameSite=Lax`
and `frame-ancestors 'none'`. CSRF tokens live in that session as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface

from ...extensions import db
from ...integrations.lti import jobs as lti_jobs
from ...services.jobs import enqueue

SESSION_KEY = "lti"
MAX_LINKS = 20
PASSBACK_MODES = ("after_response", "manual")


class FramedSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with `SameSite=None` for LMS-framed sessions only."""

    def get_cookie_samesite(self, app: Flask) -> str | None:
        if (has_request_context() and (session.get(SESSION_KEY) or {}).get("frame")
                and app.config.get("SESSION_COOKIE_SECURE")):
            return "None"  # browsers take SameSite=None only with Secure
        return super().get_cookie_samesite(app)


def origins(urls: Iterable[str | None]) -> str:
    """The web origins of some addresses, space-separated (for `frame-ancestors`)."""
    found = []
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme in ("https", "http") and parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in found and all(c not in origin for c in " ;,'\""):
                found.append(origin)
    return " ".join(found)


def remember_launch(link_id: int | None, frame_origins: str) -> None:
    """Mark this browser session as launched from an LMS (after signing the user in)."""
    kept = session.get(SESSION_KEY) or {}
    links = [i for i in kept.get("links", []) if i != link_id]
    if link_id is not None:
        links = [link_id, *links][:MAX_LINKS]
    session[SESSION_KEY] = {"links": links, "frame": frame_origins}


def _allow_the_lms_to_frame(response: Response, frame_origins: str) -> None:
    policy = response.headers.get("Content-Security-Policy")
    if policy and "frame-ancestors 'none'" in policy:
        response.headers["Content-Security-Policy"] = policy.replace(
            "frame-ancestors 'none'", f"frame-ancestors 'self' {frame_origins}")
        response.headers.pop("X-Frame-Options", None)


def _closed_attempt(response: Response) -> str | None:
    """The attempt this request closed: a save/submit or a page redirecting to its result."""
    if (request.endpoint == "quiz.attempt" and response.status_code == 302
            and response.headers.get("Location", "").endswith("/result")):
        return (request.view_args or {}).get("attempt_id")
    return None


def allow_form_to(url: str) -> None:
    """Let this response's one form post to another site (the deep-linking answer to the LMS)."""
    g.lti_form_action = origins([url])


def after_request(response: Response) -> Response:
    """For LMS sessions only: let the LMS frame the page, and send a closed attempt's grade."""
    target = g.pop("lti_form_action", None)
    policy = response.headers.get("Content-Security-Policy")
    if target and policy:
        response.headers["Content-Security-Policy"] = policy.replace(
            "form-action 'self'", f"form-action 'self' {target}")
    # Read without marking the session accessed: a response that never used the session (a
    # public key set, say) must not get `Vary: Cookie` from this check.
    kept = dict.get(session._get_current_object(), SESSION_KEY) \
        if request.endpoint != "static" else None
    if not kept:
        return response  # every other request: one dictionary lookup
    if kept.get("frame"):
        _allow_the_lms_to_frame(response, kept["frame"])
    attempt_id = _closed_attempt(response)
    if attempt_id and kept.get("links"):
        defer(response, lti_jobs.pass_back_attempt, attempt_id, list(kept["links"]),
              key=f"lti-passback:{attempt_id}")
    return response


def defer(response: Response, job: Callable[..., Any], *args: Any, key: str | None = None) -> None:
    """Run the registered job `job(*args)` after the response: on the job queue (`queue`, the
    default: a worker, or the app's job thread without Redis, with retries), once the response
    has been sent in this process (`after_response`), or kept for `run_deferred` (`manual`, for
    tests)."""
    app = current_app._get_current_object()
    mode = app.config.get("TPCOURSE_LTI_PASSBACK", "queue")
    if mode == "manual":
        app.extensions.setdefault("lti_deferred", []).append((job, args))
        return
    if mode == "queue":
        enqueue(job, args, key=key, after_commit=False)  # the rows it reads are committed
        return
    response.call_on_close(lambda: _run(app, job, args))


def _run(app: Flask, job: Callable[..., Any], args: tuple) -> None:
    with app.app_context():
        try:
            job(*args)
        except Exception:  # a failed passback must never break a page: it is logged and kept
            app.logger.exception("LTI grade passback failed: %s%r", job.__name__, args)
            db.session.rollback()
        finally:
            db.session.remove()


def run_deferred(app: Flask) -> int:
    """Run the jobs kept in `manual` mode; return how many ran."""
    jobs = app.extensions.pop("lti_deferred", [])
    for job, args in jobs:
        _run(app, job, args)
    return len(jobs)


def install(app: Flask) -> None:
    """Use the framed session interface and the after-request hook (from the lti blueprint)."""
    if not isinstance(app.session_interface, FramedSessionInterface):
        app.session_interface = FramedSessionInterface()
