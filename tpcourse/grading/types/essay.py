"""Written answers (essays): typed at length, graded by an instructor against a rubric.

An essay is never scored by the machine: `manual` tells the attempt grader to leave its share
pending until an instructor grades it (tpcourse.grading.manual). Its rubric and model answer
are for graders only: `public` gives a trainee's page the word limit and the response
template, nothing more, and `answer_key` gives review pages nothing either.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from ...i18n_markers import N_, Sentence
from .base import NOTHING, FormData, QuestionType, register

MAX_ESSAY_CHARS = 20_000
"""The most characters an answer keeps (about 3,000 words): a bound on what a form stores."""
MAX_WORD_LIMIT = 3_000
MAX_CRITERIA = 12
MAX_CRITERION_POINTS = 100
_WORD = re.compile(r"\S+")
_CRITERION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


def word_count(text: str | None) -> int:
    """Count the words of an answer as a reader would: runs of non-space characters."""
    return len(_WORD.findall(text or ""))


def _criteria(q: Any, line_of, report) -> list[dict[str, Any]]:
    rubric = q.get("rubric")
    if rubric is None:
        return []
    if not isinstance(rubric, list) or not rubric:
        report(line_of("rubric"), "'rubric' must list criteria: {id, text, points}")
        return []
    if len(rubric) > MAX_CRITERIA:
        report(line_of("rubric"), f"a rubric has at most {MAX_CRITERIA} criteria")
        return []
    criteria, seen = [], set()
    for index, item in enumerate(rubric, 1):
        if not isinstance(item, dict) or set(item) - {"id", "text", "points"}:
            report(line_of("rubric"), f"rubric criterion {index} must be {{id, text, points}}")
            continue
        cid, text, points = item.get("id"), item.get("text"), item.get("points", 1)
        if not isinstance(cid, str) or not _CRITERION_ID.match(cid) or cid in seen:
            report(line_of("rubric"), f"rubric criterion {index} needs a unique 'id' of "
                                      "lower-case letters, digits and hyphens")
            continue
        if not isinstance(text, str) or not text.strip():
            report(line_of("rubric"), f"rubric criterion '{cid}' needs 'text'")
            continue
        if isinstance(points, bool) or not isinstance(points, int) \
                or not 1 <= points <= MAX_CRITERION_POINTS:
            report(line_of("rubric"), f"rubric criterion '{cid}': 'points' must be a whole "
                                      f"number from 1 to {MAX_CRITERION_POINTS}")
            continue
        seen.add(cid)
        criteria.append({"id": cid, "text": text.strip(), "points": points})
    return criteria


@register
class Essay(QuestionType):
    """A written answer, graded by an instructor per rubric criterion (or against a model
    answer, as one overall score)."""

    name = "essay"
    keys = frozenset({"word_limit", "template", "rubric", "model_answer"})
    manual = True

    def validate(self, q, line_of, report, ctx):
        limit = q.get("word_limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)
                                  or not 1 <= limit <= MAX_WORD_LIMIT):
            report(line_of("word_limit"),
                   f"'word_limit' must be a whole number from 1 to {MAX_WORD_LIMIT}")
            limit = None
        template = q.get("template")
        if template is not None and not isinstance(template, str):
            report(line_of("template"), "'template' must be text")
            template = None
        model = q.get("model_answer")
        if model is not None and (not isinstance(model, str) or not model.strip()):
            report(line_of("model_answer"), "'model_answer' must be text")
            model = None
        criteria = _criteria(q, line_of, report)
        if not criteria and not model and "rubric" not in q:
            report(line_of("type"), f"essay question '{q.get('id', '?')}' needs a 'rubric' or a "
                                    "'model_answer' for its graders")
        return {"word_limit": limit, "template": (template or "").strip() or None,
                "rubric": criteria, "model_answer": (model or "").strip() or None}

    def public(self, q, order):
        return {"word_limit": q.get("word_limit"), "template": q.get("template")}

    def parse_response(self, q, order, field, form: FormData):
        values = form.get(field) or [""]
        text = (values[0] or "").replace("\r\n", "\n").strip()[:MAX_ESSAY_CHARS]
        if not text or text == (q.get("template") or "").strip():
            return None  # the untouched template is no answer
        return text

    def response_error(self, q, response):
        limit = q.get("word_limit")
        if response and limit and word_count(response) > limit:
            return Sentence(N_("Your answer has %(words)s words; the limit is %(limit)s. "
                               "Shorten it, then submit again."),
                            {"words": word_count(response), "limit": limit})
        return None

    def form_values(self, q, order, response):
        return {"value": response if response is not None else (q.get("template") or ""),
                "words": word_count(response)}

    def score(self, q, response) -> Fraction:
        return NOTHING  # graded by an instructor (tpcourse.grading.manual)

    def key_response(self, q):
        return "A written answer."

    def answer_key(self, q):
        return {"correct": []}  # the rubric and model answer are for graders only


def criteria_of(q: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the criteria a grader scores: the rubric's, or one overall criterion worth the
    question's points when the essay has a model answer only."""
    if q.get("rubric"):
        return q["rubric"]
    return [{"id": "overall", "text": "Overall, against the model answer",
             "points": q["points"] if float(q["points"]).is_integer() else 1}]
