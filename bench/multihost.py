"""Several app hosts behind a load balancer, for real (issue 27).

Starts `--hosts` app hosts, each a gunicorn (2 workers × 2 threads) in a network namespace of
its own (Debian's iproute2: a veth pair per host), behind HAProxy (Debian's package) on
127.0.0.1, sharing one PostgreSQL database and one Redis (reached from the namespaces through
HAProxy's TCP listeners on each host's link), plus one RQ job worker. Then:

1. **Sessions move between hosts**: each trainee logs in once; the balancer sends their
   requests round-robin, so every exam is started on one host and submitted on another.
2. **Rate limits are shared** (checked last): failed log-ins for one account, spread over the hosts, are
   refused at the configured limit, not at limit × hosts.
3. **The job queue is shared**: a password reset asked on one host is emailed by the worker.
4. **A host killed mid-load loses nothing**: while trainees sit exams, every process of one
   host gets SIGKILL. A submit that got no answer is sent again (as a browser's retry would);
   afterwards every attempt a trainee saw graded is graded in the database, no attempt is
   graded twice (one `attempt.graded` audit event each), and the audit chain verifies.

Needs root (namespaces), `ip`, `haproxy`, PostgreSQL and Redis on 127.0.0.1. Exit status 0
when every check holds, 1 otherwise; it removes the namespaces, links and database it made.

    python -m bench.multihost [--hosts 3] [--trainees 24] [--seconds 20]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402
from bench.loadgen import CSRF  # noqa: E402

PREFIX = "tpmh"  # names of the namespaces and links this run makes
NET = "10.231"  # host i: 10.231.i.1 (this side of its link) and 10.231.i.2 (its namespace)
APP_PORT = 8000
REDIS_DB = 7
LOGIN_LIMIT = 5  # failed log-ins per minute per address and account, for check 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=3)
    parser.add_argument("--trainees", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    missing = [tool for tool in ("ip", "haproxy") if shutil.which(tool) is None]
    if os.geteuid() != 0 or missing:
        print(f"needs root and {', '.join(missing) or 'ip, haproxy'}: nothing run")
        return 1
    if not harness.postgres_available():
        print("PostgreSQL is not available: nothing run")
        return 1
    with tempfile.TemporaryDirectory(prefix="tpcourse-multihost-") as tmp, \
            harness.fresh_database("postgresql", Path(tmp)) as database:
        return Run(args, Path(tmp), database).go()


class Run:
    def __init__(self, args, workdir: Path, database: harness.Database) -> None:
        self.args, self.workdir, self.database = args, workdir, database
        self.processes: dict[str, subprocess.Popen] = {}
        self.failures: list[str] = []

    def check(self, ok: bool, what: str) -> None:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}", flush=True)
        if not ok:
            self.failures.append(what)

    # --- set-up ------------------------------------------------------------------------------

    def go(self) -> int:
        try:
            self.prepare()
            self.network()
            self.balancer()
            self.hosts()
            self.worker()
            self.sessions_move()
            self.queue_shared()
            self.kill_under_load()
            self.nothing_lost()
            self.limits_shared()  # last: it uses up the log-ins of the balancer's address
        finally:
            self.tear_down()
        print("multihost: " + ("every check held" if not self.failures else
                               f"{len(self.failures)} check(s) failed"), flush=True)
        return 1 if self.failures else 0

    def prepare(self) -> None:
        self.prepared = harness.prepare(self.database, self.workdir)
        self.emails = harness.create_trainees(self.database, "mh", self.args.trainees + 2, 0)
        redis = self.redis()
        redis.flushdb()
        key = subprocess.run([sys.executable, "-c", (
            "from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey;"
            "from cryptography.hazmat.primitives import serialization as s;"
            "print(Ed25519PrivateKey.generate().private_bytes(s.Encoding.PEM,"
            "s.PrivateFormat.PKCS8, s.NoEncryption()).decode())")],
            capture_output=True, text=True, check=True).stdout
        self.signing_key = key

    def redis(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB)

    def network(self) -> None:
        self.tear_down_network()
        for i in range(1, self.args.hosts + 1):
            ns, here, there = f"{PREFIX}{i}", f"{PREFIX}v{i}", f"{PREFIX}p{i}"
            for command in (
                    ["ip", "netns", "add", ns],
                    ["ip", "link", "add", here, "type", "veth", "peer", "name", there],
                    ["ip", "link", "set", there, "netns", ns],
                    ["ip", "addr", "add", f"{NET}.{i}.1/24", "dev", here],
                    ["ip", "link", "set", here, "up"],
                    ["ip", "-n", ns, "addr", "add", f"{NET}.{i}.2/24", "dev", there],
                    ["ip", "-n", ns, "link", "set", there, "up"],
                    ["ip", "-n", ns, "link", "set", "lo", "up"]):
                subprocess.run(command, check=True)

    def balancer(self) -> None:
        self.port = harness.free_port()
        servers = "\n".join(
            f"    server host{i} {NET}.{i}.2:{APP_PORT} check inter 300ms fall 2 rise 2"
            for i in range(1, self.args.hosts + 1))
        binds = lambda port: "\n".join(  # noqa: E731
            f"    bind {NET}.{i}.1:{port}" for i in range(1, self.args.hosts + 1))
        config = f"""global
    maxconn 2000
