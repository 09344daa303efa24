"""Hostile text in lessons, questions, names and imported banks is neutralised on every page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.helpers import answer_form, field
from tests.security.content_tree import copy_content, sync, write_quiz
from tests.security.inert import ONE_LINE, PAYLOADS, active_content, assert_inert


def test_the_scanner_catches_each_payload():
    """Raw, every payload is active; so a clean page below means it was neutralised."""
    for payload in PAYLOADS:
        if payload.startswith("["):
            payload = '<a href="javascript:alert(1)">x</a>'
        assert active_content(f"<html><body>{payload}</body></html>"), payload


def hostile_lesson(root):
    lesson = root / "lessons" / "basics" / "01-intro" / "01-welcome.md"
    lesson.write_text(
        "---\ntitle: 'Welcome <script>alert(\"title\")</script>'\nminutes: 5\n"
        "objectives: [INT-1]\n---\n" + "\n\n".join(PAYLOADS) + "\n\nSafe paragraph end.\n")
    course = root / "lessons" / "basics" / "course.yaml"
    course.write_text(course.read_text().replace(
        "title: Basics of Pressure Work", "title: 'Basics <img src=x onerror=alert(1)>'")
        .replace("summary: A small test course.",
                 "summary: 'Summary <script>alert(2)</script> [x](javascript:alert(3))'"))


HOSTILE_QUIZ = {
    "slug": "intro-quiz", "title": "Quiz <script>alert('t')</script>", "pass_mark": 50,
    "max_attempts": 3, "review": "after_submit",
    "questions": [
        {"id": "q-single", "objective": "INT-1", "type": "single", "prompt": ONE_LINE,
         "options": [{"id": "a", "text": PAYLOADS[0], "correct": True, "feedback": ONE_LINE},
                     {"id": "b", "text": PAYLOADS[1], "feedback": ONE_LINE}],
         "explanation": ONE_LINE},
        {"id": "q-multiple", "objective": "INT-1", "type": "multiple", "prompt": ONE_LINE,
         "options": [{"id": "a", "text": PAYLOADS[4], "correct": True},
                     {"id": "b", "text": PAYLOADS[5], "feedback": ONE_LINE}],
         "explanation": ONE_LINE},
        {"id": "q-tf", "objective": "INT-1", "type": "true_false", "prompt": ONE_LINE,
         "answer": True, "explanation": ONE_LINE},
        {"id": "q-num", "objective": "INT-2", "type": "numeric", "prompt": ONE_LINE,
         "answer": 5, "tolerance": 1, "unit": "<b onmouseover=alert(1)>s</b>",
         "explanation": ONE_LINE},
        {"id": "q-text", "objective": "INT-1", "type": "short_text", "prompt": ONE_LINE,
         "accept": ["<script>alert(1)</script>"], "explanation": ONE_LINE},
        {"id": "q-match", "objective": "INT-1", "type": "matching", "prompt": ONE_LINE,
         "pairs": [[PAYLOADS[0], PAYLOADS[1]], [PAYLOADS[2], PAYLOADS[6]]],
         "explanation": ONE_LINE},
        {"id": "q-order", "objective": "INT-2", "type": "ordering", "prompt": ONE_LINE,
         "items": [PAYLOADS[0], PAYLOADS[5], PAYLOADS[9]], "explanation": ONE_LINE},
        {"id": "q-spot", "objective": "INT-1", "type": "hotspot", "prompt": ONE_LINE,
         "image": "map.svg", "regions": [{"shape": "circle", "cx": 50, "cy": 50, "r": 12}],
         "explanation": ONE_LINE},
    ],
}


def enrolled_user(db, make_user, name="Trainee"):
    from tpcourse.models import Course
    from tpcourse.services.learning.learning import enroll

    user = make_user(name=name)
    enroll(user, db.session.execute(select(Course).filter_by(slug="basics")).scalar_one().id)
    return user


def quiz_pages(client, user) -> dict[str, str]:
    """The quiz's pages before, during and after an attempt, with hostile answers typed."""
    from tpcourse.services.exams.attempts import get_quiz, start_attempt

    quiz, version = get_quiz("intro-quiz")
    attempt = start_attempt(user, quiz, version)
    url = f"/attempts/{attempt.id}"
    pages = {"overview": client.get("/quizzes/intro-quiz"), "attempt": client.get(url)}
    drawn = set(attempt.question_ids)  # imported banks have their own question ids
    text = field(attempt, "q-text") if "q-text" in drawn else "unused-text"
    num = field(attempt, "q-num") if "q-num" in drawn else "unused-num"
    typed = {**answer_form(attempt, correct=False), text: PAYLOADS[1],
             num: '"><script>alert(9)</script>'}
    pages["error re-render"] = client.post(url, data={**typed, "action": "submit"})
    typed[num] = "4"
    client.post(url, data={**typed, "action": "submit"})
    pages["result"] = client.get(url + "/result")
    pages["history"] = client.get("/quizzes/intro-quiz/attempts")
    return {name: response.get_data(as_text=True) for name, response in pages.items()}


