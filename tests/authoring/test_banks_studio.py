"""Question banks through the studio and the CLI: upload, preview, confirm, export, round trip."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.security.content_tree import copy_content
from tpcourse.banks import parse_gift
from tpcourse.models import BankUpload, QuizDraft

BANKS = Path(__file__).resolve().parents[1] / "banks" / "fixtures"
IMPORT = "/author/quizzes/intro-quiz/import"


@pytest.fixture
def lessons(app, tmp_path):
    """A writable copy of the fixture content: imports save images in its lessons/assets/."""
    root = copy_content(tmp_path)
    app.config["TPCOURSE_LESSONS_DIR"] = str(root / "lessons")
    return root / "lessons"


def _upload(client, data: bytes, fmt: str = "gift", name: str = "bank.txt", replace=False,
            scoring=None):
    form = {"format": fmt, "bank": (io.BytesIO(data), name)}
    if replace:
        form["replace"] = "y"
    if scoring:
        form["scoring"] = scoring
    return client.post(IMPORT, data=form, content_type="multipart/form-data")


def _preview(client, data: bytes, **kwargs) -> tuple[str, str]:
    """Upload a bank; return the preview's URL and page."""
    response = _upload(client, data, **kwargs)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    url = response.headers["Location"]
    page = client.get(url)
    assert page.status_code == 200
    return url, page.get_data(as_text=True)


def _confirm(client, url: str, take: list[int]):
    return client.post(url, data={"action": "import", "take": [str(i) for i in take]})


def _draft_questions(db, slug="intro-quiz"):
    db.session.expire_all()
    draft = db.session.execute(select(QuizDraft).filter_by(slug=slug)).scalar_one_or_none()
    return draft.data["questions"] if draft else None


def test_a_gift_upload_is_previewed_before_anything_reaches_the_draft(client, db, author):
    data = (BANKS / "every-construct.gift").read_bytes()
    expected = parse_gift(data.decode())
    url, page = _preview(client, data)
    assert _draft_questions(db) is None  # the preview changed nothing
    assert page.count('name="take"') == len(expected.questions) == 17
    assert "line 66: the essay has no information for graders" in re.sub(r"<[^>]+>", "", page)
    # each question drawn as a trainee sees it: the matching answers as choices
    assert "Side of the head and temple" in page and "Choose…" in page
    assert page.count("<fieldset class=\"question import-question\" disabled") == 17
    # the note about numeric answer feedback sits beside question 9 (line 45)
    box = page[page.index('id="item-8-title"'):page.index('id="item-9-title"')]
    assert "answer feedback is not imported for numeric questions" in box
    response = _confirm(client, url, list(range(17)))
    assert response.status_code == 200
    assert "17 questions added to the draft" in response.get_data(as_text=True)
    questions = _draft_questions(db)
    assert len(questions) == 8 + 17  # appended to the quiz's own
    assert [q["id"] for q in questions[8:]] == [q["id"] for q in expected.questions]
    assert db.session.execute(select(BankUpload)).first() is None  # the upload is gone
    assert client.get(url).status_code == 404


def test_unticked_questions_are_left_out(client, db, author):
    url, _ = _preview(client, (BANKS / "every-construct.gift").read_bytes(), replace=True)
    _confirm(client, url, [0, 2, 16])
    assert [q["id"] for q in _draft_questions(db)] == [
        "taut-band", "signs-of-a-trigger-point", "q-18"]


def test_confirming_nothing_is_refused_and_discarding_keeps_the_draft(client, db, author):
    url, _ = _preview(client, (BANKS / "every-construct.gift").read_bytes())
    refused = _confirm(client, url, [])
    assert refused.status_code == 422
    assert "Tick at least one question" in refused.get_data(as_text=True)
    discarded = client.post(url, data={"action": "discard"})
    assert discarded.status_code == 303
    assert _draft_questions(db) is None
    assert client.get(url).status_code == 404


def test_the_platform_scoring_names_the_questions_that_differ_in_the_preview(client, db,
                                                                              author):
    _, page = _preview(client, (BANKS / "every-construct.gift").read_bytes(),
                       scoring="platform")
    text = re.sub(r"<[^>]+>", "", page)
    assert "Note, line 21: scores differ from the source" in text
    assert "scores 70% in the source and 50% here" in text