defaults
    timeout connect 2s
    timeout client 60s
    timeout server 60s
frontend web
    mode http
    bind 127.0.0.1:{self.port}
    option forwardfor
    default_backend app
backend app
    mode http
    balance roundrobin
    option httpchk GET /healthz
    http-response set-header X-Served-By %s
{servers}
listen postgres
    mode tcp
{binds(5432)}
    server pg 127.0.0.1:5432
listen redis
    mode tcp
{binds(6379)}
    server redis 127.0.0.1:6379
"""
        path = self.workdir / "haproxy.cfg"
        path.write_text(config)
        self.processes["haproxy"] = subprocess.Popen(
            ["haproxy", "-db", "-f", str(path)], stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "haproxy.log").open("w"))

    def env(self, i: int) -> dict[str, str]:
        gateway = f"{NET}.{i}.1"
        name = self.database.url.rsplit("/", 1)[1]
        return {**os.environ,
                "DATABASE_URL": f"postgresql://postgres@{gateway}:5432/{name}",
                "RATELIMIT_STORAGE_URI": f"redis://{gateway}:6379/{REDIS_DB}",
                "TPCOURSE_JOBS_REDIS_URL": f"redis://{gateway}:6379/{REDIS_DB}",
                "TPCOURSE_JOBS_QUEUE": "multihost",
                "SECRET_KEY": harness.SECRET_KEY, "TPCOURSE_SIGNING_KEY": self.signing_key,
                "TPCOURSE_SECURE_COOKIES": "false", "TPCOURSE_TRUSTED_PROXIES": "1",
                "TPCOURSE_LOGIN_LIMIT": f"{LOGIN_LIMIT} per minute",
                "TPCOURSE_LOGIN_ACCOUNT_LIMIT": "1000 per hour",
                "TPCOURSE_MAIL_OUTBOX": str(self.workdir / "outbox"),
                "TPCOURSE_SITE_URL": f"http://127.0.0.1:{self.port}",
                "TPCOURSE_LESSONS_DIR": str(self.prepared["lessons"]),
                "TPCOURSE_QUIZZES_DIR": str(self.prepared["quizzes"])}

    def hosts(self) -> None:
        for i in range(1, self.args.hosts + 1):
            log = (self.workdir / f"host{i}.log").open("w")
            self.processes[f"host{i}"] = subprocess.Popen(
                ["ip", "netns", "exec", f"{PREFIX}{i}", sys.executable, "-m", "gunicorn",
                 "--workers", "2", "--threads", "2", "--worker-class", "gthread",
                 "--bind", f"{NET}.{i}.2:{APP_PORT}", "--timeout", "60",
                 "--log-level", "warning", "wsgi:app"],
                cwd=ROOT, env=self.env(i), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + 90
        waiting = set(range(1, self.args.hosts + 1))
        while waiting and time.monotonic() < deadline:
            for i in sorted(waiting):
                with contextlib.suppress(OSError):
                    conn = http.client.HTTPConnection(f"{NET}.{i}.2", APP_PORT, timeout=2)
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        waiting.discard(i)
            if waiting:
                time.sleep(0.3)
        if waiting:
            logs = "\n".join((self.workdir / f"host{i}.log").read_text()[-2000:] for i in waiting)
            raise RuntimeError(f"hosts {sorted(waiting)} did not start:\n{logs}")
        # The balancer's health checks mark every host up (two good checks, 300 ms apart).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(self.served_by(self.args.hosts * 2)) < \
                self.args.hosts:
            time.sleep(0.2)

    def served_by(self, requests: int) -> set[str]:
        seen = set()
        for _ in range(requests):
            with contextlib.suppress(OSError):
                status, headers, _body = self.request("GET", "/healthz", {})
                seen.add(headers.get("x-served-by", ""))
        return seen - {""}

    def worker(self) -> None:
        log = (self.workdir / "worker.log").open("w")
        self.processes["worker"] = subprocess.Popen(
            ["ip", "netns", "exec", f"{PREFIX}1", sys.executable, "-m", "flask", "--app",
             "wsgi", "jobs", "worker"], cwd=ROOT, env=self.env(1), stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True)

    # --- HTTP through the balancer -----------------------------------------------------------

    def request(self, method: str, path: str, jar: dict[str, str],
                form: dict[str, list[str]] | None = None) -> tuple[int, dict[str, str], bytes]:
        from urllib.parse import urlencode

        headers = {"Connection": "close"}
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def log_in(self, email: str) -> tuple[dict[str, str], str, set[str]]:
        jar: dict[str, str] = {}
        hosts = set()
        status, headers, page = self.request("GET", "/login", jar)
        hosts.add(headers.get("x-served-by", ""))
        token = CSRF.search(page).group(1).decode()
        status, headers, _ = self.request("POST", "/login", jar, {
            "email": [email], "password": [harness.PASSWORD], "csrf_token": [token]})
        hosts.add(headers.get("x-served-by", ""))
        if status != 302:
            raise RuntimeError(f"log-in of {email} answered {status}")
        status, headers, page = self.request("GET", "/quizzes/trigger-point-final", jar)
        hosts.add(headers.get("x-served-by", ""))
        return jar, CSRF.search(page).group(1).decode(), hosts

    # --- the checks --------------------------------------------------------------------------

    def sessions_move(self) -> None:
        print("sessions", flush=True)
        jar, token, hosts = self.log_in(self.emails[-1])
        status, headers, _ = self.request("POST", "/quizzes/trigger-point-final/start", jar,
                                          {"csrf_token": [token]})
        hosts.add(headers.get("x-served-by", ""))
        attempt = headers.get("location", "")
        answers = {**self.prepared["key"], "csrf_token": [token]}
        status, headers, _ = self.request("POST", attempt, jar, answers)
        hosts.add(headers.get("x-served-by", ""))
        self.check(len(hosts - {""}) == self.args.hosts,
                   f"one trainee's log-in, exam start and submit were served by "
                   f"{len(hosts - {''})} of {self.args.hosts} hosts")
        self.check(status == 302 and headers.get("location", "").endswith("/result"),
                   f"the exam started on one host was graded on another ({status})")

    def limits_shared(self) -> None:
        print("rate limits", flush=True)
        jar: dict[str, str] = {}
        statuses = []
        for _ in range(LOGIN_LIMIT + 2):
            status, _headers, page = self.request("GET", "/login", jar)
            match = CSRF.search(page)
            token = match.group(1).decode() if match else ""
            status, _headers, _ = self.request("POST", "/login", jar, {
                "email": [self.emails[-2]], "password": ["wrong password"],
                "csrf_token": [token]})
            statuses.append(status)
        refused = statuses.index(429) if 429 in statuses else None
        self.check(refused == LOGIN_LIMIT,
                   f"failed log-ins spread over the {self.args.hosts - 1} hosts left: refused "
                   f"from number "
                   f"{None if refused is None else refused + 1} (limit {LOGIN_LIMIT}): {statuses}")

    def queue_shared(self) -> None:
        print("job queue", flush=True)
        jar: dict[str, str] = {}
        _status, _headers, page = self.request("GET", "/password/forgot", jar)
        token = CSRF.search(page).group(1).decode()
        status, _headers, _ = self.request("POST", "/password/forgot", jar, {
            "email": [self.emails[0]], "csrf_token": [token]})
        outbox = self.workdir / "outbox"
        deadline = time.monotonic() + 30
        sent = []
        while time.monotonic() < deadline and not sent:
            sent = [p for p in outbox.glob("*.eml") if self.emails[0] in p.read_text()] \
                if outbox.exists() else []
            if not sent:
                time.sleep(0.2)
        self.check(status in (200, 302) and len(sent) == 1,
                   "a reset asked on one host was emailed once by the job worker")

    def kill_under_load(self) -> None:
        print(f"load: {self.args.trainees} trainees for {self.args.seconds:.0f} s; host "
              f"{self.args.hosts} killed half-way", flush=True)
        self.graded_seen: set[str] = set()
        self.started: set[str] = set()
        self.errors: Counter[str] = Counter()
        lock = threading.Lock()
        stop = time.monotonic() + self.args.seconds
        sessions = [self.log_in(email)[:2] for email in self.emails[:self.args.trainees]]

        def trainee(jar, token):
            answers = {**self.prepared["key"], "csrf_token": [token]}
            while time.monotonic() < stop:
                try:
                    status, headers, _ = self.request(
                        "POST", "/quizzes/trigger-point-final/start", jar,
                        {"csrf_token": [token]})
                except OSError as exc:
                    with lock:
                        self.errors[f"start: {type(exc).__name__}"] += 1
                    continue
                location = headers.get("location", "")
                if status != 302 or "/attempts/" not in location:
                    with lock:
                        self.errors[f"start: {status}"] += 1
                    continue
                attempt = location.rsplit("/", 1)[1]
                with lock:
                    self.started.add(attempt)
                for _try in range(5):  # a submit with no answer is sent again
                    try:
                        status, headers, _ = self.request("POST", location, jar, answers)
                    except OSError as exc:
                        with lock:
                            self.errors[f"submit: {type(exc).__name__}"] += 1
                        continue
                    if status == 302 and headers.get("location", "").endswith("/result"):
                        with lock:
                            self.graded_seen.add(attempt)
                        break
                    with lock:
                        self.errors[f"submit: {status}"] += 1
                    if status < 500:
                        break

        threads = [threading.Thread(target=trainee, args=session) for session in sessions]
        for thread in threads:
            thread.start()
        time.sleep(self.args.seconds / 2)  # the kill happens half-way through the load
        victim = f"{PREFIX}{self.args.hosts}"
        pids = subprocess.run(["ip", "netns", "pids", victim], capture_output=True,
                              text=True).stdout.split()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        print(f"  killed host {self.args.hosts}: {len(pids)} processes", flush=True)
        for thread in threads:
            thread.join()
        print(f"  {len(self.started)} exams started, {len(self.graded_seen)} seen graded; "
              f"errors answered: {dict(self.errors) or 'none'}", flush=True)

    def nothing_lost(self) -> None:
        print("after the load", flush=True)
        from sqlalchemy import create_engine, text

        from tpcourse.config import database_url

        engine = create_engine(database_url(self.database.url))
        with engine.connect() as conn:
            status = dict(conn.execute(text(
                "SELECT id, status FROM attempts WHERE id = ANY(:ids)"),
                {"ids": list(self.started)}).all())
            events = Counter()
            for table in ("audit_events", "audit_pending"):
                for (payload,) in conn.execute(text(
                        f"SELECT payload FROM {table} WHERE kind = 'attempt.graded'")):
                    data = payload if isinstance(payload, dict) else json.loads(payload)
                    events[data["attempt"]] += 1
        engine.dispose()
        lost = [a for a in self.graded_seen if status.get(a) != "submitted"]
        self.check(self.graded_seen and not lost,
                   f"every attempt a trainee saw graded is graded in the database "
                   f"({len(self.graded_seen)}; lost: {len(lost)})")
        graded = [a for a, s in status.items() if s == "submitted"]
        twice = [a for a, n in events.items() if n > 1]
        missing = [a for a in graded if events[a] != 1]
        self.check(not twice and not missing,
                   f"each graded attempt has exactly one grade event ({len(graded)} graded; "
                   f"twice: {len(twice)}; without: {len(missing)})")
        open_left = sum(1 for s in status.values() if s == "in_progress")
        print(f"  {open_left} attempts left open (their submit never reached a host; the "
              "trainee resumes them)", flush=True)
        self.check(self.audit_chain_whole(), "the audit chain verifies (every grade sealed)")

    def audit_chain_whole(self) -> bool:
        env = self.env(1)
        env["DATABASE_URL"] = self.database.url
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "audit", "seal"],
                                cwd=ROOT, env=env, capture_output=True, text=True)
        result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "audit",
                                 "verify"], cwd=ROOT, env=env, capture_output=True, text=True)
        print("  " + (result.stdout.strip() or result.stderr.strip()).replace("\n", "\n  "))
        return result.returncode == 0

    # --- clean-up ----------------------------------------------------------------------------

    def tear_down(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    if name == "haproxy":
                        process.terminate()
                    else:
                        os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.tear_down_network()
        with contextlib.suppress(Exception):
            self.redis().flushdb()

    def tear_down_network(self) -> None:
        for i in range(1, self.args.hosts + 1):
            ns = f"{PREFIX}{i}"
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True,
                                  text=True).stdout.split()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid), signal.SIGKILL)
            subprocess.run(["ip", "link", "del", f"{PREFIX}v{i}"], capture_output=True)
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
