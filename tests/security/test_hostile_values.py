"""The inputs an outside test turned into 500s, one by one: each now gets a clear 4xx (JSON under
/api/) and writes nothing. The route fuzzer (test_route_fuzz.py) looks for the next ones."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.helpers import field
from tpcourse.models import Attempt, User
from tpcourse.services.schools import tokens


def test_nul_characters_are_refused_everywhere(client, db, make_user, login_as, content):
    user = make_user()
    cases = [("POST", "/login", {"email": "a\x00b@example.com", "password": "x" * 12}),
             ("POST", "/register", {"name": "Ana\x00", "email": "ana@example.com"}),
             ("GET", "/verify/TP-\x00", None), ("GET", "/verify?code=TP-%00", None)]
    for method, path, data in cases:
        response = client.open(path, method=method, data=data)
        assert response.status_code == 400, (path, response.status_code)
        assert "cannot be stored" in response.get_data(as_text=True)
    login_as(user)
    assert client.get("/admin/users?q=%00").status_code == 400
    assert db.session.execute(select(func.count(User.id))).scalar_one() == 1


def test_nul_in_an_answer_keeps_the_attempt_as_it_was(client, db, enrolled, login_as):
    login_as(enrolled)
    started = client.post("/quizzes/intro-quiz/start")
    attempt = db.session.get(Attempt, started.headers["Location"].rsplit("/", 1)[-1])
    response = client.post(f"/attempts/{attempt.id}",
                           data={field(attempt, attempt.question_ids[0]): "a\x00",
                                 "action": "submit"})
    assert response.status_code == 400
    db.session.expire_all()
    assert attempt.status == "in_progress" and not attempt.responses


def test_the_api_refuses_nul_with_json(client, db, make_user):
    from tpcourse.services.accounts.accounts import ensure_school

    school = ensure_school("north", "North")
    token = tokens.create_token(school, "sis", None, None)
    response = client.get("/api/v1/completions?course=%00",
                          headers={"Authorization": f"Bearer {token.secret}"})
    assert response.status_code == 400 and response.is_json


@pytest.mark.parametrize("path", ["/admin/users/99999999999999999999",
                                  "/admin/users/2147483648", "/admin/schools/٣/edit",
                                  "/admin/users/²"])
def test_ids_out_of_range_or_not_ascii_are_not_found(client, db, make_user, login_as, path):
    login_as(make_user(role="admin"))
    assert client.get(path).status_code == 404


def test_query_numbers_out_of_range_are_ignored_or_refused(client, db, make_user, login_as):
    login_as(make_user(role="admin"))
    for query in ("page=99999999999999999999", "page=²", "page=-1", "page=1e400"):
        assert client.get(f"/admin/users?{query}").status_code == 200, query


def test_a_non_ascii_digit_as_a_choice_answer(client, db, enrolled, login_as):
    login_as(enrolled)
    started = client.post("/quizzes/intro-quiz/start")
    attempt = db.session.get(Attempt, started.headers["Location"].rsplit("/", 1)[-1])
    form = {field(attempt, qid): value for qid in attempt.question_ids
            for value in ("²",)}
    response = client.post(f"/attempts/{attempt.id}", data={**form, "action": "save"})
    assert response.status_code in (302, 422)


@pytest.mark.parametrize("bound", ["9999-12-31", "0001-01-01", "2026-01-01T00:00:00+99:00",
                                   "+275760-09-13"])
def test_far_away_dates_in_filters_are_a_clear_answer(client, db, bound):
    from tpcourse.services.accounts.accounts import ensure_school

    school = ensure_school("north", "North")
    token = tokens.create_token(school, "sis", None, None)
    response = client.get(f"/api/v1/completions?since={bound}",
                          headers={"Authorization": f"Bearer {token.secret}"})
    assert response.status_code == 400 and response.is_json
    assert "date" in response.get_json()["error"]["message"]


def test_a_far_away_date_on_the_dashboard_is_a_field_error(client, db, make_user, login_as):
    from tpcourse.services.accounts.accounts import ensure_school

    ensure_school("north", "North")
    login_as(make_user(role="school_admin", school="north"))
    response = client.get("/school/north/?until=9999-12-31")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "between 1900 and 2200" in page
    assert 'value="9999-12-31"' in page  # what was typed is still there


def test_a_chunked_json_body_to_a_form_is_400(client, db):
    response = client.post("/login", data=b'{"email": ["x"]}', content_type="application/json",
                           headers={"Transfer-Encoding": "chunked"})
    assert response.status_code == 400


@pytest.mark.parametrize(("key", "value"), [("time_limit_minutes", 10**12),
                                            ("cooldown_minutes", 10**30), ("max_attempts", 10**9),
                                            ("time_limit_minutes", ".inf"),
                                            ("cooldown_minutes", ".nan")])
def test_quiz_settings_that_would_overflow_are_refused_in_the_file(tmp_path, key, value):
    from tpcourse.content.loader import check_paths

    quiz = tmp_path / "quizzes" / "big.yaml"
    quiz.parent.mkdir()
    quiz.write_text(f"slug: big\ntitle: Big\n{key}: {value}\nquestions:\n  - id: q\n"
                    "    type: true_false\n    prompt: P?\n    answer: true\n"
                    "    explanation: E.\n")
    problems = [str(p) for p in check_paths([quiz], tmp_path / "lessons", tmp_path / "quizzes")]
    assert any(f"big.yaml:3: '{key}' must be" in p for p in problems), problems


def test_points_beyond_any_sum_are_refused(tmp_path):
    from tpcourse.content.loader import check_paths

    quiz = tmp_path / "quizzes" / "big.yaml"
    quiz.parent.mkdir()
    quiz.write_text("slug: big\ntitle: Big\nquestions:\n  - id: q\n    type: true_false\n"
                    "    points: 1e400\n    prompt: P?\n    answer: true\n")
    problems = [str(p) for p in check_paths([quiz], tmp_path / "lessons", tmp_path / "quizzes")]
    assert any("'points' must be" in p for p in problems), problems


@pytest.mark.parametrize("value", ["1e400", "99999999999999999999", "NaN"])
def test_studio_settings_that_would_overflow_are_field_errors(client, db, content, make_user,
                                                              login_as, value):
    from tpcourse.models import Course, CourseInstructor

    author = make_user(role="instructor")
    course = db.session.execute(select(Course).filter_by(slug="basics")).scalar_one()
    db.session.add(CourseInstructor(user_id=author.id, course_id=course.id))
    db.session.commit()
    login_as(author)
    response = client.post("/author/quizzes/intro-quiz/settings",
                           data={"title": "Intro", "pass_mark": "80", "cooldown_minutes": value,
                                 "review": "after_submit", "grading": "highest"})
    assert response.status_code == 422, response.status_code
    assert value in response.get_data(as_text=True)  # kept for the instructor to correct


def test_a_password_at_the_form_limit_is_a_field_error_not_a_crash(client, db, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD * 100})
    assert response.status_code == 422
