"""Editing an imported question in the studio keeps everything the bank brought (issue 24):
saving the form unchanged stores the same question — name, category, scoring and weights,
distractors, per-answer true/false feedback, partial answers."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.security.content_tree import copy_content
from tpcourse.content.export import question_file_data
from tpcourse.models import QuizDraft
from tpcourse.services.authoring.bank_import import import_bank_cli

BANKS = Path(__file__).resolve().parents[1] / "banks" / "fixtures"


class FormFields(HTMLParser):
    """The values a browser would send for the question form (first form with a CSRF field)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "image"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((name, a.get("value", "y")))
            else:
                self.values.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.values.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def draft_questions(db) -> list[dict]:
    db.session.expire_all()
    return db.session.execute(select(QuizDraft).filter_by(slug="intro-quiz")
                              ).scalar_one().data["questions"]


@pytest.mark.parametrize(("bank", "fmt"), [("faithful.gift", "gift"),
                                            ("faithful.xml", "moodle-xml")])
def test_saving_an_imported_question_unchanged_keeps_it(app, client, db, author, clock, bank,
                                                        fmt, tmp_path):
    app.config["TPCOURSE_LESSONS_DIR"] = str(copy_content(tmp_path) / "lessons")  # images go there
    outcome = import_bank_cli("intro-quiz", (BANKS / bank).read_bytes(), fmt, True, clock())
    before = draft_questions(db)
    assert [q["id"] for q in before] == outcome.added
    for question in before:
        url = f"/author/quizzes/intro-quiz/questions/{question['id']}/edit"
        page = client.get(url)
        assert page.status_code == 200
        fields = FormFields()
        fields.feed(page.get_data(as_text=True))
        data: dict[str, list[str]] = {}
        for name, value in fields.values:
            data.setdefault(name, []).append(value)
        data["action"] = ["save"]
        saved = client.post(url, data=data)
        assert saved.status_code == 302, (question["id"], saved.get_data(as_text=True)[:3000])
    after = draft_questions(db)
    # the form writes `points: 1` and its own key order; as a quiz file they are the same
    assert [question_file_data(q) for q in after] == [question_file_data(q) for q in before]


def test_an_imported_bank_round_trips_through_the_quiz_file(app, client, db, author, clock,
                                                            tmp_path, runner):
    """Publish an imported bank, export the quiz file: `content check` is clean and `content
    sync` finds the same content hash — names, scoring, weights, distractors, partial answers
    and per-answer feedback included, and the imported image is where the file says."""
    from tests.authoring.test_roundtrip import _latest
    from tpcourse.models import Quiz, QuizVersion
    from tpcourse.services.authoring.content_sync import sync_from_folders

    root = copy_content(tmp_path)
    app.config.update(TPCOURSE_LESSONS_DIR=str(root / "lessons"),
                      TPCOURSE_QUIZZES_DIR=str(root / "quizzes"))
    for bank, fmt in (("faithful.gift", "gift"), ("faithful.xml", "moodle-xml")):
        import_bank_cli("intro-quiz", (BANKS / bank).read_bytes(), fmt, False, clock())
    response = client.post("/author/quizzes/intro-quiz/publish")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    published = _latest(db, QuizVersion, Quiz, "intro-quiz")
    stored = {q["id"]: q for q in published.data["questions"]}
    assert stored["classify-the-tissue"]["distractors"] == ["Ligament", "Chat"]
    assert stored["dvt-check"]["feedback_true_html"] == "Never: refer the client."
    exported = client.get("/author/quizzes/intro-quiz/export.yaml").get_data()
    assert b"name: Referral to temple" in exported and b"scoring: weights" in exported
    (root / "quizzes" / "intro-quiz.yaml").write_bytes(exported)
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    report = sync_from_folders(root / "lessons", root / "quizzes")
    assert "quiz intro-quiz: version 2" in report.unchanged
    assert _latest(db, QuizVersion, Quiz, "intro-quiz").content_hash == published.content_hash
    assert (root / "lessons" / "assets" / "basics" / "trapezius-b1ff9c8e.png").is_file()
