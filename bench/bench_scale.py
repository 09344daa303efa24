"""Every page people load, at a large provider's size (issue 27).

Builds the role matrix's world (tests/permissions/route_world.py: one user per role, their
schools, cohorts, attempts, records, tokens ...), loads the shipped course beside it, then adds
a large provider's data with bulk inserts: 50 schools, 20,000 trainees, 20 courses, 500,000
graded attempts (50,000 of them on the shipped final exam), 100,000 completion records, their
enrolments and cohorts, and audit events to match. The attempts are copies of real attempts
graded by the real services (a few dozen templates with different answers), so item analysis
has real results to read.

Then it loads every GET page of the role matrix (docs/security.md) as the first role that may
see it, plus the shipped final exam's studio editor and item analysis, `--loads` times each
after one warm-up load, and prints p50/p95 server time (the Flask test client, in process:
no network), bytes and SQL statements, slowest first, against the issue's budgets.

    python -m bench.bench_scale [--db postgresql|sqlite] [--scale 1.0] [--loads 10]

`--scale 0.01` is the smoke run (200 trainees, 5,000 attempts).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import fresh_database, postgres_available  # noqa: E402

SCHOOLS, TRAINEES, COURSES = 50, 20_000, 20
ATTEMPTS, FINAL_ATTEMPTS, RECORDS, COURSES_PER_TRAINEE = 500_000, 50_000, 100_000, 5
TEMPLATES = 24  # graded attempts per quiz shape, copied to make the bulk
CHUNK = 5_000
BUDGETS = {"item analysis (final, 50k attempts)": 1000, "studio editor (final)": 200}
DEFAULT_BUDGET = 150  # ms, p95, every other page
EXEMPT = ("export", "download", ".csv", ".json", ".pdf")  # exports and documents: own benchmarks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--top", type=int, default=0, help="print only the N slowest pages")
    parser.add_argument("--pages", default="", help="only pages whose name contains this")
    args = parser.parse_args()
    if args.db == "postgresql" and not postgres_available():
        print("PostgreSQL is not available: nothing measured.")
        return
    with tempfile.TemporaryDirectory(prefix="tpcourse-scale-") as tmp, \
            fresh_database(args.db, Path(tmp)) as database:
        run(database.url, Path(tmp), args)


def run(url: str, folder: Path, args: argparse.Namespace) -> None:
    from flask_migrate import upgrade

    from tests.conftest import Clock, make_app
    from tests.permissions.route_world import build_world

    clock = Clock()
    app = make_app(url, folder / "instance", TPCOURSE_NOW=clock,
                   TPCOURSE_VERIFY_LIMIT="1000000 per minute",
                   TPCOURSE_API_FAILURE_LIMIT="1000000 per minute",
                   TPCOURSE_API_LIMIT="1000000 per minute")
    with app.app_context():
        upgrade(revision="heads")
    started = time.perf_counter()
    world = build_world(app, folder, clock)
    with app.app_context():
        sizes = fill(app, clock, args.scale)
    print(f"filled in {time.perf_counter() - started:.0f} s: "
          + ", ".join(f"{count:,} {name}" for name, count in sizes.items()))
    pages = measure(world, args.loads, args.pages)
    report(pages, args.db, args.top)


# --- the data --------------------------------------------------------------------------------

def fill(app, clock, scale: float) -> dict[str, int]:
    """Add the large provider's data beside the world; return the row counts added."""
    from sqlalchemy import func, select

    from tpcourse.extensions import db
    from tpcourse.models import Course, CourseInstructor, User
    from tpcourse.services.authoring.content_sync import sync_from_folders

    shipped = _without_locks()
    sync_from_folders(shipped / "lessons", shipped / "quizzes")
    copies = _course_copies(app, COURSES - db.session.execute(
        select(func.count(Course.id))).scalar())
    sync_from_folders(copies / "lessons", copies / "quizzes")
    instructor = db.session.execute(select(User).filter_by(
        email="instructor@example.com")).scalar_one()
    for course in db.session.execute(select(Course)).scalars():
        if db.session.get(CourseInstructor, (instructor.id, course.id)) is None:
            db.session.add(CourseInstructor(user_id=instructor.id, course_id=course.id))
    db.session.commit()

    trainees = max(int(TRAINEES * scale), 50)
    now = clock.now
    school_ids = _schools(now)
    user_ids = _trainees(trainees, school_ids, now)
    courses = _current_versions()
    enrolments, cohort_count = _enrolments(user_ids, school_ids, courses, now)
    templates = _templates(courses, now)
    attempts = _attempts(user_ids, templates, int(ATTEMPTS * scale),
                         int(FINAL_ATTEMPTS * scale), now)
    records = _records(user_ids, school_ids, courses, int(RECORDS * scale), now)
    events = _audit_events(attempts + records, now)
    return {"schools": len(school_ids), "trainees": len(user_ids), "courses": len(courses),
            "cohorts": cohort_count, "enrolments": enrolments, "attempts": attempts,
            "records": records, "audit events": events}