@pytest.fixture
def hostile_content(app, tmp_path):
    root = copy_content(tmp_path)
    hostile_lesson(root)
    write_quiz(root, HOSTILE_QUIZ)
    report = sync(root)
    return report


def test_hostile_lessons_and_questions_are_neutralised(client, db, hostile_content, make_user,
                                                      login_as):
    user = login_as(enrolled_user(db, make_user))
    pages = {name: client.get(path).get_data(as_text=True) for name, path in {
        "catalogue": "/", "course": "/courses/basics",
        "lesson": "/courses/basics/01-intro/01-welcome",
        "next lesson": "/courses/basics/01-intro/02-holding"}.items()}
    assert "Safe paragraph end." in pages["lesson"]  # the lesson really rendered
    assert "&lt;script&gt;" in pages["lesson"]  # the title is shown as text
    pages.update(quiz_pages(client, user))
    assert "review" in pages["result"].lower() or "explanation" in pages["result"]
    for name, page in pages.items():
        assert_inert(page, name)


def test_hostile_names_are_shown_as_text(app, client, db, content, make_user, login_as, clock):
    from tests.helpers import outbox, register
    from tpcourse.models import CompletionRecord, Course
    from tpcourse.services.learning.learning import current_version

    name = '<script>alert("name")</script><img src=x onerror=alert(1)>'
    assert register(client, app, name, "x@example.com", PASSWORD).status_code == 302
    assert name in outbox(app)[0].body  # plain text in the email, as typed
    from tpcourse.services.accounts.accounts import find_user_by_email

    user = find_user_by_email("x@example.com")
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    version = current_version("basics")
    db.session.add(CompletionRecord(
        user_id=user.id, course_id=course.id, course_version_id=version.id,
        completed_at=clock(), score=90, ce_hours=2.5, certificate_code="TP-XSSX-XSSX-XSSX-XSSX-XSSX",
        expires_at=clock() + timedelta(days=30)))
    db.session.commit()
    pages = {path: client.get(path) for path in ("/", "/records", "/courses/basics",
                                                  "/verify/TP-XSSX-XSSX-XSSX-XSSX-XSSX")}
    for path, response in pages.items():
        page = response.get_data(as_text=True)
        assert "&lt;script&gt;alert" in page, path  # the name is there, as text
        assert_inert(page, path)
    as_json = client.get("/verify/TP-XSSX-XSSX-XSSX-XSSX-XSSX.json")
    assert as_json.mimetype == "application/json"
    assert as_json.headers["X-Content-Type-Options"] == "nosniff"
    assert as_json.get_json()["holder_name"] == name  # data, never rendered as HTML


def test_a_hostile_registration_re_render_escapes_what_was_typed(client, db):
    name = '"><script>alert(1)</script>'
    response = client.post("/register", data={"name": name, "email": "bad",
                                              "password": "p", "confirm": "q"})
    assert response.status_code == 422
    assert_inert(response.get_data(as_text=True), "register")
    login = client.post("/login", data={"email": name, "password": "x"})
    assert_inert(login.get_data(as_text=True), "login")


# GIFT's own special characters (= ~ # { } :) are escaped with a backslash, as a bank would be.
GIFT = r"""
::tp-gift-1::[html]<p>Which <script>alert('g1')</script> is <img src\=x onerror\=alert(2)>?</p>{
=<a href\="javascript\:alert(3)">right</a>#<svg onload\=alert(4)>
~wrong one#<iframe src\=javascript\:alert(5)></iframe>
####<script>alert('general')</script>}

::tp-gift-2::[markdown]A [link](javascript\:alert(6)) question {T#<script>alert(7)</script>}

::tp-gift-3::Name the <script>alert(8)</script> pain {=referred =<b onclick\=alert(9)>x</b>}

::tp-gift-4::Match <img src\=x onerror\=alert(10)> {
=<script>a</script> -> <img src\=y onerror\=alert(11)>
=Two -> Deux
=Three -> Trois
}
"""

