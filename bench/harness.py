"""What the submit benchmark needs around the load: databases, content, accounts, servers.

Every database is fresh (a new SQLite file, or a new PostgreSQL database dropped afterwards);
every server listens on 127.0.0.1 on a free port and is stopped by its process id.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.helpers import answer_form  # noqa: E402

EXAM = "trigger-point-final"
EXAM_TYPES = ("single", "multiple", "true_false", "numeric", "short_text")
PASSWORD = "bench password 1"
SECRET_KEY = "bench-secret-key-not-for-production"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_bench_content(root: Path, questions: int = 20) -> tuple[Path, Path]:
    """Copy the real course; turn its final exam into a fixed `questions`-question exam.

    The course's `sequencing` is left out: the benchmark's trainees are enrolled straight
    into the final exam, as trainees of a course without locked steps are.

    Questions and options keep their file order (shuffle_questions and shuffle_options off):
    form fields are named by position (`q1`, `q2`, ...), so one answer form fits every attempt
    only when the order is fixed. No attempt limit, cooldown or pool draw, so each trainee can
    sit it again and again during the run.
    """
    lessons, quizzes = root / "lessons", root / "quizzes"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quizzes", quizzes)
    drop_locks(lessons)  # the trainees are enrolled, not taught: no locked steps
    exam = yaml.safe_load((quizzes / f"{EXAM}.yaml").read_text())
    kept = _bench_questions(exam["questions"], _safety_objectives(lessons), questions)
    for question in kept:
        question.pop("pool", None)
        question.pop("excludes", None)
    for key in ("draw", "max_attempts", "cooldown_minutes"):
        exam.pop(key, None)
    exam.update(questions=kept, shuffle_questions=False, shuffle_options=False)
    (quizzes / f"{EXAM}.yaml").write_text(yaml.safe_dump(exam, sort_keys=False, allow_unicode=True))
    return lessons, quizzes


def _safety_objectives(lessons: Path) -> set[str]:
    """The objectives of the course's safety modules (the final must examine each)."""
    codes: set[str] = set()
    for module_file in lessons.glob("*/*/module.yaml"):
        module = yaml.safe_load(module_file.read_text()) or {}
        if module.get("safety"):
            codes.update(o["code"] if isinstance(o, dict) else o
                         for o in module.get("objectives") or ())
    return codes


def _bench_questions(questions: list[dict], safety: set[str], count: int) -> list[dict]:
    """`count` questions of the bench's types, in file order: one on every safety objective
    first (so `content check` accepts the exam), then the rest; never two that exclude each
    other."""
    usable = [q for q in questions if q["type"] in EXAM_TYPES]
    first = {}
    for question in usable:
        if question.get("objective") in safety:
            first.setdefault(question["objective"], question["id"])
    order = [q for q in usable if q["id"] in first.values()] + \
        [q for q in usable if q["id"] not in first.values()]
    chosen: list[dict] = []
    for question in order:
        ids = {q["id"] for q in chosen}
        linked = set(question.get("excludes") or ()) | {
            q["id"] for q in chosen if question["id"] in (q.get("excludes") or ())}
        if len(chosen) < count and not linked & ids:
            chosen.append(question)
    position = {q["id"]: i for i, q in enumerate(questions)}
    return sorted(chosen, key=lambda q: position[q["id"]])


def drop_locks(lessons: Path) -> None:
    """Remove `sequencing` from every course.yaml under a copied lessons folder."""
    for course_file in lessons.glob("*/course.yaml"):
        course = yaml.safe_load(course_file.read_text())
        if course.pop("sequencing", None) is not None:
            course_file.write_text(yaml.safe_dump(course, sort_keys=False, allow_unicode=True))


def correct_form(quiz_data: dict) -> dict[str, list[str]]:
    """Return the form that answers every question of the exam right (option order unshuffled)."""
    from tpcourse.grading.types import question_type

    ids = [q["id"] for q in quiz_data["questions"]]
    orders = {q["id"]: question_type(q["type"]).draw_order(q, random.Random(0), False)
              for q in quiz_data["questions"]}
    attempt = SimpleNamespace(quiz_version=SimpleNamespace(data=quiz_data), question_ids=ids,
                              orders=orders)
    form = answer_form(attempt)
    return {field: value if isinstance(value, list) else [value] for field, value in form.items()}


