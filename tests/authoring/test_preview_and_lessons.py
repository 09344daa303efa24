"""Previewing a quiz without recording it; editing lessons with a server-rendered preview."""

from __future__ import annotations

import random
import re
from types import SimpleNamespace

from sqlalchemy import func, select

from tests.helpers import answer_form, field
from tpcourse.grading.attempts import draw_attempt
from tpcourse.models import Attempt, AuditEvent, CourseVersion, LessonDraft
from tpcourse.services.exams.attempts import get_quiz

PREVIEW = "/author/quizzes/intro-quiz/preview"
LESSON = "/author/courses/basics/lessons/01-intro/01-welcome"


def _count(db, model):
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def _seed(page: str) -> int:
    return int(re.search(r'name="seed"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="seed"',
                         page).group(1) or 0)


def _drawn(seed: int):
    _quiz, version = get_quiz("intro-quiz")
    draw = draw_attempt(version.data, random.Random(seed))
    return SimpleNamespace(quiz_version=version, question_ids=draw.question_ids,
                           orders=draw.orders)


def test_preview_shows_the_quiz_as_trainees_see_it_and_records_nothing(client, db, author):
    response = client.get(PREVIEW)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Preview" in page
    seed = _seed(page)
    spot = field(_drawn(seed), "spot")
    assert "Click the red dot." in page and f'name="{spot}-img"' in page  # the trainee template
    assert "Tendons are not where trigger points form" not in page  # no feedback before submit
    attempts, events = _count(db, Attempt), _count(db, AuditEvent)
    form = {**answer_form(_drawn(seed)), "seed": str(seed), "action": "submit"}
    result = client.post(PREVIEW, data=form)
    text = result.get_data(as_text=True)
    assert result.status_code == 200 and "Passed — 100%" in text
    assert "nothing was recorded" in text and "Trigger points sit in" in text  # review shown
    wrong = {**answer_form(_drawn(seed), correct=False), "seed": str(seed), "action": "submit"}
    text = client.post(PREVIEW, data=wrong).get_data(as_text=True)
    assert "Not passed" in text and "Tendons are not where trigger points form" in text
    assert (_count(db, Attempt), _count(db, AuditEvent)) == (attempts, events)


def test_preview_sends_back_unreadable_answers_and_saves_nothing(client, db, author):
    seed = _seed(client.get(PREVIEW).get_data(as_text=True))
    drawn = _drawn(seed)
    form = {**answer_form(drawn), field(drawn, "hold-seconds"): "about a minute",
            "seed": str(seed)}
    response = client.post(PREVIEW, data=form)
    assert response.status_code == 422 and "Enter a number" in response.get_data(as_text=True)
    saved = client.post(PREVIEW, data={**form, "action": "save"})
    assert saved.status_code == 422 and 'value="about a minute"' in saved.get_data(as_text=True)
    autosave = client.post(PREVIEW, data={**form, "action": "save"}, headers={"X-Autosave": "1"})
    assert autosave.status_code == 204
    assert _count(db, Attempt) == 0


def test_preview_of_a_draft_that_cannot_be_taken_lists_what_to_fix(client, db, author):
    client.post("/author/courses/basics/quizzes/new", data={
        "slug": "empty-quiz", "title": "Empty", "pass_mark": "80", "review": "after_submit",
        "grading": "highest"})
    response = client.get("/author/quizzes/empty-quiz/preview")
    assert response.status_code == 409
    assert "must list at least one question" in response.get_data(as_text=True)


def test_lesson_editor_previews_saves_a_draft_and_publishes_a_course_version(
        client, db, author, enrolled, login_as):
    page = client.get(LESSON).get_data(as_text=True)
    assert "Welcome" in page and 'name="body"' in page
    body = "## Hello\n\n**Pressure** is held.\n\n<script>alert(1)</script>\n\n!!! danger \"Stop\"\n" \
           "    Refer."
    form = {"title": "Welcome back", "minutes": "7", "objectives": "INT-1", "body": body}
    preview = client.post(LESSON, data={**form, "action": "preview"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "<strong>Pressure</strong>" in html
    assert "<script>alert" not in html and 'class="admonition danger"' in html
    assert _count(db, LessonDraft) == 0
    live = client.post("/author/courses/basics/preview", data={"body": body})
    assert live.status_code == 200 and live.get_data(as_text=True).startswith('<h3 id="hello">')
    assert client.post(LESSON, data={**form, "action": "save"}).status_code == 302
    draft = db.session.execute(select(LessonDraft)).scalar_one()
    assert (draft.title, draft.minutes, draft.lesson_key) == ("Welcome back", 7, "01-intro/01-welcome")
    login_as(enrolled)
    assert "Welcome back" not in client.get("/courses/basics/01-intro/01-welcome").get_data(
        as_text=True)  # trainees still see the published lesson
    login_as(author)
    assert client.post(LESSON, data={**form, "action": "publish"}).status_code == 302
    versions = db.session.execute(select(CourseVersion).order_by(CourseVersion.version)).scalars()
    assert [v.version for v in versions] == [1, 2]
    assert _count(db, LessonDraft) == 0
    login_as(enrolled)
    page = client.get("/courses/basics/01-intro/01-welcome").get_data(as_text=True)
    assert "Welcome back" in page and "<strong>Pressure</strong>" in page
    event = db.session.execute(select(AuditEvent).filter_by(kind="lesson.published")).scalar_one()
    assert event.payload["lesson"] == "01-intro/01-welcome" and event.payload["version"] == 2


def test_lesson_errors_are_field_errors_that_keep_the_text(client, db, author):
    form = {"title": "", "minutes": "ten", "objectives": "SAF-1",
            "body": "Look: ![map](assets/nowhere.svg)", "action": "save"}
    response = client.post(LESSON, data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the minutes as a whole number from 1 to 10000." in page
    assert "SAF-1 is not an objective of this module" in page
    assert "image &#39;assets/nowhere.svg&#39; not found" in page
    assert 'value="ten"' in page and "Look: ![map](assets/nowhere.svg)" in page
    assert _count(db, LessonDraft) == 0


def test_publishing_an_unchanged_lesson_makes_no_version(client, db, author):
    from tpcourse.services.learning.learning import current_version

    lesson = current_version("basics", with_lessons=True).modules[0].lessons[0]
    form = {"title": lesson.title, "minutes": str(lesson.minutes), "body": lesson.body,
            "action": "publish"}
    for code in lesson.objectives:
        form.setdefault("objectives", code)
    response = client.post(LESSON, data=form, follow_redirects=True)
    assert "Nothing changed" in response.get_data(as_text=True)
    assert _count(db, CourseVersion) == 1


def test_lesson_export_is_the_lesson_file(client, db, author):
    response = client.get(LESSON + "/export.md")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and 'filename="01-welcome.md"' in \
        response.headers["Content-Disposition"]
    assert text.startswith("---\ntitle: ") and "\n---\n" in text
