"""Settings read from environment variables, with development defaults that just work."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str) -> str:
    """Point postgres URLs at the psycopg 3 driver that tpcourse installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret(instance_path: Path) -> str:
    """Return a SECRET_KEY kept in the instance folder, creating it on first use."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def engine_options(url: str) -> dict:
    """Pool settings: a ping and a sized, recycled pool for servers; none for SQLite files."""
    if url.startswith("sqlite"):
        return {}
    return {"pool_pre_ping": True, "pool_recycle": 1800, "pool_timeout": 10,
            "pool_size": int(os.environ.get("TPCOURSE_DB_POOL_SIZE", "4")),
            "max_overflow": int(os.environ.get("TPCOURSE_DB_MAX_OVERFLOW", "4"))}


def load_settings(instance_path: Path) -> dict:
    """Build the Flask config mapping from the environment."""
    sqlite_path = instance_path / "tpcourse.sqlite3"
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{sqlite_path}"
        ),
        "TPCOURSE_LESSONS_DIR": os.environ.get("TPCOURSE_LESSONS_DIR")
        or str(PROJECT_ROOT / "lessons"),
        "TPCOURSE_QUIZZES_DIR": os.environ.get("TPCOURSE_QUIZZES_DIR")
        or str(PROJECT_ROOT / "quizzes"),
        "TPCOURSE_SITE_NAME": os.environ.get("TPCOURSE_SITE_NAME", "tpcourse"),
        # The interface's languages (docs/translations.md): the first is the site default.
        "TPCOURSE_LOCALES": os.environ.get("TPCOURSE_LOCALES", "en,es"),
        "SESSION_COOKIE_SECURE": _bool("TPCOURSE_SECURE_COOKIES", True),
        "REMEMBER_COOKIE_SECURE": _bool("TPCOURSE_SECURE_COOKIES", True),
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "MAX_CONTENT_LENGTH": int(os.environ.get("TPCOURSE_MAX_UPLOAD_BYTES", 4 * 1024 * 1024)),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "TPCOURSE_LOGIN_LIMIT": os.environ.get("TPCOURSE_LOGIN_LIMIT", "10 per minute"),
        "TPCOURSE_LOGIN_ACCOUNT_LIMIT": os.environ.get("TPCOURSE_LOGIN_ACCOUNT_LIMIT",
                                                       "50 per hour"),
        "TPCOURSE_REGISTER_LIMIT": os.environ.get("TPCOURSE_REGISTER_LIMIT", "20 per hour"),
        "TPCOURSE_MAIL_PER_ADDRESS_LIMIT": os.environ.get("TPCOURSE_MAIL_PER_ADDRESS_LIMIT",
                                                          "5 per hour"),
        "TPCOURSE_REGISTRATION_MAX_AGE": int(os.environ.get("TPCOURSE_REGISTRATION_MAX_AGE",
                                                            24 * 3600)),
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(os.environ.get("TPCOURSE_REMEMBER_DAYS",
                                                                      30))),
        "TPCOURSE_API_LIMIT": os.environ.get("TPCOURSE_API_LIMIT", "120 per minute"),
        "TPCOURSE_API_FAILURE_LIMIT": os.environ.get("TPCOURSE_API_FAILURE_LIMIT",
                                                     "20 per minute"),
        "TPCOURSE_RESET_MAX_AGE": int(os.environ.get("TPCOURSE_RESET_MAX_AGE", 3600)),
        # Grades' audit events are chained by a per-process sealer thread ("background"), by
        # the grading request itself ("inline") or by `flask audit seal` ("manual"):
        # services/audit_sealer.py.
        "TPCOURSE_AUDIT_SEALING": os.environ.get("TPCOURSE_AUDIT_SEALING", "background"),
        "TPCOURSE_AUDIT_SEAL_DELAY": float(os.environ.get("TPCOURSE_AUDIT_SEAL_DELAY", 0.5)),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "tpcourse <no-reply@localhost>"),
        "TPCOURSE_MAIL_OUTBOX": os.environ.get("TPCOURSE_MAIL_OUTBOX"),
        "TPCOURSE_SITE_URL": os.environ.get("TPCOURSE_SITE_URL", "http://127.0.0.1:5000"),
        "TPCOURSE_SIGNING_KEY": os.environ.get("TPCOURSE_SIGNING_KEY"),
        # Proxies in front of the app (load balancer, TLS terminator) whose X-Forwarded-For and
        # X-Forwarded-Proto to believe; 0 believes none (a client could forge them).
        "TPCOURSE_TRUSTED_PROXIES": int(os.environ.get("TPCOURSE_TRUSTED_PROXIES", "0") or 0),
        # Integrations (docs/integrations.md): the key sealing LMS and identity-provider
        # secrets at rest (default: derived from SECRET_KEY), and when grades go back to an LMS.
        "TPCOURSE_SECRETS_KEY": os.environ.get("TPCOURSE_SECRETS_KEY"),
        "TPCOURSE_LTI_PASSBACK": os.environ.get("TPCOURSE_LTI_PASSBACK", "queue"),
        "TPCOURSE_RECORD_RETENTION_DAYS": int(os.environ.get("TPCOURSE_RECORD_RETENTION_DAYS",
                                                             2192)),
        # Background jobs (docs/operations.md): Redis + RQ workers when a URL is set, else in
        # this process ("thread": a background thread; "sync": at commit, for tests).
        "TPCOURSE_JOBS_REDIS_URL": os.environ.get("TPCOURSE_JOBS_REDIS_URL"),
        "TPCOURSE_JOBS_QUEUE": os.environ.get("TPCOURSE_JOBS_QUEUE", "tpcourse"),
        "TPCOURSE_JOBS_INLINE": os.environ.get("TPCOURSE_JOBS_INLINE", "thread"),
        "TPCOURSE_JOBS_RETRY_DELAYS": os.environ.get("TPCOURSE_JOBS_RETRY_DELAYS",
                                                     "10,60,300,1800"),
        "TPCOURSE_EMAIL_LEASE_SECONDS": int(os.environ.get("TPCOURSE_EMAIL_LEASE_SECONDS", 120)),
        "TPCOURSE_AUDIT_CHECKPOINT_DIR": os.environ.get("TPCOURSE_AUDIT_CHECKPOINT_DIR"),
        # Webhooks (docs/webhooks.md): retries over about a day, a short timeout, and no
        # private or loopback receivers unless listed here (CIDRs, comma-separated).
        "TPCOURSE_WEBHOOK_RETRY_DELAYS": os.environ.get(
            "TPCOURSE_WEBHOOK_RETRY_DELAYS", "30,120,600,1800,3600,7200,14400,28800,36000"),
        "TPCOURSE_WEBHOOK_TIMEOUT": float(os.environ.get("TPCOURSE_WEBHOOK_TIMEOUT", 5)),
        "TPCOURSE_WEBHOOK_ALLOW_PRIVATE": os.environ.get("TPCOURSE_WEBHOOK_ALLOW_PRIVATE", ""),
        # Evidence of practical skills (docs/grading.md): kept on the local filesystem under
        # the instance folder, or in an S3-compatible object store; files up to this size.
        "TPCOURSE_EVIDENCE_STORE": os.environ.get("TPCOURSE_EVIDENCE_STORE", "local"),
        "TPCOURSE_EVIDENCE_DIR": os.environ.get("TPCOURSE_EVIDENCE_DIR"),
        "TPCOURSE_EVIDENCE_MAX_BYTES": int(os.environ.get("TPCOURSE_EVIDENCE_MAX_BYTES",
                                                          3 * 1024 * 1024)),
        "TPCOURSE_S3_BUCKET": os.environ.get("TPCOURSE_S3_BUCKET"),
        "TPCOURSE_S3_ENDPOINT_URL": os.environ.get("TPCOURSE_S3_ENDPOINT_URL"),
        "TPCOURSE_S3_REGION": os.environ.get("TPCOURSE_S3_REGION"),
        # A school export of more rows than this is made by a background job.
        "TPCOURSE_EXPORT_BACKGROUND_ROWS": int(os.environ.get("TPCOURSE_EXPORT_BACKGROUND_ROWS",
                                                              5000)),
    }
