"""Course administration's list pages send as many statements for a big course as a small one."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import g

from tests.conftest import empty_database
from tpcourse.models import CourseInstructor
from tpcourse.services.authoring import course_publish, courses
from tpcourse.services.authoring.lessons import LessonEdit

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
PAGES = ("outline", "instructors", "versions", "settings", "publish")


def _course(make_user, login_as, db, modules: int, lessons: int, instructors: int,
            versions: int) -> None:
    admin = make_user(role="admin")
    courses.create_course(admin, "big", "Big course", NOW)
    for m in range(1, modules + 1):
        slug = f"m{m}"
        courses.add_module(courses.course_workspace(admin, "big"), admin, slug, f"M {m}", NOW)
        courses.save_module(courses.course_workspace(admin, "big"), admin, slug, f"M {m}",
                            {f"OBJ-{m}": "Something."}, None, False, NOW)
        for n in range(lessons):
            courses.add_lesson(courses.course_workspace(admin, "big"), admin, slug,
                               LessonEdit(f"Lesson {n}", 1, [], "Text."), NOW)
    for v in range(versions):
        ws = courses.course_workspace(admin, "big")
        courses.save_settings(ws, admin, {"summary": f"Summary {v}"}, NOW)
        course_publish.publish_course(courses.course_workspace(admin, "big"), admin, NOW)
    course = courses.course_workspace(admin, "big").course
    for _ in range(instructors):
        db.session.add(CourseInstructor(user_id=make_user(role="instructor").id,
                                        course_id=course.id))
    db.session.commit()
    courses.save_settings(courses.course_workspace(admin, "big"), admin,
                          {"summary": "Draft"}, NOW)  # a draft: the outline checks it
    login_as(admin)


def _counts(client, count_statements) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        path = f"/author/courses/big/{page}"
        g.pop("_login_user", None)
        assert client.get(path).status_code == 200, path
        g.pop("_login_user", None)
        with count_statements() as counter:
            assert client.get(path).status_code == 200
        counts[page] = counter.count
    return counts


def test_course_pages_do_not_grow_with_modules_lessons_instructors_or_versions(
        client, make_user, login_as, db, count_statements):
    _course(make_user, login_as, db, modules=1, lessons=1, instructors=1, versions=1)
    small = _counts(client, count_statements)
    empty_database()
    _course(make_user, login_as, db, modules=6, lessons=5, instructors=12, versions=4)
    big = _counts(client, count_statements)
    assert min(small.values()) > 0
    assert big == small, f"small: {small}\nbig: {big}"
