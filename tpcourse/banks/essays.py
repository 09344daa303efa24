"""Essays from question banks: the platform's essay fields from what the bank gives graders.

Moodle keeps "information for graders" (`graderinfo`), a response template and word limits;
GIFT keeps none of these. An essay the bank gives no guidance for gets a one-criterion rubric,
"the answer as a whole", and a warning to write a real rubric before trainees take it.
"""

from __future__ import annotations

from typing import Any

MAX_WORD_LIMIT = 3_000  # as tpcourse.grading.types.essay (banks import nothing from the app)
FALLBACK_RUBRIC = [{"id": "overall", "text": "The answer as a whole", "points": 1}]

NO_GUIDANCE = ("the essay has no information for graders: it is imported with one rubric "
               "criterion, 'the answer as a whole'; write its rubric or model answer before "
               "trainees take it")


def essay_fields(model_answer: str = "", template: str = "", word_limit: Any = None,
                 warn=None, line: int = 1) -> dict[str, Any]:
    """Return the fields of an imported essay (`warn(line, message)` reports a gap)."""
    fields: dict[str, Any] = {"type": "essay"}
    try:
        limit = int(str(word_limit).strip()) if word_limit not in (None, "") else 0
    except ValueError:
        limit = 0
    if 0 < limit <= MAX_WORD_LIMIT:
        fields["word_limit"] = limit
    if template.strip():
        fields["template"] = template.strip()
    if model_answer.strip():
        fields["model_answer"] = model_answer.strip()
    else:
        fields["rubric"] = [dict(criterion) for criterion in FALLBACK_RUBRIC]
        if warn is not None:
            warn(line, NO_GUIDANCE)
    return fields


def essay_losses(item: dict[str, Any], keeps: tuple[str, ...]) -> list[str]:
    """Say which of an essay's fields a format cannot write (it `keeps` the others)."""
    lost = []
    if item.get("rubric") and item["rubric"] != FALLBACK_RUBRIC:
        lost.append("the essay's rubric cannot be written in this format; left out")
    for key, label in (("model_answer", "model answer"), ("template", "response template"),
                       ("word_limit", "word limit")):
        if item.get(key) and key not in keeps:
            lost.append(f"the essay's {label} cannot be written in this format; left out")
    return lost