MOODLE_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<question type="multichoice"><name><text>tp-xml-1</text></name>
<questiontext format="html"><text><![CDATA[<p onclick="alert(1)">Pick <script>alert(2)</script></p>
<a href="javascript:alert(3)">x</a>]]></text></questiontext>
<generalfeedback format="html"><text><![CDATA[<img src=x onerror=alert(4)>]]></text></generalfeedback>
<single>true</single>
<answer fraction="100" format="html"><text><![CDATA[<b onmouseover=alert(5)>Yes</b>]]></text>
<feedback format="html"><text><![CDATA[<script>alert(6)</script>]]></text></feedback></answer>
<answer fraction="0" format="html"><text>No</text></answer>
</question>
<question type="truefalse"><name><text>tp-xml-2</text></name>
<questiontext format="html"><text><![CDATA[<iframe src="javascript:alert(7)"></iframe>True?]]>
</text></questiontext>
<answer fraction="100"><text>true</text>
<feedback><text><![CDATA[<svg onload=alert(8)>]]></text></feedback></answer>
<answer fraction="0"><text>false</text></answer>
</question>
</quiz>
"""


@pytest.mark.parametrize("bank", ["gift", "moodle_xml"])
def test_imported_banks_are_neutralised(app, client, db, tmp_path, make_user, login_as, bank):
    from tpcourse.banks import parse_gift, parse_moodle_xml

    imported = parse_gift(GIFT) if bank == "gift" else parse_moodle_xml(MOODLE_XML)
    assert not [p for p in imported.problems if p.severity == "error"], imported.problems
    questions = []
    for question in imported.questions:
        question.pop("pool", None)
        questions.append({**question, "objective": "INT-1"})
    root = copy_content(tmp_path)
    write_quiz(root, {"slug": "intro-quiz", "title": "Imported", "pass_mark": 50,
                      "max_attempts": 3, "review": "after_submit", "questions": questions})
    sync(root)
    user = login_as(enrolled_user(db, make_user))
    pages = quiz_pages(client, user)
    drawn = len(imported.questions)  # the imported questions are all there
    assert len(re.findall(r'<fieldset class="question', pages["attempt"])) == drawn
    for name, page in pages.items():
        assert_inert(page, f"{bank} {name}")


def test_hostile_cohort_and_school_names_are_neutralised(app, client, db, content, make_user,
                                                         login_as, clock):
    """Every school and admin page shows cohort, school and user names as text."""
    from tpcourse.models import Course
    from tpcourse.services.accounts.accounts import ensure_school
    from tpcourse.services.schools import cohorts

    hostile = '<script>alert("cohort")</script><img src=x onerror=alert(1)>'
    school = ensure_school("northside", f"Northside {PAYLOADS[4]}")
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    cohort = cohorts.create_cohort(school, hostile, course.id, None, clock())
    admin = make_user(role="school_admin", school="northside", name=hostile)
    values = {"slug": "northside", "cohort_id": cohort.id, "code": cohort.invite_code,
              "user_id": admin.id, "export_id": "none", "token_id": 0, "school_id": school.id}
    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint.startswith(("school.", "admin.")) and "GET" in r.methods]
    pages = {}
    for who in (admin, enrolled_user(db, make_user, name=hostile), make_user(role="admin")):
        login_as(who)
        for rule in rules:
            if rule.arguments - set(values):
                continue
            with app.test_request_context():
                from flask import url_for

                url = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
            response = client.get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages[f"{who.role} {url}"] = response.get_data(as_text=True)
    assert any("&lt;script&gt;alert(&#34;cohort&#34;)" in page or
               "&lt;script&gt;alert(&quot;cohort&quot;)" in page for page in pages.values()), \
        sorted(pages)
    assert len(pages) >= 4, sorted(pages)  # dashboard, cohort, join, join confirm at least
    for name, page in pages.items():
        assert_inert(page, name)
