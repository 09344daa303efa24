"""Hypothesis fuzzing: random and malformed data to every form; random content files.

For every request: never a 500; a refused request (4xx) writes nothing; whatever was written
leaves the records consistent (graded attempts complete, audit chain intact).
"""

from __future__ import annotations

import string
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import CONTENT, PASSWORD
from tests.security.conftest import snapshot
from tests.security.test_csrf import RULES, url_for_rule

FUZZ = settings(max_examples=40, deadline=None, derandomize=False,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
QUESTION_IDS = ["tp-definition", "signs", "latent", "hold-seconds", "referred", "match",
                "order", "spot"]
FIELD_NAMES = ["email", "password", "confirm", "name", "remember", "action", "csrf_token",
               "next", *(f"q-{q}" for q in QUESTION_IDS),
               *(f"q-{q}-{suffix}" for q in ("match", "order", "spot")
                 for suffix in ("0", "1", "2", "3", "-1", "99", "x", "y", "img.x", "img.y"))]
NASTY = st.sampled_from(["", " ", "0", "-1", "1e309", "-1e309", "nan", "inf", "NaN", "1" * 400,
                         "true", "false", "save", "submit", "\x00", "\ud7ff", "💥", "<script>",
                         "' OR 1=1 --", "%00", "../../etc/passwd", "a@b", "x" * 5000,
                         "9999999999999999999999", "0x10", "1,5", "½"])
VALUE = st.one_of(NASTY, st.text(max_size=60),
                  st.text(alphabet=string.digits + ".-e+", max_size=12))
FORM = st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=12)),
                       st.one_of(VALUE, st.lists(VALUE, max_size=4)), max_size=12)
RAW = st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode))
CONTENT_TYPES = st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data",
                                 "multipart/form-data; boundary=xyz", "application/json",
                                 "text/plain", "application/octet-stream", ""])


def consistent() -> None:
    """Whatever was stored is whole: graded attempts are complete, the chain verifies."""
    from tpcourse.models import Attempt
    from tpcourse.services.records.audit import verify_stored_chain

    for attempt in __import__("tpcourse.extensions", fromlist=["db"]).db.session.execute(
            select(Attempt)).scalars():
        if attempt.status != "in_progress":
            assert attempt.submitted_at is not None and attempt.score is not None
            assert [r["id"] for r in attempt.results] == attempt.question_ids
    assert verify_stored_chain() is None


@pytest.fixture
def session_for(app, client, db, enrolled, clock):
    """A logged-in trainee and a value for every URL argument of the forms."""
    from tpcourse.services.accounts.password_reset import make_reset_token
    from tpcourse.services.exams.attempts import get_quiz, start_attempt

    client.post("/login", data={"email": enrolled.email, "password": PASSWORD})
    quiz, version = get_quiz("intro-quiz")
    values = {"slug": "basics", "module_slug": "01-intro", "lesson_slug": "01-welcome",
              "attempt_id": start_attempt(enrolled, quiz, version, clock()).id,
              "token": make_reset_token(enrolled, clock())}
    return lambda endpoint: url_for_rule(app, endpoint, values)


def check(response, before, endpoint) -> None:
    assert response.status_code < 500, (endpoint, response.status_code)
    after = snapshot()
    if response.status_code >= 400:
        changed = {t for t in after if after[t] != before[t]}
        # A quiz submitted with an ungradable answer keeps the other answers (documented):
        # that updates the attempt's own row, and nothing else.
        allowed = {"attempts"} if (endpoint == "quiz.attempt"
                                   and response.status_code == 422) else set()
        assert changed <= allowed, f"{endpoint} {response.status_code} changed {changed}"
    consistent()


@pytest.mark.parametrize("endpoint", RULES)
def test_random_forms(app, client, session_for, endpoint):
    url = session_for(endpoint)

    @FUZZ
    @given(form=FORM)
    def post(form):
        before = snapshot()
        check(client.post(url, data=form), before, endpoint)

    post()


@pytest.mark.parametrize("endpoint", RULES)
def test_malformed_bodies(app, client, session_for, endpoint):
    url = session_for(endpoint)

    @FUZZ
    @given(body=RAW, content_type=CONTENT_TYPES)
    def post(body, content_type):
        before = snapshot()
        check(client.post(url, data=body, content_type=content_type), before, endpoint)

    post()


JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                              st.text(max_size=10)),
                    lambda inner: st.one_of(st.lists(inner, max_size=3),
                                            st.dictionaries(st.one_of(st.sampled_from(
                                                FIELD_NAMES), st.text(max_size=5)), inner,
                                                max_size=5)), max_leaves=12)


@pytest.mark.parametrize("endpoint", RULES)
def test_json_instead_of_a_form(app, client, session_for, endpoint):
    import json

    url = session_for(endpoint)

    @FUZZ
    @given(body=JSON)
    def post(body):
        before = snapshot()
        check(client.post(url, data=json.dumps(body), content_type="application/json"),
              before, endpoint)

    post()