def _without_locks() -> Path:
    """A copy of the shipped course without `sequencing`: the template attempts are sat
    straight away, as in a course without locked steps (what is measured is pages)."""
    import shutil

    from bench.harness import drop_locks

    out = Path(tempfile.mkdtemp(prefix="tpcourse-scale-shipped-"))
    shutil.copytree(ROOT / "lessons", out / "lessons")
    shutil.copytree(ROOT / "quizzes", out / "quizzes")
    drop_locks(out / "lessons")
    return out


def _course_copies(app, count: int) -> Path:
    """`count` copies of the test course under new slugs (quizzes renamed too)."""
    from tests.conftest import CONTENT

    out = Path(tempfile.mkdtemp(prefix="tpcourse-scale-courses-"))
    (out / "lessons").mkdir()
    (out / "quizzes").mkdir()
    import shutil

    shutil.copytree(CONTENT / "lessons" / "assets", out / "lessons" / "assets")
    quiz_slugs = [p.stem for p in (CONTENT / "quizzes").glob("*.yaml")]
    for n in range(1, count + 1):
        target = out / "lessons" / f"basics-{n}"
        shutil.copytree(CONTENT / "lessons" / "basics", target)
        course = target / "course.yaml"
        text = course.read_text().replace("slug: basics", f"slug: basics-{n}").replace(
            "title: Basics of Pressure Work", f"title: Basics of Pressure Work {n}")
        for slug in quiz_slugs:
            text = text.replace(slug, f"{slug}-{n}")
        course.write_text(text)
        for module in target.glob("*/module.yaml"):
            text = module.read_text()
            for slug in quiz_slugs:
                text = text.replace(f"quiz: {slug}", f"quiz: {slug}-{n}")
            module.write_text(text)
        for slug in quiz_slugs:
            text = (CONTENT / "quizzes" / f"{slug}.yaml").read_text()
            text = text.replace(f"slug: {slug}", f"slug: {slug}-{n}", 1)
            (out / "quizzes" / f"{slug}-{n}.yaml").write_text(text)
    return out


def _insert(table, rows) -> int:
    """Insert rows (an iterable of dicts) in chunks through Core; return how many."""
    from tpcourse.extensions import db

    count, chunk = 0, []
    with db.engine.begin() as conn:
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                conn.execute(table.insert(), chunk)
                count, chunk = count + len(chunk), []
        if chunk:
            conn.execute(table.insert(), chunk)
            count += len(chunk)
    return count


def _ids(model, column, prefix: str) -> list[int]:
    from sqlalchemy import select

    from tpcourse.extensions import db

    return list(db.session.execute(select(model.id).where(column.like(f"{prefix}%"))
                                   .order_by(model.id)).scalars())


