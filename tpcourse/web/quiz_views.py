"""Turn stored attempts into what quiz templates show — never the key before submission."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from ..content.localize import (
    is_source,
    is_translated,
    quiz_translation,
    shown_question,
    translated_texts,
)
from ..grading.navigation import (
    QuestionState,
    clamp_page,
    drawn_question_count,
    must_pass_count,
    page_count,
    page_numbers,
    page_of,
    question_states,
)
from ..grading.types import question_type
from ..models import Accommodation, Attempt
from ..services.exams.attempts import field_name
from .helpers import duration


def quiz_rules(data: dict[str, Any], extra: Accommodation | None,
               attempts_used: int = 0) -> dict[str, Any]:
    """Return the limits a trainee sees, with any accommodation beside the normal value."""
    limit = data.get("time_limit_minutes")
    adjusted = None
    if extra and limit and (extra.extra_minutes or extra.extra_percent):
        adjusted = round(limit * (1 + extra.extra_percent / 100) + extra.extra_minutes)
    attempts = data.get("max_attempts")
    allowed = attempts + (extra.extra_attempts if extra else 0) if attempts else None
    return {
        "pass_mark": data["pass_mark"],
        "questions": drawn_question_count(data),
        "must_pass": must_pass_count(data),
        "time_limit": limit,
        "time_limit_adjusted": adjusted,
        "max_attempts": attempts,
        "max_attempts_adjusted": allowed if allowed != attempts else None,
        "attempts_allowed": allowed,
        "attempts_left": max(allowed - attempts_used, 0) if allowed else None,
        "cooldown": data.get("cooldown_minutes"),
        "review": data.get("review", "after_submit"),
        "grading": data.get("grading", "highest"),
        "per_page": data.get("questions_per_page"),
    }


@dataclass(frozen=True)
class AttemptPage:
    """One page of an open attempt: its questions, and every question's state for the
    navigator (answered, flagged: nothing about correctness)."""

    number: int
    count: int
    questions: list[dict[str, Any]]
    states: list[QuestionState]
    problems: list[tuple[QuestionState, str]]  # answers to fix, on any page

    @property
    def answered(self) -> int:
        """How many questions of the whole attempt have an answer."""
        return sum(1 for state in self.states if state.answered)

    @property
    def flagged(self) -> list[QuestionState]:
        """The questions flagged for review."""
        return [state for state in self.states if state.flagged]


def attempt_page(attempt: Attempt, page: Any, errors: dict[str, str],
                 locale: str | None = None) -> AttemptPage:
    """Build the page of an open attempt asked for (the page of the first error, if any)."""
    per_page = attempt.quiz_version.data.get("questions_per_page")
    count = len(attempt.question_ids)
    number = clamp_page(page, count, per_page)
    if errors:
        first = min(attempt.question_ids.index(qid) + 1 for qid in errors)
        number = page_of(first, per_page)
    states = question_states(attempt.question_ids, attempt.responses, attempt.flags, per_page)
    questions = question_views(attempt, errors, numbers=page_numbers(number, count, per_page),
                               locale=locale)
    for view in questions:
        view["flagged"] = states[view["number"] - 1].flagged
    problems = sorted(((states[attempt.question_ids.index(qid)], message)
                       for qid, message in errors.items()), key=lambda p: p[0].number)
    return AttemptPage(number, page_count(count, per_page), questions, states, problems)


def attempt_cost(rules: dict[str, Any], number: int) -> str:
    """Say what submitting attempt `number` costs: "This uses attempt 1 of 2; if you do not
    pass, the next attempt opens 30 minutes after you submit." """
    allowed, cooldown = rules["attempts_allowed"], rules["cooldown"]
    if allowed and number >= allowed:
        return _("This uses attempt %(number)s of %(allowed)s, your last attempt at this quiz.",
                 number=number, allowed=allowed)
    if allowed and cooldown:
        return _("This uses attempt %(number)s of %(allowed)s; if you do not pass, the next "
                 "attempt opens %(wait)s after you submit.",
                 number=number, allowed=allowed, wait=duration(cooldown))
    if allowed:
        return _("This uses attempt %(number)s of %(allowed)s; if you do not pass, you can try "
                 "again straight away.", number=number, allowed=allowed)
    if cooldown:
        return _("This uses attempt %(number)s; if you do not pass, the next attempt opens "
                 "%(wait)s after you submit.", number=number, wait=duration(cooldown))
    return _("This uses attempt %(number)s; if you do not pass, you can try again straight "
             "away.", number=number)


def question_views(attempt: Attempt, errors: dict[str, str], graded: bool = False,
                   reveal: bool = False, numbers: range | None = None,
                   locale: str | None = None) -> list[dict[str, Any]]:
    """Build one template context per drawn question (those `numbers` only, if given); keys
    only when `reveal` is set. Texts are in `locale` where the quiz has a current translation
    (`in_source` marks a question shown in the source language instead)."""
    by_id = {q["id"]: q for q in attempt.quiz_version.data["questions"]}
    translation = quiz_translation(attempt.quiz_version.data, locale)
    results = {r["id"]: r for r in (attempt.results or [])}
    views = []
    for number in numbers or range(1, len(attempt.question_ids) + 1):
        qid = attempt.question_ids[number - 1]
        question = by_id[qid]
        shown = shown_question(question, translation)
        texts = translated_texts(question, shown)
        kind = question_type(question["type"])
        order = attempt.orders.get(qid, [])
        response = (attempt.responses or {}).get(qid)
        view = {
            "number": number, "id": qid, "type": question["type"], "field": field_name(number),
            "prompt_html": shown["prompt_html"], "points": question["points"],
            "public": kind.public(shown, [texts.get(choice, choice) for choice in order]),
            "filled": kind.form_values(question, order, response),
            "error": errors.get(qid),
            "in_source": not is_source(locale) and not is_translated(question, translation),
        }
        if graded:
            view["result"] = results.get(qid)
            view["answer_lines"] = kind.describe(shown, _shown_response(response, texts))
            view["response"] = response
        if graded and reveal:
            view["key"] = kind.answer_key(shown)
            view["feedback"] = kind.feedback(shown, response)
            view["explanation_html"] = shown["explanation_html"]
        views.append(view)
    return views


def _shown_response(response: Any, texts: dict[str, str]) -> Any:
    """Return a matching or ordering response with its source texts translated."""
    if not texts or not isinstance(response, list):
        return response
    return [texts.get(item, item) if isinstance(item, str) else item for item in response]
