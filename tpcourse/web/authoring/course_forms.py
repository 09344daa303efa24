"""Forms of course administration, and how their fields map onto a course dict.

The settings form is declared as a table (`SETTINGS`): each field names the place in the
course dict it edits ("ce_hours", "completion.skills", "ce_approval.provider_number") and
how its text is read and shown. A later setting is one field in `CourseSettingsForm` plus
one row in `SETTINGS`: the view, the error mapping and the template follow the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ...content.lessonfile import COURSE_TYPES
from .forms import choice_list, lenient

COURSE_TYPE_NAMES = {"Live": _l("Live"), "Home Study": _l("Home Study"),
                     "Webinar": _l("Webinar")}
"""The CE course types (content/lessonfile.py COURSE_TYPES) as people read them."""

ALL_NONE = choice_list((("all", _l("All of them")), ("none", _l("Not required"))))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def number(text: Any) -> Any:
    """Read a typed number leniently; a value too long to be a number stays text."""
    text = ("" if text is None else str(text)).strip()
    return text if len(text) > 24 else lenient(text)


def _or_none(text: str | None) -> Any:
    return number(text)


def _or_zero(text: str | None) -> Any:
    value = number(text)
    return 0 if value is None else value


LIMITS = {"ce_hours": 1000, "hands_on_ce_hours": 1000, "hands_on_minutes": 100_000,
          "certificate_valid_days": 36_500, "renewal_window_days": 3650, "renewal_ce_hours": 1000}
"""The largest value each number field takes (what a person could mean, and fits a column)."""


def out_of_range(name: str, value: Any) -> str | None:
    """Say why a number is out of its field's range, or None."""
    limit = LIMITS.get(name)
    if limit is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value != value or value in (float("inf"), float("-inf")) or abs(value) > limit:
        return _("Enter a number no larger than %(limit)s.", limit=format_decimal(limit))
    return None


def _plain(text: str | None) -> str:
    return (text or "").strip()


def _choice_or_none(text: str | None) -> str | None:
    return (text or "").strip() or None


def read_pairs(text: str | None, what: str) -> tuple[dict[str, str], list[str]]:
    """Read 'key: text' lines into a dict; return it and sentences about unreadable lines."""
    pairs, errors = {}, []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, rest = line.partition(":")
        if not sep or not key.strip():
            errors.append(_unreadable_pair(what, number))
            continue
        pairs[key.strip()] = rest.strip()
    return pairs, errors


def _unreadable_pair(what: str, number: int) -> str:
    """Say that a 'key: text' line of objectives (or of skills) cannot be read."""
    if what == "objective":
        return _("Line %(number)s: write each objective as a short key, a colon and its "
                 "description.", number=number)
    return _("Line %(number)s: write each skill as a short key, a colon and its description.",
             number=number)


def show_pairs(pairs: dict[str, str] | None) -> str:
    """Show a dict as 'key: text' lines."""
    return "\n".join(f"{key}: {text}" for key, text in (pairs or {}).items())


def _read_skills(text):
    return read_pairs(text, "skill")[0]


def read_evaluation(text: str | None) -> tuple[list[dict[str, Any]], list[str]]:
    """Read 'id | rating or text | prompt [| required or optional]' lines."""
    questions, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) not in (3, 4):
            errors.append(_("Line %(number)s: write each question as id | rating or text | "
                            "the question, e.g. clarity | rating | How clear was the course?",
                            number=number))
            continue
        question = {"id": parts[0], "prompt": parts[2], "type": parts[1].lower()}
        question["required"] = (parts[3].lower() == "required") if len(parts) == 4 \
            else question["type"] == "rating"
        questions.append(question)
    return questions, errors


def show_evaluation(questions: list[dict[str, Any]] | None) -> str:
    """Show evaluation questions one a line, as read_evaluation reads them."""
    lines = []
    for q in questions or []:
        line = f"{q['id']} | {q['type']} | {q['prompt']}"
        if q.get("required") != (q["type"] == "rating"):
            line += " | required" if q.get("required") else " | optional"
        lines.append(line)
    return "\n".join(lines)


@dataclass(frozen=True)
class Setting:
    """One field of the settings form: where it goes in the course dict, how it is read."""

    place: str
    read: Callable[[str | None], Any]
    show: Callable[[Any], str] = _text


