"""The exam load of bench/loadgen.py written for Locust (FastHttpUser), to compare the two.

Each simulated trainee logs one account in (the CSRF token from the login form, then from a
logged-in form), then starts the bench exam and submits the right answers, again and again:
the same requests as `loadgen.take_exam`. Locust is not among tpcourse's dependencies; run
it from a virtualenv of its own, e.g.

    locust -f bench/locustfile.py --headless -u 16 -r 16 -t 20s --host http://127.0.0.1:PORT

with BENCH_ACCOUNTS (a file of e-mail addresses, one a line), BENCH_PASSWORD and
BENCH_KEY_FILE (the answer form as JSON) set. Run as a script (`python bench/locustfile.py
PORT USERS WARMUP SECONDS`), it drives that many users in process and prints, as JSON, the
exams, requests and this process's CPU seconds of the measured window only (after WARMUP):
what `bench_loadtools.py` compares with loadgen's.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, constant, task

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
EXAM = "/quizzes/trigger-point-final"
_accounts = itertools.cycle(Path(os.environ["BENCH_ACCOUNTS"]).read_text().split()
                            if "BENCH_ACCOUNTS" in os.environ else [])
ANSWERS = json.loads(Path(os.environ["BENCH_KEY_FILE"]).read_text()) \
    if "BENCH_KEY_FILE" in os.environ else {}


class Trainee(FastHttpUser):
    """One trainee sitting the exam again and again (closed loop, no think time)."""

    wait_time = constant(0)

    def on_start(self) -> None:
        """Log an account in and keep the CSRF token of a logged-in form."""
        page = self.client.get("/login", name="login form").text
        self.client.post("/login", name="login", allow_redirects=False, headers=FORM,
                         data=urlencode({"email": next(_accounts),
                                         "password": os.environ["BENCH_PASSWORD"],
                                         "csrf_token": CSRF.search(page).group(1)}))
        self.csrf = CSRF.search(self.client.get(EXAM, name="exam page").text).group(1)

    @task
    def sit_exam(self) -> None:
        """Start an attempt, submit the right answers; anything but the redirects fails."""
        with self.client.post(f"{EXAM}/start", name="start", headers=FORM,
                              data=urlencode({"csrf_token": self.csrf}),
                              allow_redirects=False, catch_response=True) as started:
            location = started.headers.get("Location", "")
            if started.status_code != 302 or "/attempts/" not in location:
                started.failure(f"{started.status_code} {location}")
                return
        path = "/" + location.split("://", 1)[-1].split("/", 1)[-1] if "://" in location \
            else location
        answers = urlencode({**ANSWERS, "csrf_token": [self.csrf]}, doseq=True)
        with self.client.post(path, name="submit", allow_redirects=False, catch_response=True,
                              headers=FORM, data=answers) as submitted:
            if submitted.status_code != 302 or \
                    not submitted.headers.get("Location", "").endswith("/result"):
                submitted.failure(f"{submitted.status_code}")


def measure(port: int, users: int, warmup: float, seconds: float) -> dict:
    """Drive `users` trainees in this process; return the measured window's counts and CPU."""
    import resource

    import gevent
    from locust.env import Environment

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    env = Environment(user_classes=[Trainee], host=f"http://127.0.0.1:{port}")
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(warmup)
    before = (env.stats.get("submit", "POST").num_requests, env.stats.total.num_requests,
              env.stats.total.num_failures, cpu())
    gevent.sleep(seconds)
    after = (env.stats.get("submit", "POST").num_requests, env.stats.total.num_requests,
             env.stats.total.num_failures, cpu())
    runner.quit()
    return {"exams": after[0] - before[0], "requests": after[1] - before[1],
            "failures": after[2] - before[2], "cpu": after[3] - before[3], "seconds": seconds}


if __name__ == "__main__":
    port, users, warmup, seconds = sys.argv[1:5]
    print(json.dumps(measure(int(port), int(users), float(warmup), float(seconds))))
