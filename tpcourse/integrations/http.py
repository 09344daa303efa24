"""HTTP to other systems (LMSs, identity providers): every request has a time limit."""

from __future__ import annotations

import requests

TIMEOUT_SECONDS = 10
USER_AGENT = "tpcourse (LTI 1.3 tool; OpenID Connect client)"


class BoundedSession(requests.Session):
    """A requests session whose calls give up after TIMEOUT_SECONDS unless told otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.headers["User-Agent"] = USER_AGENT

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT_SECONDS)
        return super().request(method, url, *args, **kwargs)
