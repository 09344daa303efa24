"""A locked step names what unlocks it in the reader's language: the lessons left to read by
their translated titles, on the course page and on the quiz's own page."""

from __future__ import annotations

from pathlib import Path

from tpcourse.services.authoring.content_sync import sync_from_folders
from tpcourse.services.learning.learning import enroll

ROOT = Path(__file__).resolve().parents[2]


def test_the_lessons_left_are_named_in_spanish(app, db, client, make_user, login_as):
    from sqlalchemy import select

    from tpcourse.models import Course

    sync_from_folders(ROOT / "lessons", ROOT / "quizzes")
    trainee = login_as(make_user())
    course = db.session.execute(select(Course).filter_by(slug="trigger-point-foundations")
                                ).scalar_one()
    enroll(trainee, course.id)
    spanish = {"Accept-Language": "es"}
    for path in ("/quizzes/locating-trigger-points", "/courses/trigger-point-foundations"):
        page = client.get(path, headers=spanish).get_data(as_text=True)
        assert "“¿Qué es un punto gatillo?”" in page, path
        assert "What is a trigger point?" not in page, path
    english = client.get("/quizzes/locating-trigger-points").get_data(as_text=True)
    assert "“What is a trigger point?”" in english