def _schools(now) -> list[int]:
    """North (the world's school: the large one) and 49 more."""
    from sqlalchemy import select

    from tpcourse.extensions import db
    from tpcourse.models import School

    _insert(School.__table__, ({"slug": f"school-{n:02}", "name": f"School {n:02}",
                                "created_at": now} for n in range(1, SCHOOLS)))
    north = db.session.execute(select(School.id).filter_by(slug="north")).scalar_one()
    return [north, *_ids(School, School.slug, "school-")]


def _trainees(count: int, school_ids: list[int], now) -> list[int]:
    """Trainees: a tenth at north (2,000 at full size), the rest spread over the others."""
    from tpcourse.models import User

    def school(n: int) -> int:
        return school_ids[0] if n % 10 == 0 else school_ids[1 + n % (len(school_ids) - 1)]

    _insert(User.__table__, ({"email": f"bulk{n}@example.org", "name": f"Trainee {n:05}",
                              "password_hash": "!", "role": "trainee", "active": True,
                              "school_id": school(n), "created_at": now - timedelta(days=n % 900)}
                             for n in range(count)))
    return _ids(User, User.email, "bulk")


def _current_versions() -> list[tuple[int, int, float, int | None]]:
    """(course id, current version id, CE hours, validity days) of every course."""
    from sqlalchemy import select

    from tpcourse.extensions import db
    from tpcourse.models import Course, CourseVersion

    return [tuple(row) for row in db.session.execute(
        select(Course.id, CourseVersion.id, CourseVersion.ce_hours,
               CourseVersion.certificate_valid_days)
        .join(CourseVersion, CourseVersion.course_id == Course.id)
        .where(CourseVersion.version == Course.current_version).order_by(Course.id))]


def _course_of(index: int, k: int, courses) -> tuple:
    """The k-th course of a trainee (five different ones, spread by the trainee's number)."""
    return courses[(index + 4 * k) % len(courses)]


def _enrolments(user_ids, school_ids, courses, now) -> tuple[int, int]:
    """Enrol each trainee in five courses, in a cohort of their school on that course."""
    from sqlalchemy import select

    from tpcourse.extensions import db
    from tpcourse.models import Cohort, Enrollment, User

    schools = dict(db.session.execute(select(User.id, User.school_id).where(
        User.email.like("bulk%"))).all())
    _insert(Cohort.__table__, ({"school_id": school, "course_id": course[0],
                                "name": f"Class of course {course[0]}",
                                "invite_code": f"BULK{school:03}{course[0]:03}",
                                "created_at": now - timedelta(days=200)}
                               for school in school_ids for course in courses))
    cohort = {(c.school_id, c.course_id): c.id for c in db.session.execute(
        select(Cohort).where(Cohort.invite_code.like("BULK%"))).scalars()}
    count = _insert(Enrollment.__table__, (
        {"user_id": uid, "course_id": _course_of(i, k, courses)[0],
         "cohort_id": cohort[(schools[uid], _course_of(i, k, courses)[0])],
         "enrolled_at": now - timedelta(days=(i + k) % 700)}
        for i, uid in enumerate(user_ids) for k in range(COURSES_PER_TRAINEE)))
    return count, len(cohort)


