"""Question banks through the studio and the CLI: upload, problems by line, export, round trip."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from tpcourse.banks import parse_gift
from tpcourse.models import QuizDraft

BANKS = Path(__file__).resolve().parents[1] / "banks" / "fixtures"
IMPORT = "/author/quizzes/intro-quiz/import"


def _upload(client, data: bytes, fmt: str = "gift", name: str = "bank.txt", replace=False):
    form = {"format": fmt, "bank": (io.BytesIO(data), name)}
    if replace:
        form["replace"] = "y"
    return client.post(IMPORT, data=form, content_type="multipart/form-data")


def _draft_questions(db, slug="intro-quiz"):
    db.session.expire_all()
    draft = db.session.execute(select(QuizDraft).filter_by(slug=slug)).scalar_one_or_none()
    return draft.data["questions"] if draft else None


def test_every_gift_construct_imports_into_the_draft_with_unsupported_ones_reported(client, db,
                                                                                      author):
    data = (BANKS / "every-construct.gift").read_bytes()
    expected = parse_gift(data.decode())
    response = _upload(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"{len(expected.questions)} questions added to the draft" in page
    for problem in expected.problems:
        assert f"line {problem.line}:" in page
    assert "essay questions are not supported; skipped" in page
    questions = _draft_questions(db)
    assert len(questions) == 8 + len(expected.questions)  # appended to the quiz's own
    assert [q["id"] for q in questions[8:]] == [q["id"] for q in expected.questions]


def test_malformed_gift_reports_each_problem_by_line_and_imports_the_rest(client, db, author):
    response = _upload(client, (BANKS / "malformed.gift").read_bytes(), replace=True)
    page = response.get_data(as_text=True)
    for line in (3, 7, 9, 11, 13, 15, 17, 19, 21, 23, 27):
        assert f"Skipped, line {line}:" in page
    assert [q["id"] for q in _draft_questions(db)] == ["fine"]  # --replace: only the import


def test_moodle_xml_and_aiken_uploads(client, db, author):
    xml = _upload(client, (BANKS / "every-type.xml").read_bytes(), "moodle-xml", "bank.xml")
    assert xml.status_code == 200 and "added to the draft" in xml.get_data(as_text=True)
    count = len(_draft_questions(db))
    aiken = _upload(client, (BANKS / "every-question.aiken").read_bytes(), "aiken")
    assert aiken.status_code == 200
    assert len(_draft_questions(db)) > count
    ids = [q["id"] for q in _draft_questions(db)]
    assert len(ids) == len(set(ids))  # clashing ids (q-1 ...) were renamed


def test_unsafe_oversized_and_unreadable_uploads_are_reported_not_crashed(client, db, author):
    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]>\n<quiz>&a;</quiz>'
    page = _upload(client, doctype, "moodle-xml", "evil.xml").get_data(as_text=True)
    assert "refused for safety" in page and "Nothing was imported" in page
    too_big = _upload(client, b"x" * 2_100_000)
    assert too_big.status_code == 422 and "limited to 2 MB" in too_big.get_data(as_text=True)
    latin1 = _upload(client, "Caf\xe9 {T}".encode("latin-1"))
    assert latin1.status_code == 422 and "not UTF-8" in latin1.get_data(as_text=True)
    garbage = _upload(client, bytes(range(256)) * 10, "moodle-xml", "junk.xml")
    assert garbage.status_code == 422
    no_file = client.post(IMPORT, data={"format": "gift"}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "Choose a question-bank file" in no_file.get_data(
        as_text=True)
    assert _draft_questions(db) is None  # nothing touched the quiz


def test_a_request_over_the_upload_limit_is_refused_with_413(app, client, author):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = _upload(client, b"x" * 5000)
    assert response.status_code == 413


def test_studio_gift_export_round_trips(client, db, author):
    response = client.get("/author/quizzes/intro-quiz/export/gift")
    assert response.status_code == 200
    assert 'filename="intro-quiz.gift.txt"' in response.headers["Content-Disposition"]
    first = parse_gift(response.get_data(as_text=True))
    assert first.problems == []
    again = parse_gift(client.get("/author/quizzes/intro-quiz/export/gift").get_data(as_text=True))
    assert again.questions == first.questions
    page = client.get("/author/quizzes/intro-quiz/export").get_data(as_text=True)
    assert "ordering questions cannot be written as GIFT" in page
    xml = client.get("/author/quizzes/intro-quiz/export/moodle-xml")
    assert xml.status_code == 200 and xml.get_data().startswith(b"<?xml")
    assert client.get("/author/quizzes/intro-quiz/export/pdf").status_code == 404


def test_cli_import_gift_then_export_gift_round_trips(runner, db, content, tmp_path):
    bank = BANKS / "every-construct.gift"
    result = runner.invoke(args=["quiz", "import-gift", str(bank), "--quiz", "gift-quiz",
                                 "--course", "basics"])
    assert result.exit_code == 0, result.output
    assert f"{bank}:" in result.output and "essay questions are not supported" in result.output
    assert "Added" in result.output
    out = tmp_path / "out.gift"
    exported = runner.invoke(args=["quiz", "export-gift", "gift-quiz", "--draft", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    original = parse_gift(bank.read_text())
    round_trip = parse_gift(out.read_text())
    assert round_trip.problems == []
    assert [q["id"] for q in round_trip.questions] == [q["id"] for q in original.questions]
    assert round_trip.questions == parse_gift(
        runner.invoke(args=["quiz", "export", "gift-quiz", "--format", "gift", "--draft"]).output
    ).questions


def test_cli_import_reports_lines_and_fails_on_errors(runner, db, content):
    result = runner.invoke(args=["quiz", "import", str(BANKS / "malformed.gift"), "--format",
                                 "gift", "--quiz", "intro-quiz"])
    assert result.exit_code == 1
    assert f"{BANKS / 'malformed.gift'}:7: error:" in result.output
    assert "Added 1 question(s)" in result.output
    missing = runner.invoke(args=["quiz", "import", str(BANKS / "every-type.xml"), "--format",
                                  "moodle-xml", "--quiz", "no-such-quiz"])
    assert missing.exit_code == 1 and "--course" in missing.output
