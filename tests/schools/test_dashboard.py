"""The school dashboard: progress, filters, sorting, paging, and downloads from the web."""

from __future__ import annotations

import json
import re

from tpcourse.records.signing import verify_export
from tpcourse.services.records import signing_keys
from tpcourse.services.schools.roster import RosterFilter, iter_rows, roster_page


def _names(html: str) -> list[str]:
    """Trainee names in roster order (the first cell of each body row)."""
    body = html.split("<tbody>", 1)[1] if "<tbody>" in html else ""
    return re.findall(r"<tr>\s*<td>([^<]+)<br>", body)


def test_dashboard_rows_are_the_export_rows(world, clock):
    """One set of service functions: the dashboard shows exactly what the export contains."""
    page = roster_page(world.north, RosterFilter(), clock.now, "https://s", per_page=100)
    exported = list(iter_rows(world.north, RosterFilter(), clock.now, "https://s"))
    shown = sorted(page.entries, key=lambda entry: entry[2])  # by enrolment, like the export
    assert [row for row, _progress, _id in shown] == exported


def test_dashboard_shows_progress_bars_for_each_trainee(client, login_as, world):
    login_as(world.north_admin)
    html = client.get("/school/north/").get_data(as_text=True)
    assert _names(html) == ["Ann Partial", "Ian Idle", "Lou Loner", "Zoë Müller"]
    zoe = html.split("Zoë Müller", 1)[1].split("</tr>", 1)[0]
    assert "3/3<span class=\"sr-only\"> lessons read" in zoe
    assert "2/2<span class=\"sr-only\"> module quizzes passed" in zoe
    assert "passed" in zoe and 'style="width: 100%"' in zoe and "valid" in zoe
    ann = html.split("Ann Partial", 1)[1].split("</tr>", 1)[0]
    assert "1/3" in ann and 'style="width: 33%"' in ann and "failed" in ann
    assert "Sam South" not in html and "Autumn 2026" not in html


def test_filters_narrow_the_roster(client, login_as, world):
    login_as(world.north_admin)
    cases = {
        "status=completed": ["Zoë Müller"],
        "status=in_progress": ["Ann Partial"],
        "status=not_started": ["Ian Idle", "Lou Loner"],
        "q=ANN%40north": ["Ann Partial"],
        "cohort=none": ["Lou Loner"],
        f"cohort={world.spring.id}&status=not_started": ["Ian Idle"],
        "course=basics&since=2026-03-02&until=2026-03-02": ["Zoë Müller"],
        "since=2026-03-03": [],
    }
    for query, expected in cases.items():
        response = client.get(f"/school/north/?{query}")
        assert response.status_code == 200, query
        assert _names(response.get_data(as_text=True)) == expected, query


def test_bad_filters_rerender_with_errors_and_what_was_typed(client, login_as, world):
    login_as(world.north_admin)
    response = client.get("/school/north/?since=2026-03-10&until=2026-03-01&q=zo")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose an end date on or after the start date." in html
    assert 'value="2026-03-10"' in html and 'value="zo"' in html
    foreign = client.get(f"/school/north/?cohort={world.autumn.id}")
    assert foreign.status_code == 422 and "Not a valid choice" in foreign.get_data(as_text=True)


def test_sorting_and_paging(client, login_as, world, clock):
    login_as(world.north_admin)
    html = client.get("/school/north/?sort=name&dir=desc").get_data(as_text=True)
    assert _names(html) == ["Zoë Müller", "Lou Loner", "Ian Idle", "Ann Partial"]
    assert 'aria-sort="descending"' in html
    completed_first = _names(client.get("/school/north/?sort=completed").get_data(as_text=True))
    assert completed_first[0] == "Zoë Müller"
    first = roster_page(world.north, RosterFilter(), clock.now, "s", per_page=3, page=1)
    second = roster_page(world.north, RosterFilter(), clock.now, "s", per_page=3, page=2)
    assert (first.pages, first.total, len(second.entries)) == (2, 4, 1)
    seen = [row.email for row, _, _ in first.entries + second.entries]
    assert len(set(seen)) == 4
    assert roster_page(world.north, RosterFilter(), clock.now, "s", per_page=3, page=99).page == 2


def test_download_streams_a_signed_file_and_lists_its_signature(client, login_as, world, app):
    login_as(world.north_admin)
    response = client.get(f"/school/north/export?format=csv&cohort={world.spring.id}")
    data = response.get_data()
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="completions-north-' in response.headers["Content-Disposition"]
    assert b"zoe@north.example" in data and b"lou@north.example" not in data
    link = re.match(r"<([^>]+)>; rel=\"signature\"", response.headers["Link"]).group(1)
    signature = client.get(link)
    assert signature.status_code == 200
    assert verify_export(data, signature.get_json(), signing_keys.key_set(app)) == []
    dashboard = client.get("/school/north/").get_data(as_text=True)
    assert link in dashboard and "Recent downloads" in dashboard


def test_download_refuses_bad_requests_with_a_page(client, login_as, world):
    login_as(world.north_admin)
    assert client.get("/school/north/export?format=pdf").status_code == 400
    assert client.get(f"/school/north/export?cohort={world.autumn.id}").status_code == 404
    assert client.get("/school/north/export?since=yesterday").status_code == 400


def test_admin_sees_every_school_and_school_admin_goes_to_their_own(client, login_as, world,
                                                                    make_user):
    login_as(world.south_admin)
    assert client.get("/school/").headers["Location"].endswith("/school/south/")
    login_as(make_user(role="admin"))
    html = client.get("/school/").get_data(as_text=True)
    assert "North Massage School" in html and "South Bodywork College" in html
    south = client.get("/school/south/").get_data(as_text=True)
    assert _names(south) == ["Sam South"]


def test_json_download_from_the_web_matches_the_schema_meta(client, login_as, world):
    login_as(world.north_admin)
    document = json.loads(client.get("/school/north/export?format=json").get_data())
    assert document["meta"]["school"] == "north" and len(document["records"]) == 4
