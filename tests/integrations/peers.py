"""Start and stop the test peers: tpcourse served over HTTP, the LTI platform and the OpenID
provider each in a process of their own, and a browser-like HTTP client."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import requests
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(app, port: int) -> Iterator[str]:
    """Serve a Flask app on 127.0.0.1:port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(10)


@contextmanager
def process(command: list[str], ready: str, cwd: Path = ROOT) -> Iterator[subprocess.Popen]:
    """Run a peer until it prints `ready`; stop it afterwards (its output is shown on failure)."""
    peer = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    lines = []
    try:
        for line in peer.stdout:
            lines.append(line)
            if ready in line:
                break
        else:
            raise RuntimeError("the peer stopped before it was ready:\n" + "".join(lines))
        threading.Thread(target=lambda: [None for _ in peer.stdout], daemon=True).start()
        yield peer
    finally:
        peer.terminate()
        try:
            peer.wait(10)
        except subprocess.TimeoutExpired:
            peer.kill()
            peer.wait(10)


@contextmanager
def lti_platform(tool_url: str) -> Iterator[str]:
    """The lti1p3platform LMS in its own process; yield its base URL (its issuer)."""
    port = free_port()
    with process([sys.executable, "-m", "tests.integrations.lti_platform.server",
                  "--port", str(port), "--tool", tool_url], "ready"):
        yield f"http://127.0.0.1:{port}"


class Forms(HTMLParser):
    """The forms of a page: action, method and fields (inputs' names and values)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action"), "method": attrs.get("method"),
                               "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"].setdefault(attrs["name"], attrs.get("value", ""))


def forms_of(html: str) -> list[dict]:
    """Parse the forms of a page."""
    parser = Forms()
    parser.feed(html)
    return parser.forms


def csrf_of(html: str) -> str:
    """The CSRF token of a tpcourse page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def browser() -> requests.Session:
    """An HTTP client that keeps cookies like a browser."""
    return requests.Session()


def wait_for(condition, seconds: float = 15.0):
    """Wait until `condition()` is truthy (work another process or thread finishes after its
    response, like a grade sent after the page); return its value, or fail after `seconds`."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            assert value, f"still waiting after {seconds} s"
            return value
        time.sleep(0.05)


OIDC_PEER = ROOT / "tests" / "integrations" / "oidc_peer"


@contextmanager
def oidc_provider(clients: list[dict], accounts: dict) -> Iterator[str]:
    """panva's oidc-provider under Node, in its own process; yield its issuer URL. Its packages
    come from tests/integrations/oidc_peer/package-lock.json (`npm ci` there; .ci/run does it)."""
    import json
    import os
    import shutil

    node = shutil.which("node")
    assert node, "Node.js is needed for the OpenID provider the tests start"
    assert (OIDC_PEER / "node_modules" / "oidc-provider").is_dir(), \
        "run `npm ci --prefix tests/integrations/oidc_peer` first (.ci/run does)"
    port = free_port()
    env = {**os.environ, "OIDC_CLIENTS": json.dumps(clients), "OIDC_ACCOUNTS": json.dumps(accounts)}
    peer = subprocess.Popen([node, "provider.mjs", str(port)], cwd=OIDC_PEER, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = peer.stdout.readline()
        assert "ready" in line, f"the OpenID provider did not start: {line!r}"
        yield f"http://127.0.0.1:{port}"
    finally:
        peer.terminate()
        try:
            peer.wait(10)
        except subprocess.TimeoutExpired:
            peer.kill()
            peer.wait(10)


def through_provider(session: requests.Session, url: str, stop_at: str, login: str,
                     max_steps: int = 12) -> str:
    """Follow the provider's pages as a person would (log in as `login`, consent) until it
    redirects to an address starting with `stop_at`; return that address, unvisited."""
    from urllib.parse import urljoin

    response = session.get(url, allow_redirects=False, timeout=10)
    for _ in range(max_steps):
        if response.is_redirect:
            target = urljoin(response.url, response.headers["Location"])
            if target.startswith(stop_at):
                return target
            response = session.get(target, allow_redirects=False, timeout=10)
            continue
        assert response.status_code == 200, response.text[:500]
        form = forms_of(response.text)[0]
        fields = {**form["fields"], "login": login, "password": "any password"}
        response = session.post(urljoin(response.url, form["action"] or response.url),
                                data=fields, allow_redirects=False, timeout=10)
    raise AssertionError("the provider never sent the browser back")
