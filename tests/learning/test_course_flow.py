"""The way through a course: "continue" after a module's last lesson leads to its quiz,
buttons say what they do, and the course page names and links every step still to take."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from tests.helpers import answer_form
from tpcourse.models import Attempt, Course
from tpcourse.web.helpers import scrollable_tables

COURSE = "/courses/basics"


@pytest.fixture
def trainee(enrolled, login_as):
    return login_as(enrolled)


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())


def pass_quiz(client, db, slug):
    response = client.post(f"/quizzes/{slug}/start")
    attempt = db.session.get(Attempt, response.headers["Location"].rsplit("/", 1)[-1])
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt))
    assert db.session.get(Attempt, attempt.id).passed


def test_continue_after_a_modules_last_lesson_leads_to_its_quiz(client, db, trainee):
    first = client.get(f"{COURSE}/01-intro/01-welcome").get_data(as_text=True)
    assert "Mark as read and continue</button>" in first
    moved = client.post(f"{COURSE}/01-intro/01-welcome/read")
    assert moved.headers["Location"].endswith(f"{COURSE}/01-intro/02-holding")
    last = client.get(f"{COURSE}/01-intro/02-holding").get_data(as_text=True)
    assert "Mark as read and go to the module quiz</button>" in last
    assert "Module quiz: Introduction →" in last  # the pager leads there too
    moved = client.post(f"{COURSE}/01-intro/02-holding/read")
    assert moved.headers["Location"].endswith("/quizzes/intro-quiz")  # not the next module
    again = client.get(f"{COURSE}/01-intro/02-holding").get_data(as_text=True)
    assert ">Go to the module quiz</a>" in again and "/quizzes/intro-quiz" in again
    for page in (first, last, again):
        assert "Next and continue" not in page and ">Next" not in page


def test_once_the_quiz_is_passed_continue_goes_on_to_the_next_module(client, db, trainee):
    pass_quiz(client, db, "intro-quiz")
    client.post(f"{COURSE}/01-intro/02-holding/read")
    page = client.get(f"{COURSE}/01-intro/02-holding").get_data(as_text=True)
    assert ">Continue to the next lesson</a>" in page
    assert f"{COURSE}/02-safety/01-red-flags" in page
    moved = client.post(f"{COURSE}/01-intro/02-holding/read")
    assert moved.headers["Location"].endswith(f"{COURSE}/02-safety/01-red-flags")


def test_the_completion_box_names_and_links_every_step(client, db, trainee, enrolled, clock):
    from tpcourse.services.learning.learning import mark_lesson_read

    page = client.get(COURSE).get_data(as_text=True)
    box = page[page.index('class="callout completion-box"'):]
    box = box[:box.index("</div>")]
    assert "Read 3 more lessons, starting with Welcome" in words(box)
    assert f'href="{COURSE}/01-intro/01-welcome"' in box
    assert 'Pass the module quiz <a href="/quizzes/intro-quiz"><em>Introduction</em></a>' in box
    assert 'Pass the module quiz <a href="/quizzes/safety-quiz"><em>Safety</em></a>' in box
    assert '<a href="/quizzes/basics-final">the final certification exam</a>' in box
    assert "'intro-quiz'" not in box and "lesson(s)" not in box
    course_id = db.session.execute(select(Course.id).filter_by(slug="basics")).scalar_one()
    mark_lesson_read(enrolled, course_id, "01-intro/01-welcome", clock())
    mark_lesson_read(enrolled, course_id, "01-intro/02-holding", clock())
    box = client.get(COURSE).get_data(as_text=True)
    assert "Read 1 more lesson, starting with Red flags" in words(box)


def test_skills_and_the_evaluation_are_steps_with_links(client, db, make_user, login_as):
    from tests.certification.conftest import FIXTURES
    from tests.conftest import CONTENT
    from tpcourse.services.authoring.content_sync import sync_from_folders
    from tpcourse.services.learning.learning import enroll

    sync_from_folders(CONTENT / "lessons", CONTENT / "quizzes")
    sync_from_folders(FIXTURES / "lessons", FIXTURES / "quizzes")
    user = login_as(make_user())
    enroll(user, db.session.execute(select(Course.id).filter_by(slug="certified")).scalar_one())
    page = client.get("/courses/certified").get_data(as_text=True)
    text = words(page)
    assert "Have an instructor sign off 3 practical skills after assessing you in person" in text
    assert "<li>Locates the upper-trapezius trigger point by pincer palpation.</li>" in page
    assert '/records#course-certified">your sign-offs so far</a>' in page
    assert '<a href="/courses/certified/evaluation">the course evaluation</a>' in page
    assert "Read 1 more lesson, starting with" in text
    records = client.get("/records").get_data(as_text=True)
    assert 'id="course-certified"' in records  # the skills link lands on the course's card


def test_lesson_tables_scroll_in_their_own_labelled_box(client, trainee):
    page = client.get(f"{COURSE}/01-intro/01-welcome").get_data(as_text=True)
    assert '<div class="table-scroll" role="region" tabindex="0" aria-label="Table 1"><table>' \
        in page
    html = "<p>a</p><table><tr><td>1</td></tr></table><table>\n<tr></tr></table>"
    wrapped = str(scrollable_tables(html))
    assert wrapped.count('class="table-scroll"') == 2 and 'aria-label="Table 2"' in wrapped
    assert wrapped.count("</table></div>") == 2
