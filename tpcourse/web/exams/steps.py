"""What a post to an attempt asks for, and where the trainee goes next.

The attempt form has several buttons: save and stay, go to another page (or question) of a
paged quiz, review before submitting, and — on the summary page — submit what was saved.
A click on a body map without JavaScript also submits the form: it saves and comes back to
that question. Every one of them but "submit" and "finish" saves first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask import url_for

from ...grading.navigation import clamp_page, page_of
from ...inputs import ascii_int
from ...models import Attempt
from ...services.certification import completion

_HOTSPOT_CLICK = re.compile(r"^q([0-9]{1,4})-img\.x$")


@dataclass(frozen=True)
class Step:
    """One post: `kind` is save, submit (grade the posted answers) or finish (grade the saved
    ones); after a save the trainee goes to `target`: stay, review, or question `question`."""

    kind: str
    target: str = "stay"
    question: int | None = None
    page: str | None = None


def posted_step(form) -> Step:
    """Read which button was pressed (a missing action is the old one-step submit)."""
    action = (form.get("action") or "").strip()
    page = form.get("page")
    clicked = next((_HOTSPOT_CLICK.match(key) for key in form if key.endswith("-img.x")), None)
    if clicked:
        return Step("save", "question", int(clicked.group(1)), page)
    if action == "save":
        return Step("save", "stay", page=page)
    if action == "review":
        return Step("save", "review", page=page)
    if action.startswith("goto:") and ascii_int(action[5:]) is not None:
        return Step("save", "question", ascii_int(action[5:]), page)
    if action == "finish":
        return Step("finish", page=page)
    return Step("submit", page=page)


def step_target(attempt: Attempt, step: Step) -> str:
    """Where to go after a save: the summary, a question (on its page), or the same page."""
    if step.target == "review":
        return url_for("quiz.summary", attempt_id=attempt.id)
    per_page = attempt.quiz_version.data.get("questions_per_page")
    count = len(attempt.question_ids)
    if step.target == "question" and step.question and 1 <= step.question <= count:
        page = page_of(step.question, per_page)
        return url_for("quiz.attempt", attempt_id=attempt.id, page=page if per_page else None,
                       _anchor=f"q{step.question}-box")
    page = clamp_page(step.page, count, per_page)
    return url_for("quiz.attempt", attempt_id=attempt.id, page=page if per_page else None)


def time_left(deadline: datetime | None, now: datetime) -> int | None:
    """Whole seconds left before the deadline by the server's clock, or None when untimed.

    Pages print it as `<time datetime="PT…S">` and quiz.js counts down from it: the browser's
    own clock may be wrong, the time left is not.
    """
    if deadline is None:
        return None
    return max(0, int((deadline - now).total_seconds()))


def completed_by(attempt: Attempt, user) -> object | None:
    """The completion record this attempt earned, if grading it completed its course.

    A record is created in the same moment as the grade that completes the course (the
    grade's time), so the attempt whose submission time it carries is the one.
    """
    course_id = attempt.quiz_version.quiz.course_id
    if not attempt.passed or course_id is None:
        return None
    record = completion.record_for(user, course_id)
    if record is None or record.completed_at != attempt.submitted_at:
        return None
    return record
