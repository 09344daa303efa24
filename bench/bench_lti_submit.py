"""Does grade passback slow the exam? Start + submit in one process, plain vs LMS-launched.

    python bench/bench_lti_submit.py [--databases sqlite,postgresql] [--cycles 300]

The same exam and requests as bench_cycle.py (Flask's test client), for trainees whose browser
sessions were launched from an LMS link with a line item, and for the same trainees without.
Plain and launched exams alternate in windows (ABBA) over the same accounts. Passback runs in
`manual` mode: the request only schedules it (as `after_response` does), so the
figures are the submit request's own; the kept jobs are then run against an LMS that cannot be
reached (connection refused at once), and their count and time are printed apart.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from bench import harness  # noqa: E402
from bench.bench_cycle import tpcourse_app  # noqa: E402

UNREACHABLE = "http://127.0.0.1:9"


def _link_everyone(app, emails: list[str]) -> int:
    """An LMS link on the bench exam, and an LMS identity for each trainee; return the link id."""
    from sqlalchemy import select

    from tpcourse.extensions import db
    from tpcourse.integrations.lti.registrations import PlatformForm, save_platform
    from tpcourse.models import Quiz, User, utcnow
    from tpcourse.models.integrations import LtiIdentity, LtiLink
    from tpcourse.services.accounts.accounts import ensure_school

    with app.app_context():
        school = ensure_school("bench", "Bench")
        platform = save_platform(school, None, PlatformForm(
            "LMS", UNREACHABLE, "c", ["1"], UNREACHABLE + "/a", UNREACHABLE + "/t",
            UNREACHABLE + "/k"), "bench", utcnow())
        quiz = db.session.execute(select(Quiz).filter_by(slug="trigger-point-final")).scalar_one()
        link = LtiLink(platform_id=platform.id, deployment_id="1", resource_link_id="rl",
                       target="quiz/trigger-point-final", course_id=quiz.course_id,
                       quiz_id=quiz.id, lineitem_url=UNREACHABLE + "/lineitems/1",
                       ags_scopes=["https://purl.imsglobal.org/spec/lti-ags/scope/score"])
        db.session.add(link)
        for user_id in db.session.execute(select(User.id).where(User.email.in_(emails))).scalars():
            db.session.add(LtiIdentity(platform_id=platform.id, subject=f"s{user_id}",
                                       user_id=user_id))
        db.session.commit()
        return link.id


def measure(kind: str, cycles: int) -> list[tuple[str, float, float, int, int]]:
    """Wall and CPU ms per exam and statements per start/submit, plain then launched."""
    from tpcourse.web.integrations import frame

    rows = []
    with tempfile.TemporaryDirectory(prefix="tpcourse-lti-") as tmp, \
            harness.fresh_database(kind, Path(tmp)) as database:
        prepared = harness.prepare(database, Path(tmp))
        trainees = max(40, cycles // 2)
        emails = harness.create_trainees(database, "lti", trainees, scrypt_count=0)
        app, engine, start_path = tpcourse_app(database, prepared)
        app.config["TPCOURSE_LTI_PASSBACK"] = "manual"
        link_id = _link_everyone(app, emails)
        statements, requests = [], threading.get_ident()
        event.listen(engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2])
                     if threading.get_ident() == requests else None)
        sessions = {}
        for launched in (False, True):
            sessions[launched] = []
            for email in emails:
                client = app.test_client()
                client.post("/login", data={"email": email, "password": harness.PASSWORD})
                if launched:
                    with client.session_transaction() as kept:
                        kept[frame.SESSION_KEY] = {"links": [link_id], "frame": ""}
                sessions[launched].append(client)

        def cycle(n: int, launched: bool) -> tuple[int, int]:
            clients = sessions[launched]
            client, before = clients[n % len(clients)], len(statements)
            started = client.post(start_path)
            middle = len(statements)
            submitted = client.post(started.headers["Location"], data=prepared["key"])
            assert submitted.headers["Location"].endswith("/result")
            return middle - before, len(statements) - middle

        for n in range(len(emails)):  # warm up both kinds of session
            cycle(n, n % 2 == 1)
        app.extensions.pop("lti_deferred", None)
        totals = {False: [0.0, 0.0, (0, 0)], True: [0.0, 0.0, (0, 0)]}
        window = max(1, cycles // 4)
        for launched in (False, True, True, False):  # ABBA: the accounts' growing histories
            began, cpu = time.perf_counter(), time.process_time()  # weigh on both alike
            for n in range(window):
                counts = cycle(n, launched)
            totals[launched][0] += time.perf_counter() - began
            totals[launched][1] += time.process_time() - cpu
            totals[launched][2] = counts
        for launched in (False, True):
            wall, cpu, counts = totals[launched]
            rows.append(("LMS-launched" if launched else "plain", 1000 * wall / (2 * window),
                         1000 * cpu / (2 * window), *counts))
        jobs = len(app.extensions.get("lti_deferred", []))
        began = time.perf_counter()
        frame.run_deferred(app)
        print(f"  {kind}: {jobs} passbacks kept by the LMS submits, run afterwards in "
              f"{1000 * (time.perf_counter() - began) / max(jobs, 1):.1f} ms each "
              f"(LMS unreachable: refused at once)")
        from tpcourse.services.records.audit_sealer import sealer_for

        sealer_for(app).wait_until_sealed(timeout=60)
        engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--cycles", type=int, default=300)
    args = parser.parse_args()
    databases = args.databases.split(",")
    if "postgresql" in databases and not harness.postgres_available():
        databases.remove("postgresql")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    table = [(kind, *row) for kind in databases for row in measure(kind, args.cycles)]
    print(f"{'db':<11}{'session':<14}{'ms/exam':>9}{'CPU ms':>8}{'start SQL':>11}"
          f"{'submit SQL':>12}")
    for kind, which, wall, cpu, start_sql, submit_sql in table:
        print(f"{kind:<11}{which:<14}{wall:>9.2f}{cpu:>8.2f}{start_sql:>11}{submit_sql:>12}")


if __name__ == "__main__":
    main()