@dataclass
class Database:
    """A fresh database for one benchmark run."""

    kind: str  # sqlite | postgresql
    url: str
    drop: object = None


@contextlib.contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[Database]:
    """Yield a new empty SQLite file or PostgreSQL database; drop the PostgreSQL one after."""
    if kind == "sqlite":
        yield Database(kind, f"sqlite:///{workdir / 'bench.sqlite3'}")
        return
    from sqlalchemy import create_engine, text

    name = f"tpcourse_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield Database(kind, PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_available() -> bool:
    """Whether the PostgreSQL server the benchmarks use answers."""
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                               connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 — any failure means "not available"
        return False


def prepare(database: Database, workdir: Path) -> dict:
    """Migrate, sync the bench content, create the baseline's table; return the exam and key."""
    from flask_migrate import upgrade

    from bench.baseline_app import create_tables
    from tpcourse import create_app
    from tpcourse.config import database_url
    from tpcourse.content.loader import load_content
    from tpcourse.services.authoring.content_sync import sync_content

    lessons, quizzes = write_bench_content(workdir / "content")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(database.url),
                      "SECRET_KEY": SECRET_KEY})
    app.instance_path = str(workdir / "instance")
    with app.app_context():
        upgrade(revision="heads")
        content = load_content(lessons, quizzes)
        assert content.ok, [str(p) for p in content.problems]
        sync_content(content)
        from tpcourse.extensions import db

        db.engine.dispose()
    create_tables(database.url)
    exam = content.quizzes[EXAM].data
    key = correct_form(exam)
    key_file = workdir / "key.json"
    key_file.write_text(json.dumps(key))
    return {"exam": exam, "key": key, "key_file": key_file, "lessons": lessons,
            "quizzes": quizzes}


def create_trainees(database: Database, prefix: str, count: int, scrypt_count: int) -> list[str]:
    """Bulk-insert `count` enrolled trainees; the first `scrypt_count` get production hashes.

    The rest get a cheap PBKDF2 hash (werkzeug checks any method it knows), so logging in a few
    thousand accounts before the timed part takes seconds, not minutes.
    """
    from sqlalchemy import create_engine, insert, select
    from werkzeug.security import generate_password_hash

    from tpcourse.config import database_url
    from tpcourse.models import Course, Enrollment, User, utcnow

    engine = create_engine(database_url(database.url))
    slow = generate_password_hash(PASSWORD)
    cheap = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    emails = [f"{prefix}-{n}@bench.example" for n in range(count)]
    now = utcnow()
    with engine.begin() as conn:
        course_id = conn.execute(select(Course.id)).scalars().first()
        first = (conn.execute(select(User.id).order_by(User.id.desc()).limit(1)).scalar() or 0) + 1
        conn.execute(insert(User), [
            {"id": first + n, "email": email, "name": f"Bench Trainee {n}",
             "password_hash": slow if n < scrypt_count else cheap, "role": "trainee",
             "active": True, "created_at": now} for n, email in enumerate(emails)])
        conn.execute(insert(Enrollment), [
            {"user_id": first + n, "course_id": course_id, "enrolled_at": now}
            for n in range(count)])
    engine.dispose()
    return emails


def process_cpu(pids: list[int]) -> float:
    """Return the CPU seconds (user + system) the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def children(pid: int) -> list[int]:
    """Return the process and its direct children (gunicorn's master and workers)."""
    found = [pid]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def postgres_pids(url: str) -> list[int]:
    """Return the ids of the PostgreSQL backends serving this database (for CPU accounting)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        return [row[0] for row in conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))]


@dataclass
class Server:
    """A gunicorn process serving one app on 127.0.0.1."""

    process: subprocess.Popen
    port: int
    log: Path

    @property
    def base(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop gunicorn (graceful, then forced) by its process id."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_server(app_spec: str, env: dict[str, str], workers: int, threads: int,
                 log: Path) -> Server:
    """Start gunicorn with the production worker settings and wait until /healthz answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
               "--threads", str(threads), "--worker-class", "gthread",
               "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "--timeout", "60",
               "--graceful-timeout", "10", "--keep-alive", "75", "--log-level", "warning",
               app_spec]
    handle = log.open("w")
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, stdout=handle,
                               stderr=subprocess.STDOUT)
    server = Server(process, port, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{app_spec} exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{server.base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{app_spec} did not answer on {server.base}:\n{log.read_text()[-3000:]}")
