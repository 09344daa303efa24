"""Security headers on every response: a strict Content-Security-Policy and friends.

flask-talisman sets the headers; HSTS is added here, per request, whenever cookies are
Secure (production behind TLS), so the `demo` command, which turns Secure cookies off for
its plain-HTTP localhost server, does not pin a browser to HTTPS on 127.0.0.1.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_talisman import Talisman

# Scripts only from our own files: no inline <script>, no on*= handlers, no eval.
# Inline style *attributes* are allowed (a progress bar's width, a marker's position) but not
# <style> elements; markup from Markdown is sanitised and cannot carry a style attribute.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
PERMISSIONS_POLICY = {
    "camera": "()", "microphone": "()", "geolocation": "()", "payment": "()", "usb": "()",
    "browsing-topics": "()",
}
HSTS = "max-age=31536000; includeSubDomains"


class SettledTalisman(Talisman):
    """flask-talisman, with the headers of a view worked out once instead of on every response.

    Talisman rebuilds every policy string per response (about 25 µs, twice per exam). Its
    headers depend only on its settings and on per-view options (`@talisman(...)`): this app
    uses no nonce, and HSTS is added below, per request. So the first response of each view
    asks Talisman for its headers, and later ones copy them.
    """

    def __init__(self, *args, **kwargs) -> None:
        self._settled: dict[str | None, list[tuple[str, str]]] = {}
        super().__init__(*args, **kwargs)

    def _set_response_headers(self, response: Response) -> Response:
        settled = self._settled.get(request.endpoint)
        if settled is None:
            probe = super()._set_response_headers(Response())
            settled = self._settled[request.endpoint] = [
                (name, value) for name, value in probe.headers.items()
                if name.lower() not in ("content-type", "content-length")]
        for name, value in settled:
            response.headers[name] = value
        return response


def register_security(app: Flask) -> None:
    """Send security headers on every response (call from create_app; safe to call twice)."""
    if "talisman" in app.extensions:
        return
    # One Talisman per app: it keeps its settings on itself, and tests build many apps.
    app.extensions["talisman"] = SettledTalisman(
        app,
        content_security_policy=CONTENT_SECURITY_POLICY,
        permissions_policy=PERMISSIONS_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        # TLS ends at the proxy in front of gunicorn: it redirects to HTTPS, not the app.
        force_https=False,
        strict_transport_security=False,  # added below, following the cookie setting
        # Cookie flags come from config.py (TPCOURSE_SECURE_COOKIES); don't let talisman
        # overwrite them on every request.
        session_cookie_secure=False,
        session_cookie_http_only=app.config.get("SESSION_COOKIE_HTTPONLY", True),
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE", "Lax"),
    )
    app.after_request(_strict_transport_security)
    app.register_error_handler(413, _too_large)


def _strict_transport_security(response: Response) -> Response:
    """Tell browsers to use HTTPS only, when the site is served with Secure cookies."""
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def _too_large(exc: Exception):
    """Say how large a request may be, as a page or (under /api/) as JSON."""
    from .errors import error_response

    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    size = f"{limit / 2**20:.1f} MB" if limit >= 2**20 else f"{limit // 1024} KB"
    return error_response(413, f"Requests are limited to {size}. "
                               "Send a smaller file, or split it into several.",
                          "request_entity_too_large")
