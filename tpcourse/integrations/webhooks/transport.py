"""Sending one webhook request: to the checked address, a short timeout, no redirects."""

from __future__ import annotations

import time
from dataclasses import dataclass

import urllib3

from .addresses import AddressRefused, Target, resolve

MAX_RESPONSE_READ = 4096  # bytes of the receiver's answer kept for the log


@dataclass(frozen=True)
class Outcome:
    """What one try gave: the status code (None when no answer), the time, any error."""

    status: int | None
    latency_ms: int
    error: str | None

    @property
    def delivered(self) -> bool:
        """A 2xx answer."""
        return self.status is not None and 200 <= self.status < 300


def _pool(target: Target, timeout: float):
    options = {"timeout": urllib3.Timeout(connect=timeout, read=timeout), "retries": False,
               "maxsize": 1}
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(target.address, target.port,
                                           server_hostname=target.host,
                                           assert_hostname=target.host, **options)
    return urllib3.HTTPConnectionPool(target.address, target.port, **options)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float,
         allowed: list) -> Outcome:
    """POST `body` to `url` once; never follows a redirect (a 3xx is a failed try)."""
    started = time.monotonic()
    try:
        target = resolve(url, allowed)
    except AddressRefused as exc:
        return Outcome(None, 0, str(exc))
    host_header = target.host if target.port in (80, 443) else f"{target.host}:{target.port}"
    pool = _pool(target, timeout)
    try:
        response = pool.urlopen("POST", target.path, body=body, redirect=False, retries=False,
                                headers={**headers, "Host": host_header},
                                preload_content=False, assert_same_host=False)
        response.read(MAX_RESPONSE_READ)
        response.release_conn()
    except urllib3.exceptions.HTTPError as exc:
        return Outcome(None, _ms(started), f"{type(exc).__name__}: {exc}"[:500])
    finally:
        pool.close()
    status = response.status
    error = None
    if 300 <= status < 400:
        error = "The receiver answered with a redirect; webhooks do not follow redirects."
    elif not 200 <= status < 300:
        error = f"The receiver answered {status}."
    return Outcome(status, _ms(started), error)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
