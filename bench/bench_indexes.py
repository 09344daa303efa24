"""Time the hot read queries with and without the indexes of migration 0003e.

    python bench/bench_indexes.py [--databases sqlite,postgresql] [--attempts 100000]

Fills a fresh database with attempts spread over 20 quizzes (one version each) and completion
records over two years, then times each query (best of five) with its index dropped and again
with it created, and prints the plan the database chose each time.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from bench import harness  # noqa: E402

QUERIES = {  # index -> (query, parameters)
    "ix_attempts_version_status": (
        "SELECT id, user_id, submitted_at, responses, results FROM attempts "
        "WHERE quiz_version_id = :v AND status IN ('submitted', 'expired') "
        "AND submitted_at IS NOT NULL", {"v": 7}),
    "ix_attempts_quiz_status": (
        "SELECT quiz_version_id, count(*) FROM attempts WHERE quiz_id = :q "
        "AND status IN ('submitted', 'expired') GROUP BY quiz_version_id", {"q": 7}),
    "ix_completion_records_completed_at": (
        "SELECT id, user_id, certificate_code FROM completion_records "
        "WHERE completed_at >= :since AND completed_at < :until",
        {"since": datetime(2025, 3, 1), "until": datetime(2025, 3, 8)}),
}
COLUMNS = {"ix_attempts_version_status": ("attempts", "quiz_version_id, status"),
           "ix_attempts_quiz_status": ("attempts", "quiz_id, status"),
           "ix_completion_records_completed_at": ("completion_records", "completed_at")}


def fill(url: str, attempts: int) -> None:
    """Insert quizzes, users and `attempts` graded attempts, and one record per user."""
    engine = create_engine(url)
    rng = random.Random(3)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    users = max(1, attempts // 10)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO quizzes (id, slug, current_version, created_at) "
                          "VALUES (:i, :s, 1, :t)"),
                     [{"i": i, "s": f"q{i}", "t": start} for i in range(1, 21)])
        conn.execute(text("INSERT INTO quiz_versions (id, quiz_id, version, content_hash, title, "
                          "data, created_at) VALUES (:i, :i, 1, 'h', 't', '{}', :t)"),
                     [{"i": i, "t": start} for i in range(1, 21)])
        conn.execute(text("INSERT INTO users (id, email, name, password_hash, role, active, "
                          "created_at) VALUES (:i, :e, 'n', 'x', 'trainee', true, :t)"),
                     [{"i": i, "e": f"u{i}@x", "t": start} for i in range(1, users + 1)])
        rows = []
        for n in range(attempts):
            quiz = rng.randint(1, 20)
            rows.append({"id": f"a{n}", "u": n % users + 1, "q": quiz, "num": n // users + 1,
                         "s": rng.choice(("submitted", "submitted", "expired", "in_progress")),
                         "t": start + timedelta(minutes=n)})
        conn.execute(text(
            "INSERT INTO attempts (id, user_id, quiz_id, quiz_version_id, number, status, "
            "started_at, submitted_at, question_ids, orders, responses, results) VALUES "
            "(:id, :u, :q, :q, :num, :s, :t, :t, '[]', '{}', '{}', '[]')"), rows)
        conn.execute(text("INSERT INTO courses (id, slug, current_version, created_at) "
                          "VALUES (1, 'c', 1, :t)"), {"t": start})
        conn.execute(text(
            "INSERT INTO course_versions (id, course_id, version, content_hash, title, summary, "
            "ce_hours, completion, created_at) VALUES (1, 1, 1, 'h', 't', '', 1, '{}', :t)"),
            {"t": start})
        conn.execute(text(
            "INSERT INTO completion_records (user_id, course_id, course_version_id, completed_at, "
            "ce_hours, certificate_code) VALUES (:u, 1, 1, :t, 1, :c)"),
            [{"u": u, "t": start + timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)),
              "c": f"TP-{u}"} for u in range(1, users + 1)])
    engine.dispose()


def best_ms(conn, query: str, params: dict) -> float:
    """Return the fastest of five runs, in milliseconds."""
    best = float("inf")
    for _ in range(5):
        began = time.perf_counter()
        conn.execute(text(query), params).all()
        best = min(best, time.perf_counter() - began)
    return best * 1000


def plan(conn, kind: str, query: str, params: dict) -> str:
    """Return the database's plan for the query, on one line."""
    prefix = "EXPLAIN QUERY PLAN " if kind == "sqlite" else "EXPLAIN "
    rows = conn.execute(text(prefix + query), params).all()
    return " | ".join(str(row[-1]) for row in rows)[:110]


def main() -> None:
    """Fill each database, time each query without and with its index."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--attempts", type=int, default=100_000)
    args = parser.parse_args()
    kinds = args.databases.split(",")
    if "postgresql" in kinds and not harness.postgres_available():
        kinds.remove("postgresql")
    print(f"{'db':<11}{'index':<36}{'without ms':>11}{'with ms':>9}  plan with the index")
    for kind in kinds:
        with tempfile.TemporaryDirectory() as tmp, \
                harness.fresh_database(kind, Path(tmp)) as database:
            harness.prepare(database, Path(tmp))
            from tpcourse.config import database_url

            url = database_url(database.url)
            engine = create_engine(url)
            with engine.begin() as conn:  # an empty schema but for the tables filled below
                for table in ("attempts", "audit_events", "audit_head", "lessons", "modules",
                              "enrollments", "quiz_versions", "quizzes", "course_versions",
                              "courses"):
                    conn.execute(text(f"DELETE FROM {table}"))
            fill(url, args.attempts)
            with engine.begin() as conn:
                if kind == "postgresql":
                    conn.execute(text("ANALYZE"))
                for index, (query, params) in QUERIES.items():
                    table, columns = COLUMNS[index]
                    conn.execute(text(f"DROP INDEX {index}"))
                    without = best_ms(conn, query, params)
                    conn.execute(text(f"CREATE INDEX {index} ON {table} ({columns})"))
                    if kind == "postgresql":
                        conn.execute(text(f"ANALYZE {table}"))
                    with_index = best_ms(conn, query, params)
                    print(f"{kind:<11}{index:<36}{without:>11.2f}{with_index:>9.2f}  "
                          f"{plan(conn, kind, query, params)}", flush=True)
            engine.dispose()


if __name__ == "__main__":
    main()
