"""Every upload and import path has a stated limit (docs/security.md, "Resource bounds"), and a
test exactly at it: the limit itself is accepted, one byte more is refused with a sentence."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import select

from tests.conftest import make_app
from tpcourse.banks.model import MAX_BANK_BYTES
from tpcourse.models import CourseInstructor

QUESTION = "::limit-check:: A trigger point lies in a taut band. {T}\n"


def padded_gift(size: int) -> bytes:
    """A GIFT bank of exactly `size` bytes: one question, then comment lines."""
    body = QUESTION.encode()
    filler = size - len(body)
    lines = []
    while filler > 0:
        take = min(filler, 1000)
        lines.append(b"//" + b"x" * max(take - 3, 0) + b"\n" if take >= 3 else b"\n" * take)
        filler -= take
    data = body + b"".join(lines)
    assert len(data) == size
    return data


def test_a_request_body_at_the_limit_is_read_and_one_byte_more_is_413(_migrated, tmp_path, db):
    limit = 4096
    app = make_app(_migrated, tmp_path, MAX_CONTENT_LENGTH=limit)
    prefix = b"email=a%40example.com&password="
    at_limit = prefix + b"x" * (limit - len(prefix))
    client = app.test_client()
    kind = "application/x-www-form-urlencoded"
    assert client.post("/login", data=at_limit, content_type=kind).status_code == 422
    over = client.post("/login", data=at_limit + b"x", content_type=kind)
    assert over.status_code == 413 and "limited to 4 KB" in over.get_data(as_text=True)


@pytest.fixture
def studio(client, db, content, make_user, login_as):
    from tpcourse.models import Course

    author = make_user(role="instructor")
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    db.session.add(CourseInstructor(user_id=author.id, course_id=course.id))
    db.session.commit()
    login_as(author)
    return client


def upload(client, data: bytes):
    return client.post("/author/quizzes/intro-quiz/import", data={
        "format": "gift", "bank": (BytesIO(data), "bank.gift")},
        content_type="multipart/form-data")


def test_a_bank_file_at_the_limit_imports_and_one_byte_more_is_refused(studio):
    at_limit = upload(studio, padded_gift(MAX_BANK_BYTES))
    assert at_limit.status_code == 303, at_limit.get_data(as_text=True)[:500]
    preview = studio.get(at_limit.headers["Location"]).get_data(as_text=True)
    assert "limit-check" in preview  # kept for its preview, question and all
    over = upload(studio, padded_gift(MAX_BANK_BYTES + 1))
    page = over.get_data(as_text=True)
    assert over.status_code == 422 and "bank files are limited to 2 MB" in page


def test_the_cli_import_has_the_same_limit(runner, db, content, tmp_path):
    path = tmp_path / "big.gift"
    path.write_bytes(padded_gift(MAX_BANK_BYTES + 1))
    result = runner.invoke(args=["quiz", "import", str(path), "--format", "gift", "--quiz",
                                 "intro-quiz"])
    assert result.exit_code == 1 and "bank files are limited to 2 MB" in result.output
    path.write_bytes(padded_gift(MAX_BANK_BYTES))
    result = runner.invoke(args=["quiz", "import", str(path), "--format", "gift", "--quiz",
                                 "intro-quiz"])
    assert result.exit_code == 0 and "Added 1 question" in result.output


def test_a_class_list_at_the_limit_is_read_and_one_byte_more_is_refused():
    from tpcourse.records.people_csv import MAX_BYTES, read_people_csv

    head = b"name,email,note\nAna Kim,ana@example.org"
    at_limit = head + b",x" * ((MAX_BYTES - len(head)) // 2) + b"x" * ((MAX_BYTES - len(head)) % 2)
    parsed = read_people_csv(at_limit)
    assert len(at_limit) == MAX_BYTES and parsed.problems == [] and len(parsed.rows) == 1
    over = read_people_csv(at_limit + b"x")
    assert over.rows == [] and "class lists are limited to 1 MB" in over.problems[0].message


def test_a_class_list_upload_at_the_limit_is_previewed(client, db, make_user, login_as):
    from tpcourse.records.people_csv import MAX_BYTES
    from tpcourse.services.accounts.accounts import ensure_school

    ensure_school("north", "North")
    login_as(make_user(role="school_admin", school="north"))
    head = b"name,email,note\nAna Kim,ana@example.org"
    for size, shown in ((MAX_BYTES, "1</strong> new account"), (MAX_BYTES + 1, "limited to 1 MB")):
        data = head + b",x" * ((size - len(head)) // 2) + b"x" * ((size - len(head)) % 2)
        page = client.post("/school/north/people/import", data={
            "people": (BytesIO(data), "class.csv")}, content_type="multipart/form-data")
        assert page.status_code == 200 and shown in page.get_data(as_text=True), size
