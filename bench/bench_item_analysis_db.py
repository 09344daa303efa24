"""Time item analysis from the database: 10,000 stored attempts × 50 questions.

Run from the repository root: `python -m bench.bench_item_analysis_db` (SQLite in a temporary
folder), `--db postgresql` (a fresh PostgreSQL database, dropped afterwards; see
bench/harness.py), or with DATABASE_URL=... to use an existing, empty database. It measures
what the analysis page does after the permission check: read the graded attempts of one
version (one streamed query), build the analysis records, select first attempts, analyse,
draw the charts; then, in a separate untimed run, the peak memory traced while reading.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path


def _quiz_data(k: int) -> dict:
    questions = [{"id": f"q{j:02d}", "type": "single", "points": 1, "objective": f"OBJ-{j % 5}",
                  "tags": [("neck", "back", "hip")[j % 3]], "pool": None, "must_pass": False,
                  "prompt": f"Question {j}", "prompt_html": f"Question {j}", "explanation": "",
                  "explanation_html": "",
                  "options": [{"id": o, "text": o.upper(), "correct": o == "a"} for o in "abcd"]}
                 for j in range(k)]
    return {"slug": "bench", "title": "Bench", "pass_mark": 80, "questions": questions,
            "draw": {}, "review": "after_submit", "grading": "highest"}


def _seed(db, n: int, k: int, seed: int) -> object:
    from sqlalchemy import insert, select

    from tpcourse.models import Attempt, Quiz, QuizVersion, User

    rng = random.Random(seed)
    quiz = Quiz(slug="bench", current_version=1)
    db.session.add(quiz)
    db.session.flush()
    version = QuizVersion(quiz_id=quiz.id, version=1, content_hash="0" * 64, title="Bench",
                          data=_quiz_data(k))
    db.session.add(version)
    users = [{"email": f"b{i}@bench.local", "name": f"B {i}", "password_hash": "x",
              "role": "trainee", "active": True} for i in range(n)]
    db.session.execute(insert(User), users)
    db.session.flush()
    ids = list(db.session.execute(select(User.id).order_by(User.id)).scalars())
    start = datetime(2026, 1, 1, tzinfo=UTC)
    difficulty = [rng.gauss(0, 1) for _ in range(k)]
    rows = []
    for i, user_id in enumerate(ids):
        ability = rng.gauss(0, 1)
        responses, results = {}, []
        for j in range(k):
            right = rng.random() < 1 / (1 + 2.718281828 ** -(1.5 * (ability - difficulty[j])))
            responses[f"q{j:02d}"] = "a" if right else rng.choice("bcd")
            results.append({"id": f"q{j:02d}", "points": 1.0, "score": float(right),
                            "must_pass": False})
        score = sum(r["score"] for r in results)
        rows.append({"id": secrets.token_urlsafe(16), "user_id": user_id, "quiz_id": quiz.id,
                     "quiz_version_id": version.id, "number": 1, "status": "submitted",
                     "started_at": start, "submitted_at": start + timedelta(seconds=i),
                     "question_ids": [f"q{j:02d}" for j in range(k)], "orders": {},
                     "responses": responses, "results": results, "score": score,
                     "max_score": float(k), "percent": 100 * score / k, "passed": score >= 0.8 * k})
    for chunk in range(0, len(rows), 2000):
        db.session.execute(insert(Attempt), rows[chunk:chunk + 2000])
    db.session.commit()
    return version


def _time(db, version, repeat: int):
    """Return the best run's (read, compute) wall and CPU seconds, and its report.

    CPU seconds are this process's (not the database server's): on a shared machine they move
    far less with other load than the wall-clock figures.
    """
    from tpcourse.analysis import analyse, select_attempts
    from tpcourse.analysis.charts import facility_bars_svg, histogram_svg
    from tpcourse.services.authoring.item_analysis import attempt_records, question_meta

    timings = []
    for _ in range(repeat):
        db.session.expire_all()
        t0, c0 = time.perf_counter(), time.process_time()
        records = attempt_records(version)
        t1, c1 = time.perf_counter(), time.process_time()
        report = analyse(select_attempts(records, "first"), question_meta(version.data))
        histogram_svg(report.quiz.histogram)
        facility_bars_svg([(i.question_id, i.facility) for i in report.items])
        t2, c2 = time.perf_counter(), time.process_time()
        timings.append(((t1 - t0, t2 - t1), (c1 - c0, c2 - c1)))
    return min(timings, key=lambda timing: sum(timing[0])), report


def _peak_read_mb(db, version) -> float:
    """Peak memory (MB, tracemalloc) while reading the records, records included."""
    from tpcourse.services.authoring.item_analysis import attempt_records

    db.session.expire_all()
    tracemalloc.start()
    records = attempt_records(version)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del records
    return peak / 2**20


def run(url: str, folder: Path, args: argparse.Namespace) -> None:
    """Migrate and seed the database at `url`, then print the timings."""
    from flask_migrate import upgrade

    from tpcourse import create_app
    from tpcourse.config import database_url
    from tpcourse.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": "bench"})
    app.instance_path = str(folder)
    with app.app_context():
        upgrade(revision="heads")
        began = time.perf_counter()
        version = _seed(db, args.attempts, args.questions, seed=7)
        print(f"seeded {args.attempts} attempts × {args.questions} questions "
              f"in {time.perf_counter() - began:.1f} s ({db.engine.dialect.name})")
        ((read, compute), (read_cpu, compute_cpu)), report = _time(db, version, args.repeat)
        print(f"read and build records: {read:.2f} s; select, analyse and chart: {compute:.2f} s;"
              f" total {read + compute:.2f} s (best of {args.repeat})")
        print(f"CPU of this process in that run: read {read_cpu:.2f} s, analyse "
              f"{compute_cpu:.2f} s, total {read_cpu + compute_cpu:.2f} s")
        print(f"peak traced memory while reading: {_peak_read_mb(db, version):.0f} MB")
        print(f"alpha {report.quiz.alpha:.3f} over {report.quiz.n_attempts} attempts")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    """Seed a database, then time the analysis a few times and print the best run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="tpcourse-bench-"))
    if os.environ.get("DATABASE_URL"):
        run(os.environ["DATABASE_URL"], folder, args)
        return
    from bench.harness import fresh_database

    with fresh_database(args.db, folder) as database:
        run(database.url, folder, args)


if __name__ == "__main__":
    main()
