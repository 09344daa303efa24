"""Every route, for every role, GET and POST: the status the table in docs/security.md gives.

The table (section "Route access matrix") is the only list: these tests parse it, so the page
and the tests cannot disagree, and a route without a row fails. The world the requests run in
is described in tests/permissions/route_world.py; a POST that was not refused is rolled back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import Clock, empty_database, make_app
from tests.permissions.route_world import ROLES, World, build_world

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
SECTION = "## Route access matrix"
METHODS = ("GET", "POST")
LOGIN = "login"  # a cell meaning: 302 to the login page


@dataclass(frozen=True)
class Row:
    """One row of the table: an endpoint, a method, a path template and a status per role."""

    endpoint: str
    method: str
    path: str
    expected: dict[str, int | str]


def _cells(line: str) -> list[str]:
    return [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]


def _status(cell: str) -> int | str:
    if cell == LOGIN:
        return LOGIN
    if re.fullmatch(r"[1-5]\d\d", cell):
        return int(cell)
    raise ValueError(f"{DOC}: status {cell!r} is neither a number nor '{LOGIN}'")


def read_matrix(text: str) -> list[Row]:
    """Parse the route table under SECTION; raise ValueError when it is malformed."""
    if SECTION not in text:
        raise ValueError(f"{DOC} has no '{SECTION}' section")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ")]
    header = ["endpoint", "method", "path", *ROLES]
    if not lines or _cells(lines[0]) != header:
        raise ValueError(f"{DOC}: the table's header must be {' | '.join(header)}")
    rows = []
    for line in lines[1:]:
        cells = _cells(line)
        if len(cells) != len(header):
            raise ValueError(f"{DOC}: row {line!r} has {len(cells)} cells, not {len(header)}")
        rows.append(Row(cells[0], cells[1], cells[2],
                        dict(zip(ROLES, map(_status, cells[3:]), strict=True))))
    keys = [(row.endpoint, row.method) for row in rows]
    if len(keys) != len(set(keys)):
        raise ValueError(f"{DOC}: an endpoint and method appear in two rows")
    return rows


ROWS = read_matrix(DOC.read_text(encoding="utf-8"))
PATHS = {row.endpoint: row.path for row in ROWS}
LISTED = {(row.endpoint, row.method) for row in ROWS}
# A method a route does not accept answers 405 to everyone, before any login check.
UNLISTED = sorted((endpoint, method) for endpoint in PATHS for method in METHODS
                  if (endpoint, method) not in LISTED)


@pytest.fixture(scope="module")
def world(_migrated, tmp_path_factory):
    """One world for the whole module (rolled back after each POST that changed anything)."""
    folder, clock = tmp_path_factory.mktemp("route-world"), Clock()
    app = make_app(_migrated, folder, TPCOURSE_NOW=clock,
                   TPCOURSE_API_FAILURE_LIMIT="10000 per minute",
                   TPCOURSE_VERIFY_LIMIT="10000 per minute")
    yield build_world(app, folder, clock)
    with app.app_context():
        empty_database()


def test_every_route_has_a_row_and_every_row_a_route(world: World):
    """A new route (or method) without a row fails here, and so does a row for a removed one."""
    routes = {(rule.endpoint, method) for rule in world.app.url_map.iter_rules()
              if rule.endpoint != "static"
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    missing, stale = sorted(routes - LISTED), sorted(LISTED - routes)
    assert not missing, f"add these to the table in {DOC.name} ('{SECTION}'): {missing}"
    assert not stale, f"these rows of {DOC.name} name no route any more: {stale}"


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.endpoint}-{r.method}" for r in ROWS])
def test_each_path_reaches_its_endpoint(world: World, row: Row):
    """The path written in a row is routed to that row's endpoint, for every role."""
    adapter = world.app.url_map.bind(world.app.config["SERVER_NAME"])
    for role in ROLES:
        path = urlsplit(world.url(row.path, role)).path
        assert adapter.match(path, method=row.method)[0] == row.endpoint, (path, role)


def _check(world: World, method: str, url: str, role: str, expected: int | str) -> None:
    response = world.request(role, method, url)
    location = urlsplit(response.headers.get("Location", "")).path
    got: int | str = LOGIN if response.status_code == 302 and location == "/login" \
        else response.status_code
    detail = f" to {location}" if response.status_code == 302 else ""
    assert got == expected, (f"{method} {url} as {role}: {response.status_code}{detail}, but "
                             f"{DOC.name} says {expected}")


@pytest.mark.parametrize(("row", "role"), [(row, role) for row in ROWS for role in ROLES],
                         ids=[f"{r.endpoint}-{r.method}-{role}" for r in ROWS for role in ROLES])
def test_route_access(world: World, row: Row, role: str):
    """The role gets the status the table gives (a plain 302 never means 'log in first')."""
    _check(world, row.method, world.url(row.path, role), role, row.expected[role])


@pytest.mark.parametrize(("endpoint", "method", "role"),
                         [(e, m, role) for e, m in UNLISTED for role in ROLES],
                         ids=[f"{e}-{m}-{role}" for e, m in UNLISTED for role in ROLES])
def test_other_methods_are_not_allowed(world: World, endpoint: str, method: str, role: str):
    """GET to a POST-only route, or POST to a GET-only one, is 405 for everyone."""
    _check(world, method, world.url(PATHS[endpoint], role), role, 405)


NORTH_ONLY = [row for row in ROWS if row.path.startswith("/school/{school}")]


@pytest.mark.parametrize("row", NORTH_ONLY, ids=[f"{r.endpoint}-{r.method}" for r in NORTH_ONLY])
def test_another_schools_admin_cannot_tell_that_north_exists(world: World, row: Row):
    """South's admin on north's pages gets the same 404 as for a school that does not exist."""
    theirs = world.request("other_school_admin", row.method,
                           world.url(row.path, "other_school_admin", school="north"))
    missing = world.request("other_school_admin", row.method,
                            world.url(row.path, "other_school_admin", school="no-such-school"))
    assert theirs.status_code == missing.status_code == 404
    assert "north" not in theirs.get_data(as_text=True).lower()


def test_the_matrix_reader_refuses_a_malformed_table():
    """A typo in the table is an error, not a silently skipped row."""
    header = "| endpoint | method | path | " + " | ".join(ROLES) + " |\n|---|\n"
    good = f"| `x.y` | GET | `/x` | {' | '.join(['200'] * len(ROLES))} |\n"
    assert read_matrix(f"{SECTION}\n\n{header}{good}")[0].expected["admin"] == 200
    for broken in (good.replace("200", "ok", 1), good.replace(" 200 |", "", 1), good + good):
        with pytest.raises(ValueError):
            read_matrix(f"{SECTION}\n\n{header}{broken}")
    with pytest.raises(ValueError):
        read_matrix(header + good)