SETTINGS: dict[str, Setting] = {
    "title": Setting("title", _plain),
    "summary": Setting("summary", _plain),
    "ce_hours": Setting("ce_hours", _or_zero),
    "certificate_valid_days": Setting("certificate_valid_days", _or_none),
    "course_type": Setting("course_type", _plain),
    "hands_on_minutes": Setting("hands_on_minutes", _or_zero),
    "hands_on_ce_hours": Setting("hands_on_ce_hours", _or_zero),
    "final_exam": Setting("final_exam", _choice_or_none),
    "completion_lessons": Setting("completion.lessons", _plain),
    "completion_quizzes": Setting("completion.quizzes", _plain),
    "completion_final_exam": Setting("completion.final_exam", lambda t: None if t == "none"
                                     else _plain(t), lambda v: v or "none"),
    "completion_skills": Setting("completion.skills", _plain),
    "completion_evaluation": Setting("completion.evaluation", _plain),
    "practical_skills": Setting("practical_skills", _read_skills, show_pairs),
    "evaluation": Setting("evaluation", lambda t: read_evaluation(t)[0], show_evaluation),
    "approver": Setting("ce_approval.approver", _plain),
    "provider_name": Setting("ce_approval.provider_name", _plain),
    "provider_number": Setting("ce_approval.provider_number", _plain),
    "provider_contact": Setting("ce_approval.provider_contact", _plain),
    "signatory": Setting("ce_approval.signatory", _plain),
    # Certification cycles and locked steps (content/course_settings.py, docs/certificates.md)
    "renewal_path": Setting("renewal.path", _plain),
    "renewal_window_days": Setting("renewal.window_days", _or_none),
    "renewal_quiz": Setting("renewal.quiz", _choice_or_none),
    "renewal_ce_hours": Setting("renewal.ce_hours", _or_none),
    "sequencing_lessons_first": Setting("sequencing.module_quiz_after_lessons", bool,
                                        lambda v: bool(v)),
    "sequencing_quizzes_first": Setting("sequencing.final_after_module_quizzes", bool,
                                        lambda v: bool(v)),
}
RENEWAL_CHOICES = (("", _l("Not set: by passing every module quiz and the final again")),
                   ("final", _l("By passing the final exam again")),
                   ("renewal_quiz", _l("By passing a shorter renewal quiz")),
                   ("ce_hours", _l("By earning CE hours in other courses")),
                   ("full", _l("By passing every module quiz and the final again")))

GROUPS = (
    (_l("The course"), ("title", "summary", "course_type")),
    (_l("CE hours and certificate"), ("ce_hours", "hands_on_minutes", "hands_on_ce_hours",
                                  "certificate_valid_days")),
    (_l("Completion"), ("final_exam", "completion_lessons", "completion_quizzes",
                    "completion_final_exam", "completion_skills", "completion_evaluation")),
    (_l("Practical skills and evaluation"), ("practical_skills", "evaluation")),
    (_l("CE approval (leave all blank if the course is not approved)"),
     ("approver", "provider_name", "provider_number", "provider_contact", "signatory")),
    (_l("Order of the steps"), ("sequencing_lessons_first", "sequencing_quizzes_first")),
    (_l("Renewing the certificate"), ("renewal_path", "renewal_window_days", "renewal_quiz",
                                  "renewal_ce_hours")),
)


