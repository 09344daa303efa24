"""The studio's forms, and the conversions between their fields and quiz-file dicts.

Fields are read leniently ("80" becomes 80, "abc" stays "abc") so that the quiz-file
validation, not the form, says what is wrong — with the same words as `content check`.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from ...grading.attempts import GRADING_MODES, REVIEW_POLICIES

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
SLUG = r"^[a-z0-9][a-z0-9-]*$"


def lenient(text: str | None) -> Any:
    """Read a typed value: '' is None, '12' is 12, '2.5' is 2.5, anything else stays text."""
    text = (text or "").strip()
    if not text:
        return None
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def choice_list(pairs) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


REVIEW_NAMES = {"after_submit": _l("after submit"), "after_pass": _l("after pass"),
                "never": _l("never")}
GRADING_NAMES = {"highest": _l("highest"), "last": _l("last")}


class QuizSettingsForm(FlaskForm):
    """A quiz's settings (everything but its questions)."""

    slug = StringField(_l("Slug (the quiz's file name and web address)"), validators=[
        Optional(), Length(max=100), Regexp(SLUG, message=_l("Use lowercase letters, digits and "
                                                          "hyphens, e.g. neck-referral-quiz."))])
    title = StringField(_l("Title"), validators=[Length(max=200)])
    description = TextAreaField(_l("Description (shown above the start button)"))
    pass_mark = StringField(_l("Pass mark (percent of the points)"), default="80")
    max_attempts = StringField(_l("Attempts allowed (blank for unlimited)"))
    cooldown_minutes = StringField(_l("Wait after a failed attempt (minutes)"))
    time_limit_minutes = StringField(_l("Time limit (minutes, blank for untimed)"))
    shuffle_questions = BooleanField(_l("Shuffle the questions for each attempt"))
    shuffle_options = BooleanField(_l("Shuffle the options for each attempt"))
    draw = StringField(_l("Random draw from pools (e.g. core: 8, cases: 2; blank to use every "
                       "question)"))
    review = SelectField(_l("When answers and explanations are shown"),
                         choices=choice_list((p, REVIEW_NAMES.get(p, p)) for p in REVIEW_POLICIES))
    grading = SelectField(_l("Which attempt counts"),
                          choices=choice_list((m, GRADING_NAMES.get(m, m)) for m in GRADING_MODES))

    def settings(self) -> dict[str, Any]:
        """Return the settings as quiz-file values (None where left blank)."""
        return {
            "title": (self.title.data or "").strip(),
            "description": (self.description.data or "").strip() or None,
            "pass_mark": lenient(self.pass_mark.data),
            "max_attempts": lenient(self.max_attempts.data),
            "cooldown_minutes": lenient(self.cooldown_minutes.data),
            "time_limit_minutes": lenient(self.time_limit_minutes.data),
            "shuffle_questions": bool(self.shuffle_questions.data) or None,
            "shuffle_options": bool(self.shuffle_options.data) or None,
            "draw": parse_draw(self.draw.data),
            "review": self.review.data,
            "grading": None if self.grading.data == "highest" else self.grading.data,
        }

    @staticmethod
    def values(data: dict[str, Any]) -> dict[str, Any]:
        """Return form values showing a quiz's current settings."""
        draw = data.get("draw")
        return {
            "slug": data.get("slug", ""), "title": data.get("title", ""),
            "description": data.get("description", ""),
            **{k: _shown(data.get(k)) for k in ("pass_mark", "max_attempts", "cooldown_minutes",
                                                "time_limit_minutes")},
            "pass_mark": _shown(data.get("pass_mark", 80)),
            "shuffle_questions": data.get("shuffle_questions") is True,
            "shuffle_options": data.get("shuffle_options") is True,
            "draw": ", ".join(f"{k}: {_shown(v)}" for k, v in draw.items())
            if isinstance(draw, dict) else _shown(draw),
            "review": data.get("review", "after_submit"),
            "grading": data.get("grading", "highest"),
        }


def parse_draw(text: str | None) -> Any:
    """Read 'core: 8, cases: 2' into a mapping; anything unreadable stays text."""
    text = (text or "").strip()
    if not text:
        return None
    draw = {}
    for part in text.split(","):
        pool, colon, count = part.partition(":")
        if not colon or not pool.strip():
            return text
        draw[pool.strip()] = lenient(count)
    return draw


class OptionForm(Form):
    """One option of a choice question."""

    id = StringField(_l("Id"), validators=[Length(max=40)])
    text = StringField(_l("Text"))
    correct = BooleanField(_l("Correct"))
    feedback = StringField(_l("Feedback when chosen (optional)"))
    weight = StringField(_l("Weight in % (scoring by weights: −100 to 100)"))


class PairForm(Form):
    """One pair of a matching question."""

    left = StringField(_l("Left"))
    right = StringField(_l("Matches"))


class RegionForm(Form):
    """One region of a hotspot question, in the image's viewBox units."""

    shape = SelectField(_l("Shape"), choices=choice_list([("circle", _l("circle")),
                                                     ("rect", _l("rectangle")),
                                                     ("polygon", _l("polygon"))]),
                        validate_choice=False)
    cx = StringField(_l("Centre x"))
    cy = StringField(_l("Centre y"))
    r = StringField(_l("Radius"))
    x = StringField(_l("Left x"))
    y = StringField(_l("Top y"))
    width = StringField(_l("Width"))
    height = StringField(_l("Height"))
    points = StringField(_l("Points (x,y pairs separated by spaces)"))


