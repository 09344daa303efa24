"""`content check`'s messages, said as sentences for instructors in the studio.

The file checks speak of keys ("a 'single' question needs exactly one correct option"): right
for someone editing YAML, a puzzle for someone filling a form. The studio shows the same
finding in the form's words ("Mark exactly one option as correct."). A message without a
rule here keeps its words, starting with a capital and ending with a full stop. Pure.
"""

from __future__ import annotations

import re

FIELDS = {
    "prompt": "the question text", "title": "a title", "id": "an id", "answer": "the answer",
    "text": "the option's text", "slug": "the web address", "minutes": "the minutes",
    "pass_mark": "the pass mark", "image": "an image", "options": "the options",
    "pairs": "the pairs", "items": "the items", "accept": "the accepted answers",
    "regions": "at least one region", "ce_hours": "the CE hours",
}
PARTS = {"r": "radius", "cx": "centre x", "cy": "centre y", "x": "left edge (x)",
         "y": "top edge (y)", "width": "width", "height": "height", "points": "points"}

RULES: list[tuple[str, str]] = [
    (r"a 'single' question needs exactly one correct option.*",
     "Mark exactly one option as correct."),
    (r"a 'multiple' question needs at least one correct option.*",
     "Mark at least one option as correct."),
    (r"'options' must be a list of at least two options", "Give at least two options."),
    (r"missing '(\w+)'", "Fill in {field}."),
    (r"'(\w+)' must be text", "Fill in {field} as text."),
    (r"'answer' must be true or false", "Choose whether the statement is true or false."),
    (r"'answer' must be a number", "Enter the answer as a number, for example 60 or 2.5."),
    (r"'tolerance' must be a number of zero or more",
     "Enter the tolerance as a number, 0 or more (0 accepts only the exact answer)."),
    (r"'minutes' must be a whole number from 1 to (?P<a>\d+)",
     "Enter the minutes as a whole number from 1 to {a}."),
    (r"'pass_mark' must be a number between 0 and 100",
     "Enter the pass mark as a percent between 0 and 100."),
    (r"'ce_hours' must be a number of zero or more", "Enter the CE hours as a number, 0 or more."),
    (r"'certificate_valid_days' must be a whole number of days, or left out",
     "Enter the certificate's validity as a whole number of days, or leave it blank if "
     "certificates never expire."),
    (r"objective code '(?P<a>[^']+)' must look like ABC-1",
     "Write the objective code {a} as capital letters, a hyphen and a number, e.g. NCK-1."),
    (r"objective '(?P<a>[^']+)' needs a description", "Describe objective {a}."),
    (r"objective '(?P<a>[^']+)' is not declared by any module of the course",
     "{a} is not an objective of this course: choose one its modules declare, or add it to a "
     "module first."),
    (r"objective '(?P<a>[^']+)' is not declared in .*module\.yaml",
     "{a} is not an objective of this module: add it to the module first."),
    (r"each pair must have exactly two texts.*", "Give every pair a left and a right text."),
    (r"each (?P<a>left text in 'pairs'|text in 'distractors'|item in 'items') must be different",
     "Make every {a} different."),
    (r"(?P<a>\w+) region is missing '(?P<b>\w+)'", "Give the {a} region its {b}."),
    (r"\w+ region must have a positive size", "Give the region a size above zero."),
    (r"\w+ region values must be numbers", "Enter the region's numbers as numbers."),
    (r"completion requires skills but 'practical_skills' lists none",
     "Completion asks for practical skills but the course lists none: add skills, or set "
     "practical skills to not required."),
    (r"completion requires the evaluation but 'evaluation' lists no questions",
     "Completion asks for the evaluation but it has no questions: add questions, or set the "
     "course evaluation to not required."),
    (r"completion needs a final exam but the course names no 'final_exam'",
     "Completion asks for a final exam but the course has none: choose one, or set the final "
     "exam to not required."),
    (r"'modules' must list the module folder names in order", "Add at least one module."),
    (r"module '(?P<a>[^']+)' has no lessons.*", "Module {a} has no lessons yet: add one."),
    (r"final exam quiz '(?P<a>[^']+)' not found in quizzes/",
     "The final exam {a} is not a published quiz: publish it before choosing it."),
    (r"quiz '(?P<a>[^']+)' not found in quizzes/",
     "Quiz {a} is not published: publish it before placing it in a module."),
]
_COMPILED = [(re.compile(pattern + r"\.?$"), text) for pattern, text in RULES]


def for_instructors(message: str) -> str:
    """Return a content-check message as a sentence for the studio's forms."""
    for pattern, text in _COMPILED:
        match = pattern.match(message)
        if match:
            groups = match.groupdict()
            if "{field}" in text:
                key = match.group(1)
                groups["field"] = FIELDS.get(key, key.replace("_", " "))
            if "{a}" in text:
                groups["a"] = groups["a"].replace("'", "")
            if "{b}" in text:
                groups["b"] = PARTS.get(groups["b"], groups["b"])
            return text.format(**groups)
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


def all_for_instructors(messages: list[str]) -> list[str]:
    """Return each message as a sentence (see for_instructors)."""
    return [for_instructors(m) for m in messages]
