"""The real course in lessons/ and quizzes/: valid, covered, passable and safe to draw."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from tpcourse.content.loader import load_content, svg_viewbox
from tpcourse.content.stats import MIN_QUESTIONS_PER_OBJECTIVE, course_stats
from tpcourse.grading.attempts import draw_attempt, drawn_points, grade_attempt
from tpcourse.grading.types import question_type
from tpcourse.grading.types.hotspot import _region_points

ROOT = Path(__file__).resolve().parents[2]
LESSONS, QUIZZES = ROOT / "lessons", ROOT / "quizzes"


@pytest.fixture(scope="module")
def content():
    return load_content(LESSONS, QUIZZES)


@pytest.fixture(scope="module")
def course(content):
    return next(c for c in content.courses if c.slug == "trigger-point-foundations")


def test_content_check_is_clean(content):
    assert content.problems == []


def test_four_modules_sixteen_lessons_of_the_right_length(course):
    assert [m.slug[3:] for m in course.modules] == [
        "locating-trigger-points", "applying-pressure", "avoiding-injured-areas",
        "aftercare-and-scope"]
    assert all(len(m.lessons) >= 4 for m in course.modules)
    for module in course.modules:
        for lesson in module.lessons:
            assert 400 <= lesson.words <= 1200, f"{lesson.path}: {lesson.words} words"
            assert lesson.objectives, f"{lesson.path} serves no objective"


def test_every_objective_has_three_questions_and_every_question_is_explained(content):
    stats = course_stats(content)[0]
    assert stats.ok, (stats.under_covered, stats.missing_explanation)
    assert all(n >= MIN_QUESTIONS_PER_OBJECTIVE for n in stats.by_objective.values())
    assert stats.missing_feedback == []
    assert stats.questions >= 80
    assert set(stats.by_type) == {"single", "multiple", "true_false", "numeric", "short_text",
                                  "matching", "ordering", "hotspot"}
    assert stats.by_type["hotspot"] >= 8


def test_safety_quizzes_carry_must_pass_items(content):
    for slug in ("avoiding-injured-areas", "trigger-point-final"):
        assert any(q["must_pass"] for q in content.quizzes[slug].data["questions"]), slug


def test_hotspot_regions_lie_inside_their_images(content):
    for quiz in content.quizzes.values():
        for q in quiz.data["questions"]:
            if q["type"] != "hotspot":
                continue
            minx, miny, width, height = svg_viewbox(LESSONS / "assets" / q["image"])
            for region in q["regions"]:
                for x, y in _region_points(region):
                    assert minx <= x <= minx + width and miny <= y <= miny + height, q["id"]
            assert q["tags"], f"{q['id']} has no body-region tag"


@pytest.mark.parametrize("slug", ["locating-trigger-points", "applying-pressure",
                                  "avoiding-injured-areas", "aftercare-and-scope",
                                  "trigger-point-final"])
def test_every_quiz_is_passable_and_drawable(content, slug):
    data = content.quizzes[slug].data
    keys = {q["id"]: question_type(q["type"]).key_response(q) for q in data["questions"]}
    everything = grade_attempt(data, list(keys), keys)
    assert everything.percent == 100 and everything.passed
    for seed in range(10):
        draw = draw_attempt(data, random.Random(seed))
        graded = grade_attempt(data, draw.question_ids, keys)
        assert graded.passed and 0 < graded.max_score <= drawn_points(data)
    if slug == "trigger-point-final":
        assert sum(data["draw"].values()) >= 20 and len(data["questions"]) > sum(
            data["draw"].values())


def test_no_forbidden_claims(course):
    forbidden = [r"damag\w* (the )?muscle fib", r"always increases? (its |the )?tension",
                 r"numbs? the muscle"]
    for module in course.modules:
        for lesson in module.lessons:
            text = lesson.body.lower()
            for pattern in forbidden:
                for match in re.finditer(pattern, text):
                    window = text[max(0, match.start() - 120): match.end() + 40]
                    assert re.search(r"\b(not|myth|no|never|isn't|doesn't|wrong)\b", window), \
                        f"{lesson.path}: '{match.group(0)}' stated as fact"


def test_content_stats_command(runner, app):
    app.config.update(TPCOURSE_LESSONS_DIR=str(LESSONS), TPCOURSE_QUIZZES_DIR=str(QUIZZES))
    result = runner.invoke(args=["content", "stats"])
    assert result.exit_code == 0, result.output
    assert "course trigger-point-foundations" in result.output and "must_pass" in result.output


def test_content_stats_fails_on_under_covered_objectives(runner, app, tmp_path):
    import shutil

    shutil.copytree(LESSONS, tmp_path / "lessons")
    shutil.copytree(QUIZZES, tmp_path / "quizzes")
    module = tmp_path / "lessons/trigger-point-foundations/04-aftercare-and-scope/module.yaml"
    module.write_text(module.read_text().replace("objectives:\n", "objectives:\n  AFT-9: New.\n"))
    app.config.update(TPCOURSE_LESSONS_DIR=str(tmp_path / "lessons"),
                      TPCOURSE_QUIZZES_DIR=str(tmp_path / "quizzes"))
    result = runner.invoke(args=["content", "stats"])
    assert result.exit_code == 1 and "AFT-9" in result.output


def test_the_spanish_edition_is_complete_and_current():
    """Every lesson, module, quiz, the course and the body-map zones have a Spanish translation
    stamped against today's source: a changed English sentence fails here until re-checked."""
    spanish = load_content(LESSONS, QUIZZES, locales=("es",))
    assert spanish.problems == []
    states = [(s.path, s.state) for s in spanish.translation_states if s.locale == "es"]
    assert len(states) == 36 and all(state == "current" for _, state in states), [
        s for s in states if s[1] != "current"]