class CourseSettingsForm(FlaskForm):
    """course.yaml's settings; see SETTINGS for where each field goes."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    summary = TextAreaField(_l("Summary (shown in the catalogue)"))
    course_type = SelectField(_l("Course type"),
                              choices=choice_list((t, COURSE_TYPE_NAMES.get(t, t))
                                                  for t in COURSE_TYPES))
    ce_hours = StringField(_l("CE hours"))
    hands_on_minutes = StringField(_l("Hands-on practice (minutes of supervised practice)"))
    hands_on_ce_hours = StringField(_l("CE hours earned by the hands-on practice"))
    certificate_valid_days = StringField(_l("Certificate valid for (days; blank if it never "
                                         "expires)"))
    final_exam = SelectField(_l("Final exam"), validate_choice=False)
    completion_lessons = SelectField(_l("Lessons to read"), choices=ALL_NONE)
    completion_quizzes = SelectField(_l("Module quizzes to pass"), choices=ALL_NONE)
    completion_final_exam = SelectField(_l("Final exam to pass"), choices=choice_list((
        ("passed", _l("Must be passed")), ("none", _l("Not required")))))
    completion_skills = SelectField(_l("Practical skills signed off"), choices=ALL_NONE)
    completion_evaluation = SelectField(_l("Course evaluation"), choices=choice_list((
        ("required", _l("Must be answered")), ("none", _l("Not required")))))
    practical_skills = TextAreaField(_l("Practical skills (one a line: key: what the trainee "
                                     "shows)"))
    evaluation = TextAreaField(_l("Evaluation questions (one a line: id | rating or text | "
                               "the question [| required or optional])"))
    approver = StringField(_l("Approver (e.g. NCBTMB)"))
    provider_name = StringField(_l("Provider name"))
    provider_number = StringField(_l("Provider number"))
    provider_contact = StringField(_l("Provider contact (postal address or email)"))
    signatory = StringField(_l("Signatory (who signs the certificates)"))
    sequencing_lessons_first = BooleanField(_l("A module's quiz opens once its lessons are read"))
    sequencing_quizzes_first = BooleanField(_l("The final exam opens once every module quiz is "
                                            "passed"))
    renewal_path = SelectField(_l("How a certificate is renewed"),
                               choices=choice_list(RENEWAL_CHOICES), validate_choice=False)
    renewal_window_days = StringField(_l("Renewal opens this many days before the certificate "
                                      "expires (blank: 90)"))
    renewal_quiz = SelectField(_l("Renewal quiz (only for renewal by a shorter quiz)"),
                               validate_choice=False)
    renewal_ce_hours = StringField(_l("CE hours to earn in other courses (only for renewal by CE "
                                   "hours)"))

    def fill(self, course: dict[str, Any]) -> None:
        """Show a course dict's values in the fields."""
        for name, setting in SETTINGS.items():
            getattr(self, name).data = setting.show(_get(course, setting.place))

    def settings(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Return the course dict's new settings and (field, sentence) for unreadable lines."""
        values: dict[str, Any] = {}
        for name, setting in SETTINGS.items():
            head, _dot, tail = setting.place.partition(".")
            value = setting.read(getattr(self, name).data)
            if tail:
                values.setdefault(head, {})[tail] = value
            else:
                values[head] = value
        approval = values.get("ce_approval") or {}
        values["ce_approval"] = approval if any(approval.values()) else None
        values["renewal"] = _renewal(values.get("renewal") or {})
        sequencing = values.get("sequencing") or {}
        values["sequencing"] = sequencing if any(sequencing.values()) else None
        errors = [(name, message) for name in LIMITS
                  if (message := out_of_range(name, number(getattr(self, name).data)))]
        errors += [("practical_skills", e) for e in read_pairs(self.practical_skills.data,
                                                               "skill")[1]]
        errors += [("evaluation", e) for e in read_evaluation(self.evaluation.data)[1]]
        return values, errors

    def field_for(self, place: str):
        """Return the field that edits a place of the course dict (or its first sub-field)."""
        for name, setting in SETTINGS.items():
            if setting.place == place:
                return getattr(self, name)
        for name, setting in SETTINGS.items():
            if setting.place.startswith(place + "."):
                return getattr(self, name)
        return None


def _renewal(typed: dict[str, Any]) -> dict[str, Any] | None:
    """The course dict's renewal settings from the form (None: not set, the defaults)."""
    path = typed.get("path") or None
    if path is None:
        return None
    days = typed.get("window_days")
    hours = typed.get("ce_hours")
    return {"path": path, "window_days": 90 if days is None else days,
            "quiz": typed.get("quiz") if path == "renewal_quiz" else None,
            "ce_hours": hours if path == "ce_hours" else None}


def _get(course: dict[str, Any], place: str) -> Any:
    value: Any = course
    for part in place.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def quiz_choices(quizzes: list[tuple[str, str]], current: str | None) -> list:
    """Offer the course's published quizzes (and the current one if it is not among them)."""
    pairs = [("", _("— none —"))] + [(slug, f"{title} ({slug})") for slug, title in quizzes]
    if current and current not in dict(quizzes):
        pairs.append((current, _("%(slug)s (not a published quiz of this course)",
                                 slug=current)))
    return choice_list(pairs)


class NewCourseForm(FlaskForm):
    """A new course: its web address and title; everything else comes after."""

    slug = StringField(_l("Web address (lowercase words joined by hyphens, e.g. neck-care)"),
                       validators=[Length(max=80)])
    title = StringField(_l("Title"), validators=[Length(max=200)])


class ModuleForm(FlaskForm):
    """A module: title, objectives, safety flag and its quiz."""

    slug = StringField(_l("Short name (lowercase words joined by hyphens; kept for good)"),
                       validators=[Length(max=80)])
    title = StringField(_l("Title"), validators=[Length(max=200)])
    objectives = TextAreaField(_l("Objectives (one a line: CODE-1: what the trainee can do)"))
    quiz = SelectField(_l("Module quiz"), validate_choice=False)
    safety = BooleanField(_l("Safety module: every attempt of its quiz and of the final exam "
                          "must hold a question on each of its objectives"))


class NewLessonForm(FlaskForm):
    """A new lesson: as the lesson editor's fields."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    minutes = StringField(_l("Minutes to read"))
    body = TextAreaField(_l("Lesson text (Markdown)"))


class InstructorForm(FlaskForm):
    """Assign an instructor to a course by email."""

    email = StringField(_l("Instructor's email"), validators=[Length(max=254)])


class AssetForm(FlaskForm):
    """Upload an image to lessons/assets/."""

    image = FileField(_l("Image (SVG, PNG or JPEG, at most 2 MB)"))