def _templates(courses, now) -> dict[int, list[dict]]:
    """Graded attempts made by the real services, per quiz: {quiz id: [attempt rows]}.

    Each quiz gets TEMPLATES attempts by template trainees, answering a different share of the
    questions right (so scores, passes and item statistics vary)."""
    from sqlalchemy import select

    from tpcourse.extensions import db
    from tpcourse.grading.types import question_type
    from tpcourse.models import PASSWORD_NOT_CHOSEN, Attempt, Quiz
    from tpcourse.services.accounts.accounts import create_user
    from tpcourse.services.exams.attempts import finish_saved, get_quiz, start_attempt
    from tpcourse.services.learning.learning import enroll

    rng = random.Random(27)
    quizzes = list(db.session.execute(select(Quiz.id, Quiz.slug, Quiz.course_id)).all())
    users = [create_user(f"template{n}@example.org", f"Template {n}", None, "trainee", None,
                         password_hash=PASSWORD_NOT_CHOSEN) for n in range(TEMPLATES)]
    user_ids = [u.id for u in users]
    for uid in user_ids:
        for course in courses:
            enroll(db.session.get(type(users[0]), uid), course[0])
    templates: dict[int, list[dict]] = {}
    for quiz_id, slug, _course in quizzes:
        made = []
        for n, uid in enumerate(user_ids):
            quiz, version = get_quiz(slug)
            user = db.session.get(type(users[0]), uid)
            attempt = start_attempt(user, quiz, version, now - timedelta(days=400), rng=rng)
            by_id = {q["id"]: q for q in version.data["questions"]}
            share = 0.35 + 0.65 * n / (TEMPLATES - 1)
            right = [q for q in attempt.question_ids if rng.random() < share]
            attempt.responses = {qid: question_type(by_id[qid]["type"]).key_response(by_id[qid])
                                 for qid in right}
            attempt_id = attempt.id
            db.session.commit()
            finish_saved(attempt_id, user, now - timedelta(days=400, minutes=-10))
            made.append(attempt_id)
        templates[quiz_id] = [
            {c.name: getattr(a, c.key) for c in Attempt.__table__.columns}
            for a in db.session.execute(select(Attempt).where(Attempt.id.in_(made))).scalars()]
    return templates


def _attempts(user_ids, templates, total: int, on_final: int, now) -> int:
    """Copy the template attempts to the bulk trainees: `on_final` on the shipped final exam,
    the rest spread over the other quizzes."""
    from sqlalchemy import select

    from tpcourse.extensions import db
    from tpcourse.models import Attempt, Quiz

    final = db.session.execute(select(Quiz.id).filter_by(slug="trigger-point-final")).scalar()
    others = [q for q in templates if q != final]

    def rows():
        numbers: dict[tuple[int, int], int] = {}
        for n in range(total):
            quiz = final if n < on_final else others[n % len(others)]
            user = user_ids[(n * 7919) % len(user_ids)]
            number = numbers[(user, quiz)] = numbers.get((user, quiz), 0) + 1
            row = dict(templates[quiz][n % TEMPLATES])
            started = now - timedelta(days=n % 700, minutes=n % 600)
            row.update(id=f"bulk{n:09d}", user_id=user, number=number, started_at=started,
                       submitted_at=started + timedelta(minutes=14),
                       saved_at=None, deadline=None)
            yield row
    return _insert(Attempt.__table__, rows())


def _records(user_ids, school_ids, courses, total: int, now) -> int:
    """Completion records: each trainee's first courses, completed over the last two years."""
    from tpcourse.models import CompletionRecord

    def rows():
        for n in range(total):
            i, k = n % len(user_ids), n // len(user_ids)
            if k >= COURSES_PER_TRAINEE:
                return
            course_id, version_id, hours, valid = _course_of(i, k, courses)
            completed = now - timedelta(days=n % 730, hours=n % 24)
            yield {"user_id": user_ids[i], "course_id": course_id,
                   "course_version_id": version_id, "completed_at": completed,
                   "score": 80 + n % 21, "ce_hours": hours,
                   "certificate_code": f"BULK-{n:08d}",
                   "expires_at": completed + timedelta(days=valid) if valid else None}
    return _insert(CompletionRecord.__table__, rows())


