"""Time question-bank imports at the limits: the biggest bank one import takes, the hostile ones.

Run from the repository root: `python -m bench.bench_banks`. Prints seconds per step; nothing
asserts them (tests count work instead: tests/banks/test_banks_limits.py).
"""

from __future__ import annotations

import time

from tpcourse.banks import export_moodle_xml, export_qti21, parse_gift, parse_moodle_xml, parse_qti21
from tpcourse.banks.limits import MAX_QUESTIONS
from tpcourse.content.drafts import validate_quiz_draft
from tpcourse.content.markdown import render_markdown
from tpcourse.grading.types import ValidationContext


def timed(label: str, work):
    """Run work(), print how long it took, return its result."""
    start = time.perf_counter()
    result = work()
    print(f"{label:<62} {time.perf_counter() - start:7.3f} s")
    return result


def main() -> None:
    """Parse, check and convert a 1,000-question bank; refuse the hostile ones."""
    bank = "\n\n".join(
        f"::Question {n}::Which pressure suits point {n} when pain < {n % 10}? {{\n"
        f"~%50%Light ~%50%Moderate ~%-100%Deep ~Firm ####Explanation {n}.\n}}"
        for n in range(MAX_QUESTIONS))
    print(f"GIFT bank: {MAX_QUESTIONS:,} questions, {len(bank.encode()):,} bytes")
    result = timed("parse GIFT", lambda: parse_gift(bank))
    ctx = ValidationContext(image_viewbox=lambda name: None)
    quiz = {"slug": "b", "title": "b", "questions": result.questions}
    timed("check as content check does (first time)", lambda: validate_quiz_draft(quiz, ctx))
    timed("check again (texts already rendered)", lambda: validate_quiz_draft(quiz, ctx))
    xml = timed("export Moodle XML", lambda: export_moodle_xml(result.questions)).content
    timed(f"parse Moodle XML ({len(xml):,} bytes)", lambda: parse_moodle_xml(xml))
    package = timed("export QTI 2.1", lambda: export_qti21(result.questions, render_markdown))
    timed(f"parse QTI 2.1 ({len(package.content):,} bytes)",
          lambda: parse_qti21(package.content, render=render_markdown))
    hostile = "::Huge::Pick one. {=" + "~x " * 600_000 + "}"
    timed(f"refuse a question with 600,000 options ({len(hostile):,} bytes)",
          lambda: parse_gift(hostile))
    many = "\n\n".join(f"Q{n}? {{T}}" for n in range(150_000))
    timed(f"refuse a bank of 150,000 questions ({len(many):,} bytes)", lambda: parse_gift(many))


if __name__ == "__main__":
    main()
