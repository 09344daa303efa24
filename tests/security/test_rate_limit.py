"""Login rate limits per IP and per account, on the real Redis shared by every worker."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, make_app

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REDIS = "redis://127.0.0.1:6379"


def redis_reachable(uri: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(uri, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def storage_uri():
    """RATELIMIT_STORAGE_URI if set (then it must work), else the local Redis, else memory."""
    configured = os.environ.get("RATELIMIT_STORAGE_URI")
    if configured:
        if configured.startswith("redis"):
            assert redis_reachable(configured), f"RATELIMIT_STORAGE_URI={configured} is down"
        return configured
    return DEFAULT_REDIS if redis_reachable(DEFAULT_REDIS) else "memory://"


@pytest.fixture
def workers(_migrated, tmp_path, storage_uri):
    """Two app instances sharing one limiter storage, under a key prefix of their own."""
    from tpcourse.extensions import limiter

    prefix = f"tpcourse-test-{uuid.uuid4().hex}"
    apps = [make_app(_migrated, tmp_path / str(n), TPCOURSE_LOGIN_LIMIT="3 per minute",
                     TPCOURSE_LOGIN_ACCOUNT_LIMIT="5 per hour",
                     RATELIMIT_STORAGE_URI=storage_uri, RATELIMIT_KEY_PREFIX=prefix)
            for n in range(2)]
    # flask-limiter keeps the first prefix it is given for the life of the process.
    prefix = limiter._key_prefix
    yield apps, prefix
    if storage_uri.startswith("redis"):
        import redis

        client = redis.Redis.from_url(storage_uri)
        for key in client.scan_iter(f"*{prefix}/*"):
            client.delete(key)


def attempt(app, email: str, ip: str) -> int:
    return app.test_client().post("/login", data={"email": email, "password": "wrong guess"},
                                  environ_base={"REMOTE_ADDR": ip}).status_code


def test_limit_per_ip_across_accounts(workers):
    apps, _ = workers
    codes = [attempt(apps[n % 2], f"user{n}@example.com", "10.1.1.1") for n in range(4)]
    assert codes == [422, 422, 422, 429]
    page = apps[1].test_client().post("/login", data={"email": "x@example.com", "password":
                                                      "y"}, environ_base={"REMOTE_ADDR":
                                                                          "10.1.1.1"})
    assert "Too many tries" in page.get_data(as_text=True)
    assert attempt(apps[0], "someone@example.com", "10.1.1.2") == 422  # another IP is fine


def test_limit_per_account_across_ips(workers):
    apps, _ = workers
    codes = [attempt(apps[n % 2], "Target@Example.com ", f"10.2.0.{n}") for n in range(6)]
    assert codes == [422] * 5 + [429]  # spreading guesses over IPs and workers does not help
    page = apps[0].test_client().post("/login", data={"email": "target@example.com",
                                                      "password": "x"}).get_data(as_text=True)
    assert "too many failed log-in attempts" in page and "/password/forgot" in page


def test_a_burst_from_one_address_does_not_lock_the_owner_out(workers, make_user):
    """Ten wrong guesses from the attacker's address; the owner, elsewhere, still gets in."""
    apps, _ = workers
    owner = make_user(email="owner@example.com")
    burst = [attempt(apps[0], owner.email, "10.4.0.1") for _ in range(4)]
    assert burst == [422, 422, 422, 429]  # the attacker's address is slowed down
    ok = apps[1].test_client().post("/login", data={"email": owner.email, "password": PASSWORD},
                                    environ_base={"REMOTE_ADDR": "10.4.0.2"})
    assert ok.status_code == 302


def test_a_class_behind_one_address_logs_in_together(workers, make_user):
    """Only failed attempts count: thirty trainees behind a school's one address get in."""
    apps, _ = workers
    trainees = [make_user(email=f"class{n}@example.com") for n in range(30)]
    codes = [apps[n % 2].test_client().post("/login", data={"email": t.email,
                                                           "password": PASSWORD},
                                            environ_base={"REMOTE_ADDR": "10.5.0.1"}).status_code
             for n, t in enumerate(trainees)]
    assert codes == [302] * 30


