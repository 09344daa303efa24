"""How many failed log-ins are allowed, and from where (docs/security.md, "Log-in limits").

Only *failed* attempts count, so a class logging in together from one school address is never
refused, and no one can lock the owner out from another address:

* per address and per account-from-that-address: `TPCOURSE_LOGIN_LIMIT` failures (a burst
  limit, 10 a minute by default) — flask-limiter decorators with `deduct_when`;
* per account from every address together: `TPCOURSE_LOGIN_ACCOUNT_LIMIT` failures (50 an hour
  by default), the ceiling on distributed guessing. Past it, the account takes no password at
  all — right or wrong, the answer is the same, so the lock tells a guesser nothing — until
  the window passes or the owner chooses a new password through an emailed reset link, which
  lifts the lock at once (`lift_lock`).

Emails asked for by anonymous visitors (sign-up links, password resets) are capped per
address (`TPCOURSE_MAIL_PER_ADDRESS_LIMIT`, 5 an hour): past it the page answers as always but
nothing more is sent, so nobody can flood an inbox, and nobody is refused either — the owner
already has the earlier links, which stay valid.

The counters live in the rate limiter's storage (Redis in production), shared by every worker.
"""

from __future__ import annotations

from flask import current_app, request
from limits import parse
from werkzeug.wrappers import Response

from ...extensions import limiter
from ...services.accounts.accounts import normalise_email

ACCOUNT_SCOPE = "login-account"
MAIL_SCOPE = "mail-to"


def typed_email() -> str:
    """The email typed into the form, as accounts store it."""
    return normalise_email(request.form.get("email", ""))


def failures_limit() -> str:
    """The burst limit on failed attempts per address (and per account from one address)."""
    return current_app.config["TPCOURSE_LOGIN_LIMIT"]


def account_from_address() -> str:
    """Rate-limit key: the account typed, from this address."""
    return f"login:{typed_email()}@{request.remote_addr}"


def failed(response: Response) -> bool:
    """Whether a log-in or reset request failed (the form came back with errors)."""
    return response.status_code == 422


def _account_item():
    return parse(current_app.config["TPCOURSE_LOGIN_ACCOUNT_LIMIT"])


def _identifiers(email: str) -> tuple[str, ...]:
    return (limiter._key_prefix or "tpcourse", ACCOUNT_SCOPE, email)


def account_locked(email: str) -> bool:
    """Whether the account has had too many failed log-ins from all addresses together."""
    if not limiter.enabled or not email:
        return False
    return not limiter.limiter.test(_account_item(), *_identifiers(email))


def count_failure(email: str) -> None:
    """Count one failed log-in against the account (known or not: the same either way)."""
    if limiter.enabled and email:
        limiter.limiter.hit(_account_item(), *_identifiers(email))


def lift_lock(email: str) -> None:
    """Forget the account's failed log-ins (its owner just proved who they are by email)."""
    if limiter.enabled and email:
        limiter.limiter.clear(_account_item(), *_identifiers(email))


def may_email(email: str) -> bool:
    """Count one email asked for to this address; False once the hourly cap is reached."""
    if not limiter.enabled or not email:
        return True
    item = parse(current_app.config["TPCOURSE_MAIL_PER_ADDRESS_LIMIT"])
    return limiter.limiter.hit(item, limiter._key_prefix or "tpcourse", MAIL_SCOPE, email)
