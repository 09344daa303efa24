"""Back up and restore the whole database: SQLite's online backup API, or pg_dump/pg_restore.

Both make a consistent snapshot while the site keeps running (SQLite copies pages under a read
lock; pg_dump reads in one repeatable-read transaction). A restore replaces what is in the
configured database and then checks the audit chain, so a damaged backup is noticed at once.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import func, select, text
from sqlalchemy.engine import URL

from ...extensions import db
from ...records.audit_chain import ChainBreak
from ..errors import ServiceError
from ..records.audit import verify_stored_chain

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


@dataclass
class RestoreReport:
    """What a restore brought back: rows per table and the state of the audit chain."""

    counts: dict[str, int] = field(default_factory=dict)
    chain_break: ChainBreak | None = None


def default_backup_name(now: datetime) -> Path:
    """Return a file name for a backup made now, in the working directory."""
    suffix = "sqlite3" if _is_sqlite(db.engine.url) else "dump"
    return Path(f"tpcourse-backup-{now:%Y%m%dT%H%M%SZ}.{suffix}")


def create_backup(target: Path) -> Path:
    """Write a snapshot of the configured database to `target` (readable by the owner only)."""
    url = db.engine.url
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target, then rename: a half-written backup never has the final name.
    handle, partial = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    os.chmod(partial, 0o600)
    try:
        if _is_sqlite(url):
            _sqlite_copy(_sqlite_path(url), Path(partial))
        else:
            _pg_dump(url, Path(partial))
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target


def restore_backup(source: Path) -> RestoreReport:
    """Replace the configured database's contents with a backup, then verify the audit chain."""
    url = db.engine.url
    head = _file_head(source)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold the old database open
    if _is_sqlite(url):
        if not head.startswith(SQLITE_MAGIC):
            raise ServiceError(_("%(file)s is not a SQLite backup made by `backup create`.",
                                 file=source))
        _sqlite_copy(source, _sqlite_path(url))
    else:
        if not head.startswith(PG_MAGIC):
            raise ServiceError(_("%(file)s is not a PostgreSQL backup made by "
                                 "`backup create`.", file=source))
        _pg_restore(url, source)
    db.engine.dispose()
    return RestoreReport(counts=table_counts(), chain_break=verify_stored_chain())


def _file_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(16)
    except OSError as exc:
        raise ServiceError(_("Cannot read %(file)s: %(error)s.", file=path,
                             error=exc.strerror)) from None


def table_counts() -> dict[str, int]:
    """Count the rows of every table the app knows."""
    return {table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables}


# SQLite ---------------------------------------------------------------------------------------

def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise ServiceError(_("An in-memory SQLite database cannot be backed up or restored."))
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database onto another page by page (the online backup API)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    except sqlite3.DatabaseError as exc:
        raise ServiceError(_("SQLite could not copy %(file)s: %(error)s.", file=source,
                             error=exc)) from None
    finally:
        dst.close()
        src.close()


# PostgreSQL -----------------------------------------------------------------------------------

def _pg_env(url: URL) -> dict[str, str]:
    """libpq settings for the command-line tools, so no password appears in `ps`."""
    env = dict(os.environ)
    values = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
              "PGPASSWORD": url.password, "PGDATABASE": url.database,
              "PGOPTIONS": url.query.get("options"), "PGSSLMODE": url.query.get("sslmode")}
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _pg_schema(url: URL) -> str | None:
    """The schema named by `options=-csearch_path=...`, if the URL pins one."""
    match = re.search(r"search_path\s*=\s*([A-Za-z0-9_]+)", str(url.query.get("options") or ""))
    return match.group(1) if match else None


def _server_major() -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000


def _pg_tool(name: str, server_major: int) -> str:
    """Find pg_dump/pg_restore at least as new as the server (Debian keeps one per version)."""
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}", shutil.which(name)]
    for path in filter(None, candidates):
        if not os.access(path, os.X_OK):
            continue
        out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
        found = re.search(r"(\d+)(?:\.\d+)?", out.stdout)
        if found and int(found.group(1)) >= server_major:
            return path
    raise ServiceError(_("%(tool)s for PostgreSQL %(version)s or newer is not installed (on "
                         "Debian: apt-get install postgresql-client-%(version)s).", tool=name,
                         version=server_major))


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ServiceError(_("%(tool)s failed: %(error)s", tool=Path(command[0]).name,
                             error=done.stderr.strip()[-2000:]))


def _pg_dump(url: URL, target: Path) -> None:
    command = [_pg_tool("pg_dump", _server_major()), "--format=custom", "--no-owner",
               "--no-privileges", f"--file={target}"]
    schema = _pg_schema(url)
    if schema:
        command.append(f"--schema={schema}")
    _run(command, _pg_env(url))


def _dumped_schemas(pg_restore: str, source: Path, env: dict[str, str]) -> set[str]:
    """Schemas a custom-format dump creates (none for a whole-database dump of `public`)."""
    listing = subprocess.run([pg_restore, "--list", str(source)], env=env, capture_output=True,
                             text=True, check=False)
    if listing.returncode != 0:
        raise ServiceError(_("pg_restore cannot read %(file)s: %(error)s", file=source,
                             error=listing.stderr.strip()))
    return set(re.findall(r"\bSCHEMA - (\S+)", listing.stdout)) - {"public"}


def _pg_restore(url: URL, source: Path) -> None:
    tool, env = _pg_tool("pg_restore", _server_major()), _pg_env(url)
    # A dump of one schema recreates that schema by name: restoring it under a URL that
    # points elsewhere would overwrite the original, so refuse instead.
    dumped, target = _dumped_schemas(tool, source, env), _pg_schema(url)
    if dumped and dumped != {target}:
        raise ServiceError(_("%(file)s holds schema %(schemas)s; restore it into a database "
                             "whose DATABASE_URL selects that schema "
                             "(options=-csearch_path=...).", file=source,
                             schemas=", ".join(sorted(dumped))))
    _run([tool, "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", "--exit-on-error", f"--dbname={url.database}", str(source)],
         env)