def _audit_events(count: int, now) -> int:
    """One audit event per bulk grade and record, chained after the world's events with the
    real hash chain (so `flask audit verify` would pass), and the chain's head moved."""
    from sqlalchemy import select, update

    from tpcourse.extensions import db
    from tpcourse.models import AuditEvent, AuditHead
    from tpcourse.records.audit_chain import AuditEntry, next_entry

    head = db.session.execute(select(AuditHead.seq, AuditHead.hash)).first()
    db.session.remove()
    previous = [AuditEntry(head.seq, now, None, "", {}, "", head.hash) if head else None]

    def rows():
        for n in range(count):
            entry = next_entry(previous[0], now - timedelta(minutes=count - n), "bulk",
                               "attempt.graded" if n % 6 else "completion.created", {"bulk": n})
            previous[0] = entry
            yield {"seq": entry.seq, "at": entry.at, "actor": entry.actor, "kind": entry.kind,
                   "payload": entry.payload, "prev_hash": entry.prev_hash, "hash": entry.hash}
    added = _insert(AuditEvent.__table__, rows())
    with db.engine.begin() as conn:
        conn.execute(update(AuditHead.__table__).where(AuditHead.id == 1).values(
            seq=previous[0].seq, hash=previous[0].hash))
    return added


# --- the pages -------------------------------------------------------------------------------

PREFERRED = ("trainee", "instructor", "school_admin", "admin", "anonymous", "other_trainee",
             "other_instructor", "other_school_admin")


def pages_to_load(world) -> list[tuple[str, str, str]]:
    """(label, role, url) of every GET page of the matrix, as the first role given a 200."""
    from tests.permissions.test_route_matrix import ROWS

    pages = []
    for row in ROWS:
        if row.method != "GET":
            continue
        role = next((r for r in PREFERRED if row.expected[r] == 200), None)
        if role is not None:
            pages.append((row.endpoint, role, world.url(row.path, role)))
    final = [(label, url) for label, url in (
        ("studio editor (final)", "/author/quizzes/trigger-point-final"),
        ("item analysis (final, 50k attempts)", "/author/quizzes/trigger-point-final/analysis"))]
    pages += [(label, "instructor", url) for label, url in final]
    return pages


def measure(world, loads: int, only: str = "") -> list[dict]:
    from sqlalchemy import event

    from tpcourse.extensions import db

    with world.app.app_context():
        engine = db.engine
    statements = [0]

    def count(*_args):
        statements[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    results = []
    for label, role, url in pages_to_load(world):
        if only and only not in label:
            continue
        times, size, status = [], 0, None
        for n in range(loads + 1):
            statements[0] = 0
            started = time.perf_counter()
            response = world.request(role, "GET", url)
            elapsed = (time.perf_counter() - started) * 1000
            status, size = response.status_code, len(response.get_data())
            if n:  # the first load warms the process caches
                times.append(elapsed)
        times.sort()
        results.append({"page": label, "role": role, "url": url, "status": status,
                        "p50": statistics.median(times),
                        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                        "bytes": size, "statements": statements[0]})
    event.remove(engine, "before_cursor_execute", count)
    return results


def budget(page: dict) -> float | None:
    if any(word in page["url"] for word in EXEMPT):
        return None
    return BUDGETS.get(page["page"], DEFAULT_BUDGET)


def report(pages: list[dict], db_kind: str, top: int) -> None:
    pages.sort(key=lambda p: -p["p95"])
    over = [p for p in pages if budget(p) is not None and p["p95"] > budget(p)]
    print(f"\n{len(pages)} pages on {db_kind}; p50/p95 ms server time over repeated loads")
    print(f"{'page':<44} {'role':<13} {'status':>6} {'p50':>8} {'p95':>8} {'budget':>7} "
          f"{'KB':>7} {'SQL':>4}")
    for page in pages[:top or None]:
        limit = budget(page)
        print(f"{page['page'][:44]:<44} {page['role']:<13} {page['status']:>6} "
              f"{page['p50']:>8.1f} {page['p95']:>8.1f} "
              f"{(str(int(limit)) if limit else 'export'):>7} {page['bytes'] / 1024:>7.1f} "
              f"{page['statements']:>4}")
    print(f"\nover budget: {len(over)}"
          + "".join(f"\n  {p['page']} ({p['role']}): p95 {p['p95']:.0f} ms > "
                    f"{budget(p):.0f} ms" for p in over))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
