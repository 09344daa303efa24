"""Absolute links for emails and exports, from the configured site address.

Built from the app's URL map, so they work in a request, in the CLI and in a worker alike, and
never from the request's Host header (which a client chooses).
"""

from __future__ import annotations

from flask import current_app

ACCOUNT_LINKS = {"invite": "auth.accept_invitation", "reset": "auth.reset_password"}


def site_link(endpoint: str, **values) -> str:
    """`TPCOURSE_SITE_URL` followed by the path of `endpoint` with `values`."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["TPCOURSE_SITE_URL"].rstrip("/") + path


def account_links(kind: str, token: str) -> str:
    """The links account emails carry: "invite" (choose a first password) or "reset"."""
    return site_link(ACCOUNT_LINKS[kind], token=token)
