"""A small closed-loop HTTP load generator: one thread per trainee, keep-alive, loopback only.

Each virtual trainee logs its accounts in, then until the time is up: starts an attempt,
submits the answer form to it, and moves to its next account. Every request is bounded by a
timeout; the whole run by a duration and a request cap.
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
MAX_REQUESTS = 1_000_000


@dataclass
class Flavor:
    """How to drive one app: tpcourse (CSRF, its URLs) or the baseline."""

    name: str
    start_path: str
    csrf: bool
    form_page: str = ""  # a page whose form carries the CSRF token once logged in


TPCOURSE = Flavor("tpcourse", "/quizzes/trigger-point-final/start", True,
                  "/quizzes/trigger-point-final")
BASELINE = Flavor("baseline", "/start", False)


class Client:
    """One keep-alive connection to 127.0.0.1, with a cookie jar per account."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, jar: dict[str, str],
                form: dict[str, list[str]] | None = None) -> tuple[int, str, bytes]:
        """Send one request with the jar's cookies; store new cookies; return status, Location, body."""
        headers = {"User-Agent": "tpcourse-bench", "Connection": "keep-alive"}
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for retry in (True, False):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None  # the server closed an idle keep-alive connection: reconnect
                if not retry:
                    raise
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, response.getheader("Location", ""), data

    def close(self) -> None:
        """Close the connection (the next request opens a new one)."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class Stats:
    """Latencies (seconds) and errors per request kind, shared by the trainee threads."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    until: float = float("inf")  # requests finishing after the window closes are not counted

    def add(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        """Record one request."""
        if time.perf_counter() > self.until:
            return
        with self.lock:
            if ok:
                self.latencies[kind].append(seconds)
            else:
                self.errors[kind] += 1
                if len(self.error_samples) < 5:
                    self.error_samples.append(f"{kind}: {detail}"[:300])


@dataclass
class Account:
    """One trainee account and its session cookies."""

    email: str
    jar: dict[str, str] = field(default_factory=dict)
    csrf: str = ""


def log_in(client: Client, flavor: Flavor, account: Account, password: str) -> tuple[bool, str]:
    """Log one account in (fetching the CSRF token first for tpcourse)."""
    form = {"email": [account.email], "password": [password]}
    if flavor.csrf:
        status, _, page = client.request("GET", "/login", account.jar)
        match = CSRF.search(page)
        if status != 200 or not match:
            return False, f"GET /login {status}"
        account.csrf = match.group(1).decode()
        form["csrf_token"] = [account.csrf]
    status, location, _ = client.request("POST", "/login", account.jar, form)
    if status != 302:
        return False, f"POST /login {status} {location}"
    if flavor.csrf:  # logging in may start a new session: take the token from a logged-in form
        status, _, page = client.request("GET", flavor.form_page, account.jar)
        match = CSRF.search(page)
        if status != 200 or not match:
            return False, f"GET {flavor.form_page} {status}"
        account.csrf = match.group(1).decode()
    return True, ""


def take_exam(client: Client, flavor: Flavor, account: Account, answers: dict[str, list[str]],
              stats: Stats | None) -> None:
    """Start an attempt and submit the answers; record both requests when `stats` is given."""
    token = {"csrf_token": [account.csrf]} if flavor.csrf else {}
    began = time.perf_counter()
    try:
        status, location, _ = client.request("POST", flavor.start_path, account.jar, token)
    except OSError as exc:
        if stats:
            stats.add("start", 0, False, repr(exc))
        return
    ok = status == 302 and "/attempts/" in location
    if stats:
        stats.add("start", time.perf_counter() - began, ok, f"{status} {location}")
    if not ok:
        return
    path = urlsplit(location).path
    began = time.perf_counter()
    try:
        status, location, body = client.request("POST", path, account.jar, {**answers, **token})
    except OSError as exc:
        if stats:
            stats.add("submit", 0, False, repr(exc))
        return
    ok = status == 302 and location.endswith("/result")
    if stats:
        stats.add("submit", time.perf_counter() - began, ok, f"{status} {location} {body[:120]!r}")


@dataclass
class LoadResult:
    """What one load run measured."""

    seconds: float
    stats: Stats
    login: Stats
    cpu: dict[str, float] = field(default_factory=dict)

    def count(self, kind: str) -> int:
        """Successful requests of a kind."""
        return len(self.stats.latencies[kind])

    @property
    def requests(self) -> int:
        """Successful requests of every kind in the measured window."""
        return sum(len(v) for v in self.stats.latencies.values())

    @property
    def errors(self) -> int:
        """Failed requests in the measured window (and in the logins)."""
        return sum(self.stats.errors.values()) + sum(self.login.errors.values())


class Load:
    """Trainee threads for one app: log in once, then run measured windows on demand.

    Keeping the threads (and their logged-in sessions) between windows lets a benchmark
    alternate short windows of two apps, so background load on the machine hits both alike.
    """

    def __init__(self, port: int, flavor: Flavor, accounts: list[list[str]], password: str,
                 answers: dict[str, list[str]], keep_alive: bool = False) -> None:
        self.port, self.flavor, self.password, self.answers = port, flavor, password, answers
        # By default each exam (start + submit) has a connection of its own, as trainees
        # arriving over time (or a proxy without upstream keep-alive) would: gunicorn's
        # workers accept connections in a race, and 32 connections kept for the whole run
        # often all land on one or two workers, leaving the others idle.
        self.keep_alive = keep_alive
        self.accounts = accounts
        self.login = Stats()
        self.stats = Stats()
        self.seconds = 0.0
        self.cpu: dict[str, float] = {}
        self.window: dict[str, float] = {}
        self.ready = threading.Barrier(len(accounts) + 1)
        self.done = threading.Barrier(len(accounts) + 1)
        self.closing = False
        self.count = 0
        self.threads = [threading.Thread(target=self._trainee, args=(emails,), daemon=True)
                        for emails in accounts]

    def log_in(self) -> Stats:
        """Start the threads; return once every account is logged in."""
        for thread in self.threads:
            thread.start()
        self.ready.wait()
        return self.login

    def run_window(self, warmup: float, duration: float, cpu=None) -> None:
        """Let every trainee loop for warmup + duration seconds; record the last `duration`.

        `cpu`, if given, returns a dict of CPU seconds used so far per part (server,
        database, load generator); the window adds what each part used while measured.
        """
        now = time.perf_counter()
        self.window.update(start=now + warmup, end=now + warmup + duration)
        self.stats.until = self.window["end"]
        self.ready.wait()  # go
        if cpu is not None:
            time.sleep(max(0.0, self.window["start"] - time.perf_counter()))
            before = cpu()
            time.sleep(max(0.0, self.window["end"] - time.perf_counter()))
            for part, seconds in cpu().items():
                self.cpu[part] = self.cpu.get(part, 0.0) + seconds - before[part]
        self.done.wait()  # every trainee finished its last exam of the window
        self.seconds += duration

    def close(self) -> None:
        """Stop the threads."""
        self.closing = True
        self.ready.wait()
        for thread in self.threads:
            thread.join(timeout=60)

    def _trainee(self, emails: list[str]) -> None:
        client = Client(self.port)
        mine = [Account(email) for email in emails]
        try:
            for index, account in enumerate(mine):
                began = time.perf_counter()
                ok, detail = log_in(client, self.flavor, account, self.password)
                # The first account of each trainee has the production password hash: its
                # login time is what a trainee waits for; the rest are set-up.
                (self.login if index == 0 else Stats()).add("login", time.perf_counter() - began,
                                                            ok, detail)
        finally:
            self.ready.wait()
        turn = 0
        while True:
            self.ready.wait()
            if self.closing:
                break
            while time.perf_counter() < self.window["end"] and self.count < MAX_REQUESTS:
                account = mine[turn % len(mine)]
                turn += 1
                measuring = time.perf_counter() >= self.window["start"]
                take_exam(client, self.flavor, account, self.answers,
                          self.stats if measuring else None)
                self.count += 2
                if not self.keep_alive:
                    client.close()
            self.done.wait()
        client.close()

    def result(self) -> LoadResult:
        """What the windows so far measured."""
        return LoadResult(self.seconds, self.stats, self.login, self.cpu)


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the sorted values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
