"""No answer key reaches the trainee before submission, for any question type.

Two quizzes are scanned: the fixture `intro-quiz` (all eight types), and the same quiz with every
piece of key material replaced by a unique "canary" that must never appear in a page.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.helpers import field
from tests.security.content_tree import copy_content, sync, write_quiz

TYPES = {"single", "multiple", "true_false", "numeric", "short_text", "matching", "ordering",
         "hotspot"}

CANARY_QUIZ = {
    "slug": "intro-quiz", "title": "Hidden key quiz", "pass_mark": 80, "max_attempts": 3,
    "shuffle_questions": True, "shuffle_options": True, "review": "after_submit",
    "questions": [
        {"id": "q-single", "objective": "INT-1", "type": "single", "prompt": "Pick one.",
         "options": [{"id": "a", "text": "Alder", "correct": True,
                      "feedback": "CANARYFBRIGHT single right"},
                     {"id": "b", "text": "Birch", "feedback": "CANARYFBONE nope"},
                     {"id": "c", "text": "Cedar", "feedback": "CANARYFBTWO nope"}],
         "explanation": "CANARYEXPLSINGLE because."},
        {"id": "q-multiple", "objective": "INT-1", "type": "multiple", "prompt": "Pick some.",
         "options": [{"id": "a", "text": "Ash", "correct": True},
                     {"id": "b", "text": "Beech", "correct": True},
                     {"id": "c", "text": "Cherry", "feedback": "CANARYFBTHREE nope"}],
         "explanation": "CANARYEXPLMULTIPLE because."},
        {"id": "q-tf", "objective": "INT-1", "type": "true_false", "prompt": "Is it so?",
         "answer": False, "explanation": "CANARYEXPLTF because."},
        {"id": "q-num", "objective": "INT-2", "type": "numeric", "prompt": "How many?",
         "answer": 7391.5, "tolerance": 0.25, "unit": "s",
         "explanation": "CANARYEXPLNUM because."},
        {"id": "q-text", "objective": "INT-1", "type": "short_text", "prompt": "Name it.",
         "accept": ["zebracanary", "quokkacanary"], "explanation": "CANARYEXPLTEXT because."},
        {"id": "q-match", "objective": "INT-1", "type": "matching", "prompt": "Match them.",
         "pairs": [["Left one", "Right one"], ["Left two", "Right two"],
                   ["Left three", "Right three"]],
         "explanation": "CANARYEXPLMATCH because."},
        {"id": "q-order", "objective": "INT-2", "type": "ordering", "prompt": "Order them.",
         "items": ["Step one", "Step two", "Step three", "Step four"],
         "explanation": "CANARYEXPLORDER because."},
        # Issue 24: many-to-one matching with a distractor, scoring rules, per-answer true/false
        # feedback, partial answers, bank names and categories: none of it may reach the page.
        {"id": "q-classify", "objective": "INT-1", "type": "matching", "prompt": "Classify.",
         "name": "CANARYNAMECLASSIFY", "category": "$course$/top/CANARYCATEGORY",
         "pool": "canarycategory", "scoring": "all_or_nothing",
         "pairs": [["Frog", "Amphibian"], ["Newt", "Amphibian"], ["Cat", "Mammal"]],
         "distractors": ["Reptile"], "explanation": "CANARYEXPLCLASSIFY because."},
        {"id": "q-weighted", "objective": "INT-1", "type": "multiple", "prompt": "Weigh them.",
         "scoring": "weights",
         "options": [{"id": "a", "text": "Oak", "weight": 62.5},
                     {"id": "b", "text": "Elm", "weight": 37.5},
                     {"id": "c", "text": "Yew", "weight": -87.5}]},
        {"id": "q-partial-single", "objective": "INT-1", "type": "single", "prompt": "One.",
         "scoring": "weights",
         "options": [{"id": "a", "text": "Fir", "weight": 100},
                     {"id": "b", "text": "Pine", "weight": 43.75}, {"id": "c", "text": "Larch"}]},
        {"id": "q-tf-feedback", "objective": "INT-1", "type": "true_false", "prompt": "So?",
         "answer": False, "feedback_true": "CANARYTFTRUE wrong", "feedback_false": "CANARYTFFALSE right"},
        {"id": "q-toad", "objective": "INT-1", "type": "short_text", "prompt": "Amphibian?",
         "accept": ["frogcanary"], "partial": [{"text": "toadcanary", "weight": 80}]},
        {"id": "q-range", "objective": "INT-2", "type": "numeric", "prompt": "Range?",
         "answer": 5813.25, "partial": [{"answer": 6427.5, "tolerance": 3.125, "weight": 50}]},
        {"id": "q-order-all", "objective": "INT-2", "type": "ordering", "prompt": "Sort.",
         "scoring": "all_or_nothing", "items": ["Rise", "Shine", "Dine"]},
        {"id": "q-spot", "objective": "INT-1", "type": "hotspot", "prompt": "Click it.",
         "image": "map.svg",
         "regions": [{"shape": "circle", "cx": 137.25, "cy": 61.75, "r": 9.5},
                     {"shape": "rect", "x": 11.125, "y": 13.375, "width": 17.625,
                      "height": 19.875}],
         "explanation": "CANARYEXPLSPOT because."},
    ],
}
CANARIES = ["CANARY", "zebracanary", "quokkacanary", "7391", "0.25", "137.25", "61.75", "9.5",
            "11.125", "13.375", "17.625", "19.875", "62.5", "37.5", "87.5", "43.75", "frogcanary",
            "toadcanary", "5813", "6427", "3.125", "all_or_nothing", "weights"]
FIXTURE_KEY = ["Tendons are not where trigger points form", "Lymph nodes are not muscle",
               "Fever is a red flag", "taut bands", "That is the definition",
               "Roughly 30 to 90", "Referred pain.", "referred pain", "Common patterns",
               "Slow in, hold, slow out", "The dot is at the left", "30 to 90"]
# Not scanned for: the bare word "referred". The fixture's short-text question has the id
# `referred`, and question ids are public (they name the form fields, `q-<id>`), so an id
# that spells the answer gives it away — see docs/security.md, "Known gaps".
# Words that only quiz data (never page copy) would carry, as JSON keys or attribute names.
DATA_WORDS = ["correct", "feedback", "explanation", "accept", "regions", "tolerance",
              "answer_key", "pairs", "\"answer\"", "cx", "cy", "weight", "scoring", "partial",
              "distractors", "feedback_true", "feedback_false", "category"]
ALLOWED_DATA_ATTRIBUTES = {"data-field", "data-viewbox", "data-deadline"}


class Tags(HTMLParser):
    """Collect every start tag with its attributes, and every JSON script body."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.json_blocks: list[str] = []
        self._in_json = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_json = tag == "script" and "json" in (dict(attrs).get("type") or "")

    def handle_data(self, data):
        if self._in_json:
            self.json_blocks.append(data)

    def handle_endtag(self, tag):
        self._in_json = False


