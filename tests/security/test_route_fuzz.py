"""A route fuzzer: every route of the role matrix, as every role that may reach it, with hostile
values in each path parameter, query parameter and form field, and with malformed bodies.

For every request: no 5xx; under /api/ the answer is JSON; a refused request (4xx, or "log in
first") commits no write. The routes and roles come from the matrix in docs/security.md
(tests/permissions/), so a new route is fuzzed as soon as it has its row; query and form field
names are read from the views' source and from the forms on every page the roles can open.
The figure for a run is printed by `test_the_fuzzer_covers_every_route` (pytest -s).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from sqlalchemy import event

from tests.conftest import Clock, empty_database, make_app
from tests.permissions.route_world import ROLES, World, build_world
from tests.permissions.test_route_matrix import LOGIN, ROWS
from tpcourse.extensions import db

SOURCE = Path(__file__).resolve().parents[2] / "tpcourse" / "web"
# What the attacker sent: NUL, integers out of every range, non-ASCII digits, 1e400,
# NaN, dates far away or with absurd offsets, 10,000 characters, invalid UTF-8.
HOSTILE = ["\x00", "a\x00b", "-1", "2147483648", "9223372036854775808", "9" * 60, "²", "٣",
           "1e400", "NaN", "-inf", "9999-12-31", "0001-01-01", "+275760-09-13",
           "2026-01-01T00:00:00+99:00", "x" * 10_000, "\udcff", "<script>1</script>"]
# Values for path parameters: the same, as they would arrive percent-encoded, plus raw
# invalid UTF-8.
PATH_VALUES = [quote(v, safe="") for v in HOSTILE if v != "\udcff"] + ["%ff%fe", "%c0%80"]
DENIED = {401, 403, 404, 405, LOGIN}
BODIES = [  # (content type, raw body, extra headers)
    ("application/json", b'{"email": ["\\u0000"], "q1": {"a": 1}, "x": 1e400}', {}),
    ("application/json", b'{"email": "a\\u0000b"}', {"Transfer-Encoding": "chunked"}),
    ("application/json", b"[1, 2", {"Transfer-Encoding": "chunked"}),
    ("application/x-www-form-urlencoded", b"email=%ff%fe&name=\xff\xfe&q1=%00", {}),
    ("multipart/form-data; boundary=zz", b"--zz\r\nContent-Disposition: form-data; name=\"f\""
                                         b"; filename=\"\x00.gift\"\r\n\r\n\x00\xff\r\n--zz--",
     {}),
    ("text/plain", "é".encode("latin-1") * 100, {}),
]


def source_query_names() -> set[str]:
    """Query parameters the views read (`request.args.get("name")`)."""
    names = set()
    for path in SOURCE.rglob("*.py"):
        names.update(re.findall(r"request\.args\.get(?:list)?\(\s*\"([a-z_]+)\"", path.read_text()))
    return names


class _Forms(HTMLParser):
    """Collect each form's method, action and field names from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, set[str]]] = []
        self.uploads: list[int] = []  # indexes of forms with a file input

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(((attrs.get("method") or "get").upper(), attrs.get("action") or "",
                               set()))
        elif tag in ("input", "select", "textarea", "button") and self.forms and attrs.get("name"):
            self.forms[-1][2].add(attrs["name"])
            if tag == "input" and attrs.get("type") == "file":
                self.uploads.append(len(self.forms) - 1)


@dataclass
class Fields:
    """Field names per endpoint: query parameters for GET, form fields for POST."""

    query: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    form: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    uploads: set[str] = field(default_factory=set)  # endpoints that take a file


@dataclass
class Writes:
    """Whether a write statement was committed since the last `reset()` (engine events)."""

    pending: bool = False
    committed: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.pending, self.committed = False, []


@pytest.fixture(scope="module")
def fuzz_world(_migrated, tmp_path_factory):
    """The role matrix's world, with write tracking on its engine."""
    folder, clock = tmp_path_factory.mktemp("fuzz-world"), Clock()
    app = make_app(_migrated, folder, TPCOURSE_NOW=clock,
                   TPCOURSE_API_FAILURE_LIMIT="100000 per minute",
                   TPCOURSE_VERIFY_LIMIT="100000 per minute",
                   TPCOURSE_REGISTER_LIMIT="100000 per minute",
                   TPCOURSE_LOGIN_LIMIT="100000 per minute",
                   TPCOURSE_LOGIN_ACCOUNT_LIMIT="100000 per minute",
                   TPCOURSE_MAIL_PER_ADDRESS_LIMIT="100000 per minute",
                   TPCOURSE_API_LIMIT="100000 per minute")
    world = build_world(app, folder, clock)
    writes = Writes()
    with app.app_context():
        engine = db.engine

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.pending = True
            writes.last = statement[:120]

    def on_commit(conn):
        if writes.pending:
            writes.committed.append(getattr(writes, "last", "?"))
        writes.pending = False

    def on_rollback(conn):
        writes.pending = False

    event.listen(engine, "before_cursor_execute", before_execute)
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    yield world, writes, discover_fields(world)
    event.remove(engine, "before_cursor_execute", before_execute)
    event.remove(engine, "commit", on_commit)
    event.remove(engine, "rollback", on_rollback)
    with app.app_context():
        empty_database()


