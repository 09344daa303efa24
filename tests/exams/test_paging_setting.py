"""`questions_per_page` in quiz files: validated with file and line, left out of the stored
quiz when unset (existing quizzes keep their content hash), exported back unchanged."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import CONTENT
from tpcourse.content.export import quiz_yaml
from tpcourse.content.loader import load_content


@pytest.fixture
def tree(tmp_path):
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content"


def set_per_page(tree, value: str) -> None:
    path = tree / "quizzes" / "intro-quiz.yaml"
    path.write_text(path.read_text().replace("pass_mark: 80\n",
                                             f"pass_mark: 80\nquestions_per_page: {value}\n"))


def test_unset_means_one_page_and_leaves_the_hash_alone(tree):
    before = load_content(tree / "lessons", tree / "quizzes")
    assert before.ok and "questions_per_page" not in before.quizzes["intro-quiz"].data
    set_per_page(tree, "3")
    after = load_content(tree / "lessons", tree / "quizzes")
    assert after.ok and after.quizzes["intro-quiz"].data["questions_per_page"] == 3
    assert after.quizzes["intro-quiz"].content_hash() != before.quizzes["intro-quiz"].content_hash()
    assert "questions_per_page: 3" in quiz_yaml(after.quizzes["intro-quiz"].data)


@pytest.mark.parametrize("value", ["0", "2.5", "many", "true", "-1"])
def test_a_bad_value_is_named_with_file_and_line(tree, value):
    set_per_page(tree, value)
    problems = [str(p) for p in load_content(tree / "lessons", tree / "quizzes").problems]
    assert any("intro-quiz.yaml:4:" in p and "'questions_per_page' must be a whole number of 1"
               in p for p in problems), problems