class QuestionForm(FlaskForm):
    """A question of any type; the template shows the fields its type uses."""

    qid = StringField(_l("Question id"), validators=[Length(max=100)])
    name = StringField(_l("Name (authors only; kept for exports to Moodle and Canvas)"),
                       validators=[Length(max=255)])
    category = HiddenField()
    scoring = SelectField(_l("Scoring"), validate_choice=False, choices=choice_list([
        ("", _l("The usual rule for this type")), ("all_or_nothing", _l("All or nothing")),
        ("weights", _l("Weights: each option earns its percent (Moodle's rule)"))]))
    prompt = TextAreaField(_l("Prompt (Markdown)"))
    points = StringField(_l("Points"), default="1")
    pool = StringField(_l("Pool (for random draws; optional)"))
    objective = SelectField(_l("Objective"), validate_choice=False)
    must_pass = BooleanField(_l("Must be answered correctly to pass (safety question)"))
    tags = StringField(_l("Tags (comma separated; body region for hotspots, e.g. neck-shoulder)"))
    excludes = StringField(_l("Never in the same attempt as (question ids, comma separated)"))
    explanation = TextAreaField(_l("Explanation shown in review (Markdown)"))
    options = FieldList(FormField(OptionForm), min_entries=0)
    answer_bool = RadioField(_l("The statement is"),
                             choices=choice_list([("true", _l("True")), ("false", _l("False"))]),
                             validate_choice=False)
    answer = StringField(_l("Correct answer (a number)"))
    tolerance = StringField(_l("Tolerance (accepted: answer ± tolerance)"))
    unit = StringField(_l("Unit (optional, e.g. s)"))
    accept = TextAreaField(_l("Accepted answers, one per line (case and spacing are ignored)"))
    pairs = FieldList(FormField(PairForm), min_entries=0)
    distractors = TextAreaField(_l("Extra answers that match no item, one per line (optional)"))
    items = TextAreaField(_l("Steps in the correct order, one per line"))
    feedback_true = TextAreaField(_l("Feedback for trainees who answer True (optional)"))
    feedback_false = TextAreaField(_l("Feedback for trainees who answer False (optional)"))
    partial = TextAreaField(_l("Answers worth part of the points, one per line (optional)"))
    image = SelectField(_l("Body-map image (from lessons/assets/)"), validate_choice=False)
    regions = FieldList(FormField(RegionForm), min_entries=0)


class PreviewForm(FlaskForm):
    """Carries the seed of a preview's draw, so the same questions come back on submit."""

    seed = HiddenField()


class MoveForm(FlaskForm):
    """Move or delete one question."""

    question_id = HiddenField(validators=[DataRequired()])
    direction = HiddenField()


class LessonForm(FlaskForm):
    """A lesson's front matter and Markdown body."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    minutes = StringField(_l("Minutes to read"))
    objectives = SelectField(_l("Objectives"), validate_choice=False)  # replaced per module
    body = TextAreaField(_l("Lesson text (Markdown)"))


class ImportForm(FlaskForm):
    """Upload a question bank, to preview before it goes into the quiz's draft."""

    bank = FileField(_l("Question-bank file"))
    format = SelectField(_l("Format"), choices=choice_list([
        ("gift", _l("GIFT (Moodle text format)")), ("moodle-xml", "Moodle XML"), ("aiken", "Aiken"),
        ("canvas", _l("Canvas quiz export (QTI 1.2 .zip)")),
        ("qti21", _l("IMS QTI 2.1 (.zip or .xml)"))]))
    scoring = SelectField(_l("Scoring"), default="source", choices=choice_list([
        ("source", _l("Keep the scoring the bank gives each question (Moodle weights, "
                      "all-or-nothing, partial answers)")),
        ("platform", _l("Use the platform's rule for each question type"))]))
    replace = BooleanField(_l("Replace the draft's questions instead of adding to them"))


class ConfirmImportForm(FlaskForm):
    """Add the ticked questions of a previewed upload, or discard it (carries the CSRF token)."""


class AccommodationForm(FlaskForm):
    """Extra attempts or time for one trainee."""

    trainee = SelectField(_l("Trainee"), coerce=int, validate_choice=True)
    extra_attempts = IntegerField(_l("Extra attempts"), default=0,
                                  validators=[NumberRange(0, 20, _l("Enter 0 to 20."))])
    extra_minutes = IntegerField(_l("Extra minutes"), default=0,
                                 validators=[NumberRange(0, 600, _l("Enter 0 to 600."))])
    extra_percent = IntegerField(_l("Extra time as a percent of the limit"), default=0,
                                 validators=[NumberRange(0, 300, _l("Enter 0 to 300."))])
    lift_locks = BooleanField(_l("Lift the locks on this quiz (lessons or quizzes first, dates, "
                              "the cohort's deadline) for this trainee"))
    note = StringField(_l("Note (why; kept with the grant)"), validators=[Length(max=500)])

    def validate(self, extra_validators=None) -> bool:
        """Also require at least one extra attempt, minute or percent, or the locks lifted."""
        if not super().validate(extra_validators):
            return False
        if not (self.extra_attempts.data or self.extra_minutes.data or self.extra_percent.data
                or self.lift_locks.data):
            self.extra_attempts.errors = [_l("Grant at least one extra attempt, minute or "
                                             "percent, or lift the locks.")]
            return False
        return True