def same_but_token(response) -> str:
    """The page with its CSRF tokens (random per browser session) blanked out."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1"', response.get_data(as_text=True))


def test_a_locked_account_answers_the_same_to_the_right_password(workers, make_user):
    """During the lock the right password is refused exactly like a wrong one (so the lock
    tells a guesser nothing), and choosing a new password by email lifts it."""
    from tests.helpers import link_in, outbox

    apps, _ = workers
    owner = make_user(email="locked@example.com")
    for n in range(5):
        assert attempt(apps[0], owner.email, f"10.6.0.{n}") == 422
    right = apps[0].test_client().post("/login", data={"email": owner.email,
                                                       "password": PASSWORD})
    wrong = apps[0].test_client().post("/login", data={"email": owner.email,
                                                       "password": "another wrong"})
    assert right.status_code == wrong.status_code == 429
    # the same page, but for each browser's own CSRF token (the footer's language form)
    assert same_but_token(right) == same_but_token(wrong)
    client = apps[1].test_client()
    assert client.post("/password/forgot", data={"email": owner.email}).status_code == 302
    link = link_in(outbox(apps[1])[0].body, "/password/reset/")
    new = "a brand new password"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    back = apps[0].test_client().post("/login", data={"email": owner.email, "password": new})
    assert back.status_code == 302


CHILD = """
import sys
from pathlib import Path
from tests.conftest import PASSWORD, make_app
url, storage, prefix, instance = sys.argv[1:5]
app = make_app(url, Path(instance), TPCOURSE_LOGIN_LIMIT="3 per minute",
               TPCOURSE_LOGIN_ACCOUNT_LIMIT="5 per hour",
               RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix)
response = app.test_client().post("/login", data={"email": "shared@example.com",
                                  "password": "x"}, environ_base={"REMOTE_ADDR": "10.3.0.9"})
print(response.status_code)
"""


def test_separate_processes_share_the_counters(workers, storage_uri, _migrated, tmp_path):
    """Guesses in one process count in another (another gunicorn worker, another host)."""
    if not storage_uri.startswith("redis"):
        pytest.fail("Redis is not running: start it (redis-server) — .ci/run does")
    apps, prefix = workers
    codes = [attempt(apps[0], "shared@example.com", f"10.3.0.{n}") for n in range(5)]
    assert codes == [422] * 5
    import redis

    assert any(redis.Redis.from_url(storage_uri).scan_iter(f"*{prefix}/login-account/shared*"))
    child = subprocess.run(
        [sys.executable, "-c", CHILD, _migrated, storage_uri, prefix, str(tmp_path / "child")],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    assert child.stdout.split()[-1] == "429", child.stderr


def test_unknown_email_costs_a_password_check_too(db, make_user, monkeypatch):
    """Login does the same hashing work whether or not the email has an account, so response
    time does not tell which emails are registered (werkzeug compares in constant time)."""
    from tpcourse.services.accounts import accounts

    user = make_user()
    calls = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash",
                        lambda stored, given: calls.append(stored) or real(stored, given))
    for email in (user.email, "nobody@example.com"):
        assert accounts.authenticate(email, "wrong password") is None
    assert len(calls) == 2 and calls[0] == user.password_hash
    assert calls[1].split("$")[0] == user.password_hash.split("$")[0]  # same algorithm, cost


def test_secrets_are_compared_in_constant_time(monkeypatch):
    import hmac

    from tpcourse.services.accounts import accounts

    seen = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: seen.append(1) or real(a, b))
    assert accounts.same_secret("abc", "abc") and not accounts.same_secret("abc", "abd")
    assert len(seen) == 2
