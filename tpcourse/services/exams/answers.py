"""Reading a posted attempt form: answers by question position, one page of a paged quiz,
the flags for review, and answers that cannot be graded as typed."""

from __future__ import annotations

from ...grading.navigation import clamp_page, merge_flags, page_numbers
from ...grading.types import FormData, question_type
from ...models import Attempt


def field_name(number: int) -> str:
    """Return the form field of the question drawn at `number` (1-based).

    Fields are named by position, never by question id: authors write ids such as
    `loc-referred-term`, and an id in the page could hint at the answer.
    """
    return f"q{number}"


def posted_numbers(attempt: Attempt, form: FormData) -> range:
    """Return the numbers of the questions the posted form held: one page of a paged quiz
    (the form says which in `page`), else every drawn question."""
    per_page = attempt.quiz_version.data.get("questions_per_page")
    count = len(attempt.question_ids)
    if per_page and form.get("page"):
        return page_numbers(clamp_page(form["page"][0], count, per_page), count, per_page)
    return range(1, count + 1)


def read_responses(attempt: Attempt, form: FormData) -> dict:
    """Turn the submitted form into stored responses for every drawn question.

    A page of a paged quiz holds only some questions: the others keep their stored answers.
    """
    by_id = {q["id"]: q for q in attempt.quiz_version.data["questions"]}
    numbers = posted_numbers(attempt, form)
    responses = {} if len(numbers) == len(attempt.question_ids) else dict(
        attempt.responses or {})
    for number in numbers:
        qid = attempt.question_ids[number - 1]
        responses[qid] = question_type(by_id[qid]["type"]).parse_response(
            by_id[qid], attempt.orders.get(qid, []), field_name(number), form)
    return responses


def read_flags(attempt: Attempt, form: FormData) -> list[str] | None:
    """Return the attempt's flags after this post, or None when the form carried no flag
    boxes (an older page, a script): then the stored flags stay as they are."""
    if not form.get("flagging"):
        return None
    return merge_flags(attempt.question_ids, attempt.flags, posted_numbers(attempt, form),
                       form.get("flag") or [])


def response_errors(attempt: Attempt, responses: dict) -> dict[str, str]:
    """Return a message per question whose answer cannot be graded as typed."""
    by_id = {q["id"]: q for q in attempt.quiz_version.data["questions"]}
    errors = {}
    for qid, response in responses.items():
        message = question_type(by_id[qid]["type"]).response_error(by_id[qid], response)
        if message:
            errors[qid] = message
    return errors
