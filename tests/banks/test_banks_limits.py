"""Hostile banks are refused, or imported within a small, counted amount of work (issue 17).

Work is counted, never timed: calls of the Markdown library, question texts converted,
questions built. Each limit is refused with a `line N:` message that says what to do.
"""

from __future__ import annotations

import pytest

from tpcourse.banks import (
    MAX_CHOICES,
    MAX_QUESTIONS,
    MAX_TEXT_CHARS,
    parse_aiken,
    parse_gift,
    parse_moodle_xml,
)
from tpcourse.banks import model as bank_model
from tpcourse.banks import texts as bank_texts
from tpcourse.content import markdown


class Counter:
    """Wraps a function and counts its calls."""

    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


@pytest.fixture
def work(monkeypatch):
    """Counters of text conversions and of questions built while a bank is read."""
    counters = {"texts": Counter(bank_texts.clean), "questions": Counter(bank_model.question)}
    monkeypatch.setattr(bank_texts, "clean", counters["texts"])
    for module in ("gift", "moodle_xml", "aiken"):
        monkeypatch.setattr(f"tpcourse.banks.{module}.question", counters["questions"])
    return counters


def test_a_gift_question_with_hundreds_of_thousands_of_options_is_refused_unread(work):
    options = "~x " * 300_000  # 900 KB: under the 2 MB upload limit
    result = parse_gift(f"// hostile\n::Huge::Pick one. {{={options}}}")
    assert result.questions == []
    assert [str(p) for p in result.problems] == [
        f"line 2: the question has 300,001 answers; a question may have at most {MAX_CHOICES} "
        "— the question was skipped"]
    assert work["texts"].calls <= 5  # the prompt, not the 300,000 options
    assert work["questions"].calls == 0


def test_a_moodle_xml_question_with_tens_of_thousands_of_answers_is_refused(work):
    answers = '<answer fraction="0"><text>x</text></answer>' * 40_000
    xml = f'<quiz>\n<question type="multichoice"><name><text>Huge</text></name>' \
          f'<questiontext><text>Pick.</text></questiontext>{answers}</question></quiz>'
    result = parse_moodle_xml(xml.encode())
    assert result.questions == []
    assert str(result.problems[0]).startswith("line 2: the question has 40,000 answers")
    assert work["texts"].calls <= 5


def test_an_aiken_question_with_a_hundred_thousand_options_is_refused(work):
    text = "Pick one?\n" + "A) x\n" * 100_000 + "ANSWER: A\n"
    result = parse_aiken(text)
    assert result.questions == []
    assert str(result.problems[0]).startswith("line 1: the question has 100,000 answers")
    assert work["questions"].calls == 0


def test_a_20000_question_bank_is_refused_after_counting_past_the_limit(work):
    bank = "\n\n".join(f"Question {n}? {{T}}" for n in range(20_000))
    result = parse_gift(bank)
    assert result.questions == []
    assert [str(p) for p in result.problems] == [
        f"line {2 * MAX_QUESTIONS + 1}: this is question 1,001; one import takes at most 1,000 "
        "questions — split the bank into smaller files and import each; nothing was imported"]
    assert work["questions"].calls == MAX_QUESTIONS  # it stopped at question 1,001


def test_an_overlong_text_skips_its_question_with_the_line():
    long_prompt = "word " * (MAX_TEXT_CHARS // 5 + 10)
    result = parse_gift(f"Fine? {{T}}\n\n{long_prompt.strip()}? {{T}}")
    assert [q["prompt"] for q in result.questions] == ["Fine?"]
    assert str(result.problems[0]).startswith("line 3: the prompt is 20,050 characters long; "
                                              "texts are limited to 20,000")


def test_repeated_texts_are_rendered_once_when_a_bank_is_checked(monkeypatch):
    """A hundred questions sharing four option texts: each distinct text is rendered once."""
    from tpcourse.content.drafts import validate_quiz_draft
    from tpcourse.grading.types import ValidationContext

    renders = Counter(markdown.md.markdown)
    monkeypatch.setattr(markdown.md, "markdown", renders)
    markdown._render_short.cache_clear()
    bank = "\n\n".join(f"Question number {n}? {{=Always ~Never ~Sometimes ~Rarely}}"
                       for n in range(100))
    questions = parse_gift(bank).questions
    validate_quiz_draft({"slug": "s", "title": "t", "questions": questions},
                        ValidationContext(image_viewbox=lambda name: None))
    distinct = 100 + 4 + 1  # prompts, option texts, the empty explanation
    assert renders.calls <= distinct
    validate_quiz_draft({"slug": "s", "title": "t", "questions": questions},
                        ValidationContext(image_viewbox=lambda name: None))
    assert renders.calls <= distinct  # checking the same draft again renders nothing new