def test_malformed_gift_reports_each_problem_by_line_and_imports_the_rest(client, db, author):
    url, page = _preview(client, (BANKS / "malformed.gift").read_bytes(), replace=True)
    for line in (3, 7, 9, 11, 13, 15, 17, 19, 21, 23, 27):
        assert f"Skipped, line {line}:" in page
    _confirm(client, url, [0])
    assert [q["id"] for q in _draft_questions(db)] == ["fine"]  # replace: only the import


def test_moodle_xml_upload_carries_its_image_into_the_course_assets(client, db, author, lessons):
    url, page = _preview(client, (BANKS / "every-type.xml").read_bytes(), fmt="moodle-xml",
                         name="bank.xml")
    image = re.search(r'src="(/author/quizzes/intro-quiz/import/[^"]+/files/([^"]+))"', page)
    assert image, "the preview shows the embedded image from the upload itself"
    served = client.get(image.group(1))
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.data.startswith(b"\x89PNG")
    assert not (lessons / "assets" / "basics").exists()  # nothing written before confirming
    done = _confirm(client, url, list(range(8)))
    assert "assets/basics/" + image.group(2) in done.get_data(as_text=True)
    assert (lessons / "assets" / "basics" / image.group(2)).read_bytes().startswith(b"\x89PNG")
    prompt = next(q["prompt"] for q in _draft_questions(db) if q["id"] == "taut-band-2")
    assert f'src="assets/basics/{image.group(2)}"' in prompt
    assert client.get(f"/assets/basics/{image.group(2)}").status_code == 200


def test_aiken_upload_and_clashing_ids(client, db, author, lessons):
    url, _ = _preview(client, (BANKS / "every-type.xml").read_bytes(), fmt="moodle-xml",
                      name="bank.xml")
    _confirm(client, url, list(range(8)))
    count = len(_draft_questions(db))
    url, _ = _preview(client, (BANKS / "every-question.aiken").read_bytes(), fmt="aiken")
    _confirm(client, url, [0, 1, 2])
    ids = [q["id"] for q in _draft_questions(db)]
    assert len(ids) == count + 3 and len(ids) == len(set(ids))  # clashing ids renamed


def test_an_upload_is_its_authors_alone(client, db, author, make_user, login_as, course):
    from tpcourse.models import CourseInstructor

    url, _ = _preview(client, (BANKS / "every-construct.gift").read_bytes())
    colleague = make_user(role="instructor")
    db.session.add(CourseInstructor(user_id=colleague.id, course_id=course.id))
    db.session.commit()
    login_as(colleague)
    assert client.get(url).status_code == 404
    assert _confirm(client, url, [0]).status_code == 404
    assert _draft_questions(db) is None


