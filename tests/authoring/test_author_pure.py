"""Quiz and lesson export, draft validation with field paths, version diffs: no app needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpcourse.content.drafts import (
    FieldProblem,
    diff_quizzes,
    validate_lesson_draft,
    validate_quiz_draft,
)
from tpcourse.content.export import lesson_markdown, quiz_file_data, quiz_yaml
from tpcourse.content.lessonfile import parse_lesson
from tpcourse.content.loader import load_content, svg_viewbox
from tpcourse.content.model import ModuleSpec
from tpcourse.content.quizfile import parse_quiz
from tpcourse.content.yamlsrc import load_yaml
from tpcourse.grading.types import ValidationContext

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "content"
FOLDERS = [(FIXTURE / "lessons", FIXTURE / "quizzes"), (ROOT / "lessons", ROOT / "quizzes")]


def _ctx(lessons: Path) -> ValidationContext:
    return ValidationContext(image_viewbox=lambda name: svg_viewbox(lessons / "assets" / name))


@pytest.mark.parametrize("lessons,quizzes", FOLDERS, ids=["fixture", "curriculum"])
def test_every_quiz_exports_to_a_file_that_parses_to_the_same_hash(lessons, quizzes):
    content = load_content(lessons, quizzes)
    assert content.ok and content.quizzes
    for slug, spec in content.quizzes.items():
        text = quiz_yaml(spec.data)
        problems: list[str] = []
        again = parse_quiz(load_yaml(text), slug,
                           lambda line, msg, found=problems: found.append(msg), _ctx(lessons))
        assert problems == [], slug
        # the quiz's own file: its translations live in files of their own beside it
        source = {key: value for key, value in spec.data.items() if key != "translations"}
        assert again.data == source, slug
        if source == spec.data:
            assert again.content_hash() == spec.content_hash(), slug
        assert "_html" not in text and "viewbox" not in text


@pytest.mark.parametrize("lessons,quizzes", FOLDERS, ids=["fixture", "curriculum"])
def test_every_lesson_exports_to_a_file_that_parses_the_same(lessons, quizzes):
    content = load_content(lessons, quizzes)
    for course in content.courses:
        for module in course.modules:
            for lesson in module.lessons:
                text = lesson_markdown(lesson.title, lesson.minutes, lesson.objectives,
                                       lesson.body)
                again = parse_lesson(text, lesson.slug, module, lesson.path,
                                     lambda line, msg: pytest.fail(msg))
                assert (again.title, again.minutes, again.objectives, again.body, again.html) == \
                    (lesson.title, lesson.minutes, lesson.objectives, lesson.body, lesson.html)


def test_export_keeps_number_types_that_change_the_hash():
    data = {"slug": "q", "title": "Q", "pass_mark": 80.0, "cooldown_minutes": 0.0, "questions": [
        {"id": "n", "type": "numeric", "prompt": "?", "answer": 60, "tolerance": 0.0,
         "points": 1.0, "unit": None, "pool": None, "tags": []}]}
    written = quiz_file_data(data)
    assert written["pass_mark"] == 80.0 and isinstance(written["cooldown_minutes"], float)
    assert written["questions"][0] == {"id": "n", "type": "numeric", "points": 1.0,
                                       "prompt": "?", "answer": 60, "tolerance": 0.0}
    loaded = load_yaml(quiz_yaml(data))
    assert isinstance(loaded["questions"][0]["points"], float)
    assert isinstance(loaded["questions"][0]["answer"], int)


def test_multiline_text_is_written_as_a_block_and_read_back():
    data = {"slug": "q", "title": "Q", "questions": [
        {"id": "a", "type": "true_false", "prompt": "Line one\n\nLine two: *yes*", "answer": True,
         "explanation": "It's true: 'quoted' and \"double\"."}]}
    text = quiz_yaml(data)
    assert "prompt: |" in text
    assert load_yaml(text)["questions"][0]["prompt"] == "Line one\n\nLine two: *yes*"


def _problems(data, objectives=None):
    return validate_quiz_draft(data, _ctx(FIXTURE / "lessons"), objectives)[1]


def test_problems_are_mapped_to_the_fields_they_concern():
    data = {"slug": "q", "title": "", "pass_mark": 150, "draw": {"core": 3}, "questions": [
        {"id": "one", "type": "single", "prompt": "Pick", "options": [
            {"id": "a", "text": "A"}, {"id": "a", "text": ""}]},
        {"id": "two", "type": "numeric", "prompt": "", "answer": "sixty"},
        {"id": "three", "type": "hotspot", "prompt": "Where?", "image": "map.svg",
         "regions": [{"shape": "circle", "cx": 50, "cy": 50}, {"shape": "circle", "cx": 90,
                                                              "cy": 90, "r": 30}]},
        {"id": "four", "type": "true_false", "prompt": "T?", "answer": True,
         "objective": "NOPE-1"},
    ]}
    found = {(p.path, p.message) for p in _problems(data, {"INT-1"})}
    paths = {path for path, _ in found}
    assert (("title",), "'title' must not be empty") in found
    assert ("pass_mark",) in paths
    assert (("draw", "core"), "draw names pool 'core' but no question is in it") in found
    assert ("questions", 0, "options", 1) in paths  # duplicate id and missing text, on the row
    assert ("questions", 0, "options") in paths  # no correct option: the whole list
    assert ("questions", 1, "prompt") in paths
    assert (("questions", 1, "answer"), "'answer' must be a number") in found
    assert (("questions", 2, "regions", 0, "r"), "circle region is missing 'r'") in found
    assert ("questions", 2, "regions", 1) in paths  # outside the 100×100 image
    assert (("questions", 3, "objective"),
            "objective 'NOPE-1' is not declared by any module of the course") in found


def test_a_valid_draft_has_no_problems_and_normalises_like_a_file():
    data = {"slug": "q", "title": "Q", "questions": [
        {"id": "a", "type": "multiple", "prompt": "Which?", "options": [
            {"id": "a", "text": "A", "correct": True}, {"id": "b", "text": "B"}]}]}
    spec, problems = validate_quiz_draft(data, _ctx(FIXTURE / "lessons"), {"INT-1"})
    assert problems == []
    assert spec.data["questions"][0]["options"][1]["correct"] is False
    assert spec.data["questions"][0]["prompt_html"] == "Which?"


def test_diff_names_settings_and_added_removed_edited_reordered_questions():
    old = {"slug": "q", "title": "Q", "pass_mark": 80, "questions": [
        {"id": "a", "type": "true_false", "prompt": "A", "answer": True},
        {"id": "b", "type": "true_false", "prompt": "B", "answer": True},
        {"id": "c", "type": "true_false", "prompt": "C", "answer": True}]}
    new = {"slug": "q", "title": "Q", "pass_mark": 70, "questions": [
        {"id": "c", "type": "true_false", "prompt": "C", "answer": True},
        {"id": "a", "type": "true_false", "prompt": "A!", "answer": False},
        {"id": "d", "type": "true_false", "prompt": "D", "answer": True}]}
    diff = diff_quizzes(old, new)
    assert diff.settings == [("pass_mark", 80, 70)]
    assert diff.added == ["d"] and diff.removed == ["b"]
    assert diff.edited == [("a", ["prompt", "answer"])]
    assert diff.reordered is True
    assert diff_quizzes(old, old).empty


def test_lesson_problems_are_keyed_by_field():
    module = ModuleSpec(slug="01-intro", title="Intro", objectives={"INT-1": "x"}, quiz=None)
    lesson, errors = validate_lesson_draft(
        "", "ten", ["INT-9"], "See ![a map](assets/missing.svg) and ![x](https://e.com/a.png)",
        module, "01-welcome", lambda name: name == "map.svg")
    assert set(errors) == {"title", "minutes", "objectives", "body"}
    assert "'minutes' must be a whole number from 1 to 10000" in errors["minutes"]
    _lesson, huge = validate_lesson_draft("Title", "10000000000000", ["INT-1"], "Text", module,
                                          "01-welcome", lambda name: True)
    assert huge == {"minutes": ["'minutes' must be a whole number from 1 to 10000"]}
    assert any("INT-9" in m for m in errors["objectives"])
    assert any("missing.svg" in m and m.startswith("line 1:") for m in errors["body"])
    assert any("remote" in m for m in errors["body"])
    ok, none = validate_lesson_draft("Welcome", 5, ["INT-1"], "![map](assets/map.svg)", module,
                                     "01-welcome", lambda name: name == "map.svg")
    assert none == {} and ok.minutes == 5


def test_field_problem_is_hashable_for_sets():
    assert FieldProblem(("a", 1), "m") in {FieldProblem(("a", 1), "m")}