def parse(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def assert_no_key(page: str, secrets: list[str]) -> None:
    """Fail if the page carries any secret, data-only word, odd data attribute or JSON key."""
    lowered = page.lower()
    leaks = [s for s in secrets if s.lower() in lowered]
    assert not leaks, f"key material in the page: {leaks}"
    tags = parse(page)
    for tag, attrs in tags.tags:
        for name, value in attrs.items():
            assert not name.startswith("data-") or name in ALLOWED_DATA_ATTRIBUTES, (tag, name)
            text = f"{name}={value}".lower()
            bad = [w for w in DATA_WORDS if re.search(rf"\b{re.escape(w)}\b", text)]
            assert not bad, f"<{tag} {name}={value!r}> mentions {bad}"
    for block in tags.json_blocks:
        assert not any(w.strip('"') in json.loads(block) for w in DATA_WORDS)


def assert_choices_uniform(page: str) -> None:
    """Inputs and options of one question differ only in value/id/checked, never in a flag."""
    by_name: dict[str, list[set[str]]] = {}
    for tag, attrs in parse(page).tags:
        if tag in ("input", "option") and attrs.get("name", "").startswith("q-") or tag == "option":
            name = attrs.get("name", "option")
            by_name.setdefault(name, []).append(set(attrs) - {"value", "id", "checked",
                                                              "selected"})
    for name, shapes in by_name.items():
        assert all(shape == shapes[0] for shape in shapes), (name, shapes)


@pytest.fixture
def canary_quiz(app, tmp_path):
    root = copy_content(tmp_path)
    write_quiz(root, CANARY_QUIZ)
    sync(root)


def start(client, db, user):
    from tpcourse.services.exams.attempts import get_quiz, start_attempt

    quiz, version = get_quiz("intro-quiz")
    assert {q["type"] for q in version.data["questions"]} == TYPES
    return start_attempt(user, quiz, version)


def trainee_pages(client, attempt) -> dict[str, str]:
    """Every page and response a trainee can get for an open attempt, with partial answers."""
    from tests.helpers import answer_form

    url = f"/attempts/{attempt.id}"
    pages = {"attempt": client.get(url), "overview": client.get("/quizzes/intro-quiz"),
             "history": client.get("/quizzes/intro-quiz/attempts"),
             "result-before-submit": client.get(url + "/result")}
    # Wrong answers: what a trainee types comes back in the form, and must be all that does.
    wrong = answer_form(attempt, correct=False)
    pages["saved-answers"] = client.post(url, data={**wrong, "action": "save"},
                                         follow_redirects=True)
    bad = {**wrong, **{field(attempt, qid): "not a number"
                       for qid in ("q-num", "hold-seconds") if qid in attempt.question_ids}}
    pages["submit-with-error"] = client.post(url, data={**bad, "action": "submit"})
    pages["autosave"] = client.post(url, data={**wrong, "action": "save"},
                                    headers={"X-Autosave": "1"})
    for name, response in pages.items():
        assert response.status_code in (200, 204, 302, 422), (name, response.status_code)
    return {name: r.get_data(as_text=True) for name, r in pages.items()}


def test_fixture_quiz_pages_hold_no_key(client, db, enrolled, login_as):
    login_as(enrolled)
    attempt = start(client, db, enrolled)
    for name, page in trainee_pages(client, attempt).items():
        try:
            assert_no_key(page, FIXTURE_KEY)
            assert_choices_uniform(page)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


def test_canary_quiz_pages_hold_no_key(client, db, canary_quiz, make_user, login_as):
    from tpcourse.models import Course
    from tpcourse.services.learning.learning import enroll

    user = make_user()
    enroll(user, db.session.execute(select(Course).filter_by(slug="basics")).scalar_one().id)
    login_as(user)
    attempt = start(client, db, user)
    pages = trainee_pages(client, attempt)
    assert "Alder" in pages["attempt"] and "Left three" in pages["attempt"]  # really rendered
    for name, page in pages.items():
        try:
            assert_no_key(page, CANARIES)
            assert_choices_uniform(page)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


def test_choices_follow_the_draw_not_the_key(client, db, canary_quiz, make_user, login_as):
    """Matching and ordering show choices in the stored draw order, so the page order says
    nothing about the answer (and the option values are positions in that draw)."""
    from tpcourse.models import Course
    from tpcourse.services.learning.learning import enroll

    user = make_user()
    enroll(user, db.session.execute(select(Course).filter_by(slug="basics")).scalar_one().id)
    login_as(user)
    attempt = start(client, db, user)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    for qid in ("q-match", "q-order", "q-single", "q-multiple", "q-classify", "q-weighted"):
        box = page[page.index(f'id="{field(attempt, qid)}-box"'):]
        box = box[:box.index("</fieldset>")]
        first_seen = {text: box.index(f">{text}<") for text in _choice_texts(qid)}
        shown = sorted(first_seen, key=first_seen.get)
        assert shown == [_text_of(qid, item) for item in attempt.orders[qid]], qid
        values = re.findall(r'(?:option|input)[^>]*value="(\d+)"', box)
        assert sorted(set(values), key=int) == [str(i) for i in range(len(shown))], qid


def _choice_texts(qid: str) -> set[str]:
    question = next(q for q in CANARY_QUIZ["questions"] if q["id"] == qid)
    if "options" in question:
        return {o["text"] for o in question["options"]}
    if "pairs" in question:
        return {p[1] for p in question["pairs"]} | set(question.get("distractors", []))
    return set(question["items"])


def _text_of(qid: str, item: str) -> str:
    question = next(q for q in CANARY_QUIZ["questions"] if q["id"] == qid)
    if "options" in question:
        return next(o["text"] for o in question["options"] if o["id"] == item)
    return item


def test_key_appears_after_submission_only(client, db, canary_quiz, make_user, login_as):
    """The scan can see key material when it is there: the review after submitting shows it."""
    from tests.helpers import answer_form
    from tpcourse.models import Course
    from tpcourse.services.learning.learning import enroll

    user = make_user()
    enroll(user, db.session.execute(select(Course).filter_by(slug="basics")).scalar_one().id)
    login_as(user)
    attempt = start(client, db, user)
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt, correct=False))
    review = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    with pytest.raises(AssertionError, match="key material"):
        assert_no_key(review, CANARIES)
    assert "CANARYEXPLSINGLE" in review


def test_true_false_feedback_is_only_the_trainees_own_and_only_after_submission(
        client, db, canary_quiz, make_user, login_as):
    """Each trainee reads the feedback for the answer they gave — never the other one, and
    nothing of either before submitting."""
    from tests.helpers import answer_form
    from tpcourse.models import Course
    from tpcourse.services.learning.learning import enroll

    user = make_user()
    enroll(user, db.session.execute(select(Course).filter_by(slug="basics")).scalar_one().id)
    login_as(user)
    attempt = start(client, db, user)
    before = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "CANARYTF" not in before
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt, correct=False))
    review = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert "CANARYTFTRUE wrong" in review  # answered True (wrong): the feedback for True
    assert "CANARYTFFALSE" not in review
    assert "toadcanary" in review and "62.5%" in review  # the key shows partial answers
