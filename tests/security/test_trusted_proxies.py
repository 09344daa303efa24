"""Behind a load balancer the client's address comes from X-Forwarded-For, but only when the
site says how many proxies to trust: otherwise any client could pick its own address (and so
its own rate-limit bucket)."""

from __future__ import annotations

from tests.conftest import make_app


def _remote_addr(app, forwarded: str) -> str:
    seen = []

    @app.get("/_whoami")
    def whoami():
        from flask import request

        seen.append((request.remote_addr, request.scheme))
        return "ok"

    client = app.test_client()
    client.get("/_whoami", headers={"X-Forwarded-For": forwarded,
                                    "X-Forwarded-Proto": "https"},
               environ_base={"REMOTE_ADDR": "10.0.0.5"})
    return seen[0]


def test_forwarded_headers_are_ignored_by_default(_migrated, tmp_path):
    app = make_app(_migrated, tmp_path)
    assert _remote_addr(app, "203.0.113.9") == ("10.0.0.5", "http")


def test_one_trusted_proxy_gives_the_clients_address(_migrated, tmp_path):
    app = make_app(_migrated, tmp_path, TPCOURSE_TRUSTED_PROXIES=1)
    # The client forged a first entry; the proxy appended the address it saw.
    assert _remote_addr(app, "198.51.100.1, 203.0.113.9") == ("203.0.113.9", "https")
