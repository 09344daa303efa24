"""Times show in the user's own time zone (detected in the browser, stored on the account,
changeable on the profile page), with the UTC instant machine-readable in `<time datetime>`."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from tests.helpers import answer_form
from tpcourse.models import Attempt, User

TOKYO = "Asia/Tokyo"  # UTC+9, no summer time: the test clock's 09:00 UTC is 18:00 there
TEMPLATES = Path(__file__).resolve().parents[2] / "tpcourse" / "templates"


def zone_of(db, user) -> str | None:
    db.session.expire_all()
    return db.session.get(User, user.id).time_zone


def set_zone(db, user, zone: str | None) -> None:
    db.session.get(User, user.id).time_zone = zone
    db.session.commit()


def start(client, db, slug):
    response = client.post(f"/quizzes/{slug}/start")
    return db.session.get(Attempt, response.headers["Location"].rsplit("/", 1)[-1])


def test_the_profile_page_changes_the_time_zone(client, db, make_user, login_as):
    user = login_as(make_user())
    page = client.get("/profile").get_data(as_text=True)
    assert '<option selected value="UTC">UTC</option>' in page
    assert '<option value="America/New_York">America/New York</option>' in page
    assert "It is now <strong>2 March 2026, 09:00 UTC</strong>" in page
    saved = client.post("/profile", data={"time_zone": TOKYO})
    assert saved.status_code == 302 and zone_of(db, user) == TOKYO
    page = client.get("/profile").get_data(as_text=True)
    assert "Times are now shown in Asia/Tokyo." in page
    assert "It is now <strong>2 March 2026, 18:00 JST</strong>" in page
    refused = client.post("/profile", data={"time_zone": "Mars/Olympus_Mons"})
    assert refused.status_code == 422 and zone_of(db, user) == TOKYO
    assert "Choose your time zone from the list." in refused.get_data(as_text=True)


def test_the_browsers_zone_is_adopted_once_and_never_overrides_a_choice(client, db, make_user,
                                                                      login_as):
    user = login_as(make_user())
    page = client.get("/").get_data(as_text=True)
    assert 'class="time-zone-report"' in page and "js/time-zone.js" in page
    assert client.post("/profile/time-zone", data={"time_zone": "Nowhere/City"}).status_code == 400
    assert zone_of(db, user) is None
    assert client.post("/profile/time-zone", data={"time_zone": "Asia/Calcutta"}).status_code == 204
    assert zone_of(db, user) == "Asia/Calcutta"  # an alias a browser may report is accepted
    assert client.post("/profile/time-zone", data={"time_zone": TOKYO}).status_code == 204
    assert zone_of(db, user) == "Asia/Calcutta"  # the first one stays
    page = client.get("/").get_data(as_text=True)
    assert "time-zone-report" not in page and "time-zone.js" not in page  # asked once
    assert 'value="Asia/Calcutta"' in client.get("/profile").get_data(as_text=True)


def test_anonymous_visitors_have_no_profile(client):
    assert client.get("/profile").headers["Location"].startswith("/login")
    assert client.post("/profile/time-zone", data={"time_zone": TOKYO}).status_code == 302


def _moment(text: str, page: str) -> bool:
    """Whether `text` (local) is shown in a <time> whose datetime is UTC with a UTC title."""
    return re.search(rf'<time datetime="\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ" '
                     rf'title="[^"]+ UTC">{re.escape(text)}</time>', page) is not None


def test_every_exam_page_that_shows_a_time_shows_the_trainees_zone(client, db, enrolled,
                                                                   login_as, clock):
    login_as(enrolled)
    set_zone(db, enrolled, TOKYO)
    attempt = start(client, db, "safety-quiz")  # 09:00 UTC, due 09:10 UTC
    deadline = "2 March 2026, 18:10 JST"
    pages = {
        "attempt": client.get(f"/attempts/{attempt.id}").get_data(as_text=True),
        "summary": client.get(f"/attempts/{attempt.id}/summary").get_data(as_text=True),
        "overview": client.get("/quizzes/safety-quiz").get_data(as_text=True),
    }
    for name, page in pages.items():
        assert _moment(deadline, page), name
        assert 'title="2 March 2026, 09:10 UTC"' in page and "09:10 UTC</time>" not in page, name
    clock.advance(minutes=1)
    client.post(f"/attempts/{attempt.id}", data=answer_form(attempt, correct=False))
    result = client.get(f"/attempts/{attempt.id}/result").get_data(as_text=True)
    assert _moment("2 March 2026, 18:01 JST", result)
    history = client.get("/quizzes/safety-quiz/attempts").get_data(as_text=True)
    assert _moment("2 March 2026, 18:00 JST", history) and _moment("2 March 2026, 18:01 JST",
                                                                   history)
    overview = client.get("/quizzes/safety-quiz").get_data(as_text=True)
    assert "You can try again from" in overview and _moment("2 March 2026, 18:31 JST", overview)


def test_without_a_zone_times_are_utc_and_say_so(client, db, enrolled, login_as):
    login_as(enrolled)
    attempt = start(client, db, "safety-quiz")
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert '<time datetime="2026-03-02T09:10:00Z">2 March 2026, 09:10 UTC</time>' in page


def test_studio_times_show_the_instructors_zone(client, db, content, make_user, login_as,
                                                clock):
    from tpcourse.models import Course, CourseInstructor
    from tpcourse.services.authoring import quizzes

    instructor = make_user(role="instructor")
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    db.session.add(CourseInstructor(user_id=instructor.id, course_id=course.id))
    db.session.commit()
    set_zone(db, instructor, "America/New_York")  # UTC-5 in March before summer time
    latent = next(q for q in quizzes.workspace(instructor, "intro-quiz").questions
                  if q["id"] == "latent")
    quizzes.save_question(instructor, "intro-quiz", "latent", {**latent, "prompt": "Edited."},
                          clock())
    login_as(instructor)
    for path in ("/author/quizzes/intro-quiz", "/author/courses/basics"):
        page = client.get(path).get_data(as_text=True)
        assert _moment("2 March 2026, 04:00 EST", page), path


def test_no_template_formats_a_time_by_itself():
    """Every moment goes through the `datetime` filter (the user's zone); a raw isoformat is
    allowed only as the timer's machine-readable deadline."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert "strftime" not in text, template
        for line in text.splitlines():
            if "isoformat()" in line:
                assert 'data-deadline="{{ attempt.deadline.isoformat() }}"' in line, template


def test_profile_posts_need_their_csrf_token(app, client, db, make_user, login_as):
    user = login_as(make_user())
    app.config["WTF_CSRF_ENABLED"] = True
    for url in ("/profile", "/profile/time-zone"):
        assert client.post(url, data={"time_zone": TOKYO}).status_code == 400, url
    assert zone_of(db, user) is None
