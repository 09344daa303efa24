"""Every page of the role matrix, served in Spanish, has no English sentence left.

The world is the route matrix's (tests/permissions/route_world.py): every GET route in
docs/security.md's table is loaded by the least privileged role it answers 200 for, with
`Accept-Language: es`, and `tests/i18n/english.py` reads what a person would see or hear.
Course content the fixtures have only in English is shown in English on purpose — marked
`lang="en"` so screen readers switch voice, and so the checker passes it; everything else
must be Spanish.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import CONTENT
from tests.i18n.english import english_sentences, reads_as_english
from tests.permissions import route_world, test_route_matrix
from tests.permissions.route_world import CASEWORK, CERTIFIED, ROLES, World
from tests.permissions.test_route_matrix import ROWS

PAGES = [(row, next(role for role in ROLES if row.expected[role] == 200))
         for row in ROWS if row.method == "GET" and 200 in row.expected.values()]

world = test_route_matrix.world  # the route matrix's world, built once for this module

NAMES = ("tpcourse", "North Massage School", "South Bodywork College", "School Admin",
         "Other School Admin")
"""Proper names the fixtures use (schools, people)."""

COURSE_FILES = (CONTENT, CERTIFIED, CASEWORK)


def _course_text() -> str:
    """Every text of the fixture courses, which exist in English only (a school's own course
    may): shown as written, with the notice that says so, on trainees' pages and in the studio."""
    files = [path.read_text(encoding="utf-8") for folder in COURSE_FILES
             for path in sorted(Path(folder).rglob("*")) if path.suffix in (".md", ".yaml")]
    extra = [*route_world.OTHER_COURSE.values(), Path(route_world.__file__).read_text()]
    return " ".join(" ".join(files + extra).split())


COURSE_TEXT = _course_text()
_PARTS = re.compile(r" · | — |; | → |: |, |\| | \(|\)| / ")
_MARKUP = re.compile(r"[*#|!\[\]()<>`_-]+")


def _content(piece: str) -> bool:
    """Whether a piece of a page is course content rather than interface: each of its English
    parts (or the piece with Markdown marks dropped) is written in the fixture courses' files."""
    if piece in COURSE_TEXT:
        return True
    parts = [part.strip() for part in _PARTS.split(piece) if part.strip()]
    if all(part in COURSE_TEXT or not reads_as_english(part) for part in parts):
        return True
    if not re.search(r"\*\*|\|---|!!! |\]\(", piece):
        return False
    # a lesson's Markdown source in the editor: its words, marks aside, are the lesson's
    return all(word in COURSE_TEXT for word in _MARKUP.sub(" ", piece).split())


AUTHORS_NOTES = re.compile(r"^question '[\w-]+': ")
"""The bank exporter's notes to authors (what a format cannot hold): English for course
authors, like `content check` (docs/translations.md, "What stays in English")."""

SENT_MAIL = "admin.outbox"
"""The outbox lists emails as they were written, in each recipient's language (English here)."""


def _spanish_page(world: World, role: str, url: str):
    client = world.app.test_client()
    if role != "anonymous":
        client.set_cookie(world.app.config["SESSION_COOKIE_NAME"], world.cookies[role],
                          domain=world.app.config["SERVER_NAME"])
    response = client.get(url, headers={"Accept-Language": "es"})
    assert response.status_code == 200, (url, role, response.status_code)
    return response


@pytest.mark.parametrize(("row", "role"), PAGES, ids=[row.endpoint for row, _ in PAGES])
def test_the_page_has_no_english_left(world: World, row, role: str):
    response = _spanish_page(world, role, world.url(row.path, role))
    if response.mimetype != "text/html":
        return  # a download (CSV, JSON, PDF, an image): not a page people read
    page = response.get_data(as_text=True)
    assert '<html lang="es"' in page
    left = [piece for piece in english_sentences(page, allow=NAMES)
            if not _content(piece) and not AUTHORS_NOTES.match(piece)]
    if row.endpoint == SENT_MAIL:
        left = [piece for piece in left if not piece.startswith("Your ")]
    assert not left, f"{row.path} as {role}: English left: {left[:8]}"
