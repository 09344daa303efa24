"""Which receivers tpcourse may call: public addresses only, unless the operator allows more.

A webhook URL is typed by a school admin, so it must not reach inside the site's network
(server-side request forgery): every address its host resolves to must be public, unless it
lies in TPCOURSE_WEBHOOK_ALLOW_PRIVATE (CIDRs; the tests allow 127.0.0.1/32). The request is
then sent to the address that was checked (transport.py), so DNS cannot answer differently
between the check and the call, and redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _

MAX_URL = 2000


class AddressRefused(ValueError):
    """The URL cannot be used as a webhook receiver; the message says why."""


@dataclass(frozen=True)
class Target:
    """A checked receiver: where to connect, and what to say in Host and TLS."""

    scheme: str
    host: str
    address: str
    port: int
    path: str


def allowed_networks(setting: str | None) -> list:
    """Parse TPCOURSE_WEBHOOK_ALLOW_PRIVATE ("127.0.0.1/32,10.0.0.0/8")."""
    networks = []
    for part in (setting or "").split(","):
        if part.strip():
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
    return networks


def check_url(url: str) -> tuple[str, str, int, str]:
    """Check a URL's form: (scheme, host, port, path with query). AddressRefused if unusable."""
    if len(url) > MAX_URL:
        raise AddressRefused(_("Keep the URL under %(max)s characters.", max=MAX_URL))
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise AddressRefused(_("This is not a valid URL.")) from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AddressRefused(_("Use an http:// or https:// URL with a host name."))
    if parts.username or parts.password:
        raise AddressRefused(_("Put no user name or password in the URL; the signature proves "
                               "who sent the message."))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def public_enough(address: str, allowed: list) -> bool:
    """Whether tpcourse may connect to this IP address."""
    ip = ipaddress.ip_address(address)
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed):
        return True
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def resolve(url: str, allowed: list) -> Target:
    """Resolve the URL's host and check every address; AddressRefused names the problem."""
    scheme, host, port, path = check_url(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(_("The host %(host)s cannot be found.", host=host)) from None
    addresses = sorted({info[4][0] for info in infos})
    refused = [a for a in addresses if not public_enough(a, allowed)]
    if refused or not addresses:
        shown = refused[0] if refused else "-"
        raise AddressRefused(_("%(host)s points at a private or local address (%(address)s); "
                               "webhooks go only to public addresses.", host=host, address=shown))
    return Target(scheme, host, addresses[0], port, path)
