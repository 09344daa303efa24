"""CE hours are measured time; a course that claims CE approval carries every required field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tpcourse.content.ce_time import MINUTES_PER_CE_HOUR, course_time, drawn_count, quiz_minutes
from tpcourse.content.loader import load_content
from tpcourse.content.stats import course_stats

ROOT = Path(__file__).resolve().parents[2]
BEFORE = Path(__file__).parent / "fixtures" / "before-issue-18"
FIXTURE = ROOT / "tests" / "fixtures" / "content"
APPROVAL = """ce_approval:
  approver: NCBTMB
  provider_name: Northfield School of Massage
  provider_number: "451234-12"
  provider_contact: certificates@northfield.example
  signatory: Amara Okonkwo, Education Director
"""


@pytest.fixture
def tree(tmp_path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "content")
    return tmp_path / "content"


def course_file(tree: Path) -> Path:
    return tree / "lessons/basics/course.yaml"


def messages(tree: Path) -> list[str]:
    return [p.message for p in load_content(tree / "lessons", tree / "quizzes").problems]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_reviewed_course_claimed_more_hours_than_it_holds(before):
    course = before.courses[0]
    time = course_time(course, before.quizzes)
    assert (time.lesson_minutes, time.hands_on_minutes) == (213, 0)
    assert time.home_study_minutes == 313 and course.ce_hours == 8
    problem = next(p for p in before.problems if "home-study CE hours" in p.message)
    assert problem.path.endswith("course.yaml") and problem.line == 4
    assert "claims 8 home-study CE hours but holds 213 lesson minutes + 100 quiz minutes" \
        in problem.message and "at most 6.25 hours" in problem.message
    assert course_stats(before)[0].ce_over


@pytest.fixture(scope="module")
def before():
    return load_content(BEFORE / "lessons", BEFORE / "quizzes")


def test_the_shipped_course_claims_no_more_than_it_holds():
    content = load_content(ROOT / "lessons", ROOT / "quizzes")
    course = content.courses[0]
    time = course_time(course, content.quizzes)
    assert course.ce_hours <= time.home_study_minutes / 60  # even at 60-minute hours
    assert course.course_type == "Home Study" and course.hands_on_ce_hours == 0
    assert not course_stats(content)[0].ce_over


def test_quiz_time_is_a_minute_per_drawn_question_within_the_time_limit():
    quiz = {"draw": {"p": 2}, "questions": [{"id": str(i), "pool": "p"} for i in range(5)]
            + [{"id": "x"}]}
    assert drawn_count(quiz) == 3 and quiz_minutes(quiz) == 3
    assert quiz_minutes({**quiz, "time_limit_minutes": 2}) == 2


def test_hours_above_the_measured_time_are_refused(tree):
    edit(course_file(tree), "hands_on_ce_hours: 2", "hands_on_ce_hours: 1")
    found = messages(tree)
    assert any("claims 1.5 home-study CE hours" in m and f"{MINUTES_PER_CE_HOUR} minutes per CE "
               "hour" in m for m in found), found


def test_hands_on_hours_need_declared_practice_time(tree):
    edit(course_file(tree), "hands_on_minutes: 120", "hands_on_minutes: 60")
    assert any("claims 2 hands-on CE hours but declares 60 minutes" in m for m in messages(tree))
    edit(course_file(tree), "hands_on_minutes: 60 ", "hands_on_minutes: 0 ")
    assert any("hands-on CE hours need 'hands_on_minutes'" in m for m in messages(tree))


def test_hands_on_hours_cannot_exceed_the_total(tree):
    edit(course_file(tree), "hands_on_ce_hours: 2", "hands_on_ce_hours: 3")
    assert any("'hands_on_ce_hours' (3) cannot be more than 'ce_hours' (2.5)" in m
               for m in messages(tree))


def test_old_course_files_stay_valid_and_free_course_types_are_kept(tree):
    edit(course_file(tree), "ce_hours: 2.5\n", "ce_hours: 2.5\ncourse_type: Evening class\n")
    content = load_content(tree / "lessons", tree / "quizzes")
    assert content.problems == [] and content.courses[0].course_type == "Evening class"
    edit(course_file(tree), "course_type: Evening class", "course_type: home  study")
    assert load_content(tree / "lessons", tree / "quizzes").courses[0].course_type == "Home Study"


def test_a_course_claiming_approval_carries_every_field(tree):
    edit(course_file(tree), "ce_hours: 2.5\n", "ce_hours: 2.5\ncourse_type: Live\n" + APPROVAL)
    content = load_content(tree / "lessons", tree / "quizzes")
    assert content.problems == []
    assert content.courses[0].ce_approval == {
        "approver": "NCBTMB", "provider_name": "Northfield School of Massage",
        "provider_number": "451234-12", "provider_contact": "certificates@northfield.example",
        "signatory": "Amara Okonkwo, Education Director"}


@pytest.mark.parametrize("field", ["approver", "provider_name", "provider_number",
                                   "provider_contact", "signatory"])
def test_a_missing_approval_field_is_refused_by_name_and_line(tree, field):
    block = "\n".join(line for line in APPROVAL.splitlines() if not line.strip().startswith(
        field + ":")) + "\n"
    edit(course_file(tree), "ce_hours: 2.5\n", "ce_hours: 2.5\n" + block)
    problems = load_content(tree / "lessons", tree / "quizzes").problems
    problem = next(p for p in problems if f"ce_approval.{field}" in p.message)
    assert problem.path.endswith("course.yaml")
    lines = course_file(tree).read_text().splitlines()
    assert lines[problem.line - 1].startswith("ce_approval:")


def test_an_approved_course_needs_a_listed_course_type_and_a_real_contact(tree):
    edit(course_file(tree), "ce_hours: 2.5\n", "ce_hours: 2.5\ncourse_type: Home Study with "
         "practical assessment\n" + APPROVAL.replace("certificates@northfield.example",
                                                     "ask at reception"))
    found = messages(tree)
    assert any("'course_type' must be one of Live, Home Study, Webinar" in m for m in found)
    assert any("provider_contact must be the provider's postal address or email" in m
               for m in found)
