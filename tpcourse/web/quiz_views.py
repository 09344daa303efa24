"""Turn stored attempts into what quiz templates show — never the key before submission."""

from __future__ import annotations

from typing import Any

from ..grading.types import question_type
from ..models import Accommodation, Attempt
from ..services.exams.attempts import field_name


def quiz_rules(data: dict[str, Any], extra: Accommodation | None) -> dict[str, Any]:
    """Return the limits a trainee sees, with any accommodation beside the normal value."""
    limit = data.get("time_limit_minutes")
    adjusted = None
    if extra and limit and (extra.extra_minutes or extra.extra_percent):
        adjusted = round(limit * (1 + extra.extra_percent / 100) + extra.extra_minutes)
    attempts = data.get("max_attempts")
    return {
        "pass_mark": data["pass_mark"],
        "time_limit": limit,
        "time_limit_adjusted": adjusted,
        "max_attempts": attempts,
        "max_attempts_adjusted": attempts + extra.extra_attempts
        if extra and attempts and extra.extra_attempts else None,
        "cooldown": data.get("cooldown_minutes"),
        "review": data.get("review", "after_submit"),
        "grading": data.get("grading", "highest"),
    }


def question_views(attempt: Attempt, errors: dict[str, str], graded: bool = False,
                   reveal: bool = False) -> list[dict[str, Any]]:
    """Build one template context per drawn question; keys only when `reveal` is set."""
    by_id = {q["id"]: q for q in attempt.quiz_version.data["questions"]}
    results = {r["id"]: r for r in (attempt.results or [])}
    views = []
    for number, qid in enumerate(attempt.question_ids, start=1):
        question = by_id[qid]
        kind = question_type(question["type"])
        order = attempt.orders.get(qid, [])
        response = (attempt.responses or {}).get(qid)
        view = {
            "number": number, "id": qid, "type": question["type"], "field": field_name(number),
            "prompt_html": question["prompt_html"], "points": question["points"],
            "public": kind.public(question, order),
            "filled": kind.form_values(question, order, response),
            "error": errors.get(qid),
        }
        if graded:
            view["result"] = results.get(qid)
            view["answer_lines"] = kind.describe(question, response)
            view["response"] = response
        if graded and reveal:
            view["key"] = kind.answer_key(question)
            view["feedback"] = kind.feedback(question, response)
            view["explanation_html"] = question["explanation_html"]
        views.append(view)
    return views