def discover_fields(world: World) -> Fields:
    """Open every GET page as every role that may, and read the forms on it."""
    adapter = world.app.url_map.bind(world.app.config["SERVER_NAME"])
    found, everywhere = Fields(), source_query_names()
    for row in ROWS:
        if row.method != "GET":
            continue
        for role in ROLES:
            if row.expected[role] != 200:
                continue
            response = world.request(role, "GET", world.url(row.path, role))
            if "html" not in response.content_type:
                continue
            parser = _Forms()
            parser.feed(response.get_data(as_text=True))
            for index, (method, action, names) in enumerate(parser.forms):
                path = urlsplit(action).path or urlsplit(world.url(row.path, role)).path
                try:
                    endpoint = adapter.match(path, method=method)[0]
                except Exception:  # a form to another site, or a method the route lacks
                    continue
                (found.query if method == "GET" else found.form)[endpoint].update(names)
                if index in parser.uploads:
                    found.uploads.add(endpoint)
    for row in ROWS:
        found.query[row.endpoint].update(everywhere)
    return found


def allowed_roles(row) -> list[str]:
    return [role for role in ROLES if row.expected[role] not in DENIED]


CASES = [(row, role) for row in ROWS for role in allowed_roles(row)]


def _send(world: World, role: str, method: str, url: str, **kwargs):
    client = world.app.test_client()
    if role != "anonymous":
        client.set_cookie(world.app.config["SESSION_COOKIE_NAME"], world.cookies[role],
                          domain=world.app.config["SERVER_NAME"])
    response = client.open(url, method=method, **kwargs)
    response.get_data()
    response.close()
    return response


# A quiz sent with an answer that cannot be read is answered 422 and keeps the answers that
# could be read, so nothing typed is lost (docs/security.md): that updates the attempt's own
# row, and nothing else.
KEEPS_READABLE_ANSWERS = {"quiz.attempt": ("UPDATE attempts SET saved_at",)}


def _variants(world: World, fields: Fields, row, role: str):
    """Every hostile request for one row and role: (description, url, request kwargs)."""
    base = world.url(row.path, role)
    params = re.findall(r"\{(\w+)\}", row.path)
    for name in params:
        for value in PATH_VALUES:
            values = {**world.values, name: value}
            if name == "school":
                url = row.path.format(**values)
            else:
                url = row.path.format(**values, school=world.schools.get(role, "north"))
            yield f"path {name}={value[:20]!r}", url, {}
    names = sorted(fields.query[row.endpoint])
    for value in HOSTILE:
        query = urlencode({name: value for name in names}, errors="surrogatepass")
        yield f"query={value[:20]!r}", f"{base}?{query}", {}
    if row.method != "POST":
        return
    form_names = sorted(fields.form[row.endpoint] | {"csrf_token", "email", "password", "name",
                                                     "q1", "q2", "action", "next"})
    for value in HOSTILE:
        body = {name: value for name in form_names}
        yield f"form={value[:20]!r}", base, {"data": body}
    for content_type, raw, headers in BODIES:
        yield f"body {content_type} {headers}", base, {"data": raw, "content_type": content_type,
                                                       "headers": headers}


@pytest.mark.parametrize(("row", "role"), CASES,
                         ids=[f"{r.endpoint}-{r.method}-{role}" for r, role in CASES])
def test_hostile_requests(fuzz_world, row, role):
    """No 5xx, JSON under /api/, and no committed write for a refused request."""
    world, writes, fields = fuzz_world
    for description, url, kwargs in _variants(world, fields, row, role):
        writes.reset()
        try:
            response = _send(world, role, row.method, url, **kwargs)
        except UnicodeError:  # the test client itself cannot encode it: nothing was sent
            continue
        where = f"{row.method} {url[:120]} as {role} ({description})"
        assert response.status_code < 500, f"{where}: {response.status_code}"
        if urlsplit(url).path.startswith("/api/"):
            assert response.is_json, f"{where}: {response.content_type}"
        if response.status_code >= 400:
            kept = KEEPS_READABLE_ANSWERS.get(row.endpoint, ()) \
                if response.status_code == 422 else ()
            wrote = [w for w in writes.committed if not w.startswith(kept)]
            assert not wrote, f"{where}: refused ({response.status_code}) but wrote {wrote}"
        elif writes.committed:
            world.roll_back()


def test_the_fuzzer_covers_every_route(fuzz_world, capsys):
    """Every route of the matrix is fuzzed by at least one role; print this run's figure."""
    world, _writes, fields = fuzz_world
    fuzzed = {row.endpoint for row, _role in CASES}
    assert fuzzed == {row.endpoint for row in ROWS if allowed_roles(row)}
    assert len(fuzzed) >= 60
    total = sum(1 for row, role in CASES for _ in _variants(world, fields, row, role))
    with capsys.disabled():
        print(f"\nroute fuzzer: {len(CASES)} route×role cases, {total} hostile requests")
    assert total > 5_000


BOUNDS_SECTION = "## Resource bounds"


def stated_bounds() -> dict[str, str]:
    """Endpoint → the test named for it in the table under BOUNDS_SECTION of docs/security.md."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "security.md").read_text()
    section = text.split(BOUNDS_SECTION, 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if line.startswith("| `") and len(cells) == 4:
            rows[cells[0]] = cells[3]
    return rows


def test_every_upload_has_a_stated_bound_and_a_test_at_it(fuzz_world):
    """A page that takes a file names its limit in docs/security.md, with a test at the limit
    that exists (tests/security/test_resource_bounds.py and friends)."""
    _world, _writes, fields = fuzz_world
    bounds = stated_bounds()
    assert fields.uploads, "no upload form found: the discovery is broken"
    missing = sorted(fields.uploads - set(bounds))
    assert not missing, f"state the limits of {missing} in docs/security.md ({BOUNDS_SECTION})"
    root = Path(__file__).resolve().parents[2]
    for endpoint, test in bounds.items():
        module, _, function = test.partition("::")
        assert function and f"def {function}(" in (root / module).read_text(), (endpoint, test)