TARGETS = st.one_of(st.text(max_size=40), st.sampled_from([
    "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example/",
    "/\t/evil.example", " //evil.example", "/%2F/evil.example", "javascript:alert(1)",
    "/records", "///evil.example", "http:/evil.example", "/\x00//evil"]))


def test_login_never_redirects_off_site(app, make_user):
    user = make_user()

    @FUZZ
    @given(target=TARGETS)
    def log_in(target):
        response = app.test_client().post("/login", query_string={"next": target},
                                          data={"email": user.email, "password": PASSWORD})
        if "\x00" in target:  # refused before anything is read (tpcourse/web/request_guards.py)
            assert response.status_code == 400 and "Location" not in response.headers
            return
        location = response.headers["Location"]
        parts = urlsplit(location)
        assert response.status_code == 302
        assert not parts.scheme and not parts.netloc and location.startswith("/"), location
        assert not location.startswith("//") and "\\" not in location, location

    log_in()


# Content files --------------------------------------------------------------------------------

SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                   st.floats(allow_nan=True), st.text(max_size=20))
KEYS = st.one_of(st.sampled_from([
    "slug", "title", "pass_mark", "max_attempts", "questions", "id", "type", "prompt",
    "options", "text", "correct", "answer", "tolerance", "accept", "pairs", "items", "image",
    "regions", "shape", "cx", "cy", "r", "points", "objective", "explanation", "minutes",
    "objectives", "modules", "quiz", "final_exam", "completion", "ce_hours", "viewbox"]),
    st.text(max_size=8))
DOC = st.recursive(SCALAR, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=6)), max_leaves=25)
QUESTION_TYPES = st.sampled_from(["single", "multiple", "true_false", "numeric", "short_text",
                                  "matching", "ordering", "hotspot", "essay", 3, None])
QUIZ_DOC = st.fixed_dictionaries({
    "slug": st.one_of(st.just("intro-quiz"), st.text(max_size=10)),
    "title": SCALAR, "pass_mark": SCALAR,
    "questions": st.lists(st.fixed_dictionaries({"id": SCALAR, "type": QUESTION_TYPES},
                                                optional={k: DOC for k in (
                                                    "options", "answer", "pairs", "items",
                                                    "regions", "accept", "prompt",
                                                    "tolerance", "image")}), max_size=4)})


def check_content(root: Path) -> None:
    from tpcourse.content.loader import load_content

    content = load_content(root / "lessons", root / "quizzes")
    for problem in content.problems:
        assert problem.path and isinstance(problem.line, int) and problem.line >= 1, problem
        assert problem.message and "Traceback" not in problem.message


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("fuzz") / "content"
    shutil.copytree(CONTENT, root)
    return root


@FUZZ
@given(doc=st.one_of(DOC, QUIZ_DOC))
def test_random_quiz_files_give_problems_not_tracebacks(tree, doc):
    (tree / "quizzes" / "intro-quiz.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True))
    check_content(tree)


@FUZZ
@given(front=DOC, body=st.text(max_size=200))
def test_random_lesson_files_give_problems_not_tracebacks(tree, front, body):
    lesson = tree / "lessons" / "basics" / "01-intro" / "01-welcome.md"
    lesson.write_text(f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{body}")
    (tree / "lessons" / "basics" / "01-intro" / "module.yaml").write_text(
        yaml.safe_dump(front if isinstance(front, dict) else {"title": front}))
    check_content(tree)


ORIGINALS = {path.relative_to(CONTENT): path.read_text() for path in CONTENT.rglob("*")
             if path.suffix in (".yaml", ".md")}


@FUZZ
@given(name=st.sampled_from(sorted(ORIGINALS, key=str)), data=st.data())
def test_mangled_real_files_give_problems_not_tracebacks(tree, name, data):
    """Cut, duplicate and garble lines of the real fixture files (the mistakes people make)."""
    lines = ORIGINALS[name].splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, max(len(lines) - 1, 0)))
        action = data.draw(st.sampled_from(["drop", "dup", "garble", "indent", "tab"]))
        if not lines:
            break
        if action == "drop":
            del lines[at]
        elif action == "dup":
            lines.insert(at, lines[at])
        elif action == "garble":
            lines[at] = data.draw(st.text(alphabet=":-[]{}'\"#&*!|>%@` \tab", max_size=20)) + "\n"
        elif action == "indent":
            lines[at] = "   " + lines[at]
        else:
            lines[at] = lines[at].replace("  ", "\t", 1)
    for path, text in ORIGINALS.items():
        (tree / path).write_text("".join(lines) if path == name else text)
    check_content(tree)
    (tree / name).write_text(ORIGINALS[name])