def test_unsafe_oversized_and_unreadable_uploads_are_reported_not_crashed(client, db, author):
    doctype = b'<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaa">]>\n<quiz>&a;</quiz>'
    page = _upload(client, doctype, "moodle-xml", "evil.xml")
    assert page.status_code == 422
    assert "refused for safety" in page.get_data(as_text=True)
    assert "Nothing was imported" in page.get_data(as_text=True)
    too_big = _upload(client, b"x" * 2_100_000)
    assert too_big.status_code == 422 and "limited to 2 MB" in too_big.get_data(as_text=True)
    latin1 = _upload(client, "Caf\xe9 {T}".encode("latin-1"))
    assert latin1.status_code == 422 and "not UTF-8" in latin1.get_data(as_text=True)
    garbage = _upload(client, bytes(range(256)) * 10, "moodle-xml", "junk.xml")
    assert garbage.status_code == 422
    bad_zip = _upload(client, b"PK\x03\x04" + b"\0" * 100, "canvas", "quiz.zip")
    assert bad_zip.status_code == 422 and "not a readable .zip" in bad_zip.get_data(as_text=True)
    no_file = client.post(IMPORT, data={"format": "gift"}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "Choose a question-bank file" in no_file.get_data(
        as_text=True)
    assert _draft_questions(db) is None  # nothing touched the quiz
    assert db.session.execute(select(BankUpload)).first() is None  # nothing kept either


def test_a_request_over_the_upload_limit_is_refused_with_413(app, client, author):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = _upload(client, b"x" * 5000)
    assert response.status_code == 413


def test_studio_exports_round_trip(client, db, author):
    response = client.get("/author/quizzes/intro-quiz/export/gift")
    assert response.status_code == 200
    assert 'filename="intro-quiz.gift.txt"' in response.headers["Content-Disposition"]
    first = parse_gift(response.get_data(as_text=True))
    assert first.problems == []
    again = parse_gift(client.get("/author/quizzes/intro-quiz/export/gift").get_data(as_text=True))
    assert again.questions == first.questions
    page = client.get("/author/quizzes/intro-quiz/export").get_data(as_text=True)
    assert "ordering questions cannot be written as GIFT" in page
    assert "IMS QTI 2.1" in page and "Canvas" not in page  # Canvas is import only
    xml = client.get("/author/quizzes/intro-quiz/export/moodle-xml")
    assert xml.status_code == 200 and xml.get_data().startswith(b"<?xml")
    qti = client.get("/author/quizzes/intro-quiz/export/qti21")
    assert qti.status_code == 200 and qti.get_data().startswith(b"PK")
    assert client.get("/author/quizzes/intro-quiz/export/canvas").status_code == 404
    assert client.get("/author/quizzes/intro-quiz/export/pdf").status_code == 404


def test_cli_import_gift_then_export_gift_round_trips(runner, db, content, tmp_path):
    bank = BANKS / "every-construct.gift"
    result = runner.invoke(args=["quiz", "import-gift", str(bank), "--quiz", "gift-quiz",
                                 "--course", "basics"])
    assert result.exit_code == 0, result.output
    assert f"{bank}:" in result.output
    assert "the essay has no information for graders" in result.output
    assert "Added" in result.output
    out = tmp_path / "out.gift"
    exported = runner.invoke(args=["quiz", "export-gift", "gift-quiz", "--draft", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    original = parse_gift(bank.read_text())
    round_trip = parse_gift(out.read_text())
    assert [p.message[:40] for p in round_trip.problems] == [  # the essay's, as on import
        "the essay has no information for graders"]
    assert round_trip.questions == original.questions
    assert round_trip.questions == parse_gift(
        runner.invoke(args=["quiz", "export", "gift-quiz", "--format", "gift", "--draft"]).output
    ).questions


def test_cli_import_reports_lines_and_fails_on_errors(runner, db, content):
    result = runner.invoke(args=["quiz", "import", str(BANKS / "malformed.gift"), "--format",
                                 "gift", "--quiz", "intro-quiz"])
    assert result.exit_code == 1
    assert f"{BANKS / 'malformed.gift'}:7: error:" in result.output
    assert "Added 1 question" in result.output
    missing = runner.invoke(args=["quiz", "import", str(BANKS / "every-type.xml"), "--format",
                                  "moodle-xml", "--quiz", "no-such-quiz"])
    assert missing.exit_code == 1 and "--course" in missing.output


def test_cli_platform_scoring_names_the_questions_that_differ(runner, db, content):
    result = runner.invoke(args=["quiz", "import", str(BANKS / "every-construct.gift"),
                                 "--format", "gift", "--quiz", "intro-quiz", "--scoring",
                                 "platform"])
    assert result.exit_code == 0, result.output
    assert f"{BANKS / 'every-construct.gift'}:27: warning: scores differ from the source" \
        in result.output


def test_confirming_needs_the_forms_csrf_token(app, client, db, author, instructor, clock):
    from tpcourse.services.authoring import bank_preview

    token, _ = bank_preview.stage_upload(instructor, "intro-quiz",
                                         (BANKS / "every-construct.gift").read_bytes(),
                                         "bank.gift", "gift", "source", False, clock())
    url = f"{IMPORT}/{token}"
    app.config["WTF_CSRF_ENABLED"] = True
    forged = client.post(url, data={"action": "import", "take": ["0"]})
    assert forged.status_code == 400
    assert _draft_questions(db) is None
    page = client.get(url).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post(url, data={"action": "import", "take": ["0"], "csrf_token": csrf})
    assert done.status_code == 200
    assert [q["id"] for q in _draft_questions(db)][-1] == "taut-band"


@pytest.mark.parametrize("token", ["no-such-upload", "x" * 200, "bad%00token", "%C2%B2", "a.b"])
def test_an_unknown_or_malformed_upload_id_is_404(client, db, author, token):
    refused = 400 if "%00" in token else 404  # a NUL is refused before routing reads it
    assert client.get(f"{IMPORT}/{token}").status_code == refused
    assert client.post(f"{IMPORT}/{token}", data={"action": "import", "take": ["0"]}
                       ).status_code == refused
    assert client.get(f"{IMPORT}/{token}/files/x.png").status_code == refused
