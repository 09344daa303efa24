"""The content model: plain dataclasses parsed from lesson and quiz files."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in a content file, printed as `path:line: message`.

    A warning (`path:line: warning: message`) is something a reviewer should look at, such as
    two questions that may answer each other; it does not make `content check` fail.
    """

    path: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.path}:{self.line}: {kind}{self.message}"


@dataclass
class LessonSpec:
    """One lesson: Markdown body plus front matter."""

    slug: str
    title: str
    minutes: int
    objectives: list[str]
    body: str
    html: str
    words: int
    path: str


@dataclass
class ModuleSpec:
    """A module folder: its objectives, lessons and quiz."""

    slug: str
    title: str
    objectives: dict[str, str]
    quiz: str | None
    lessons: list[LessonSpec] = field(default_factory=list)
    path: str = ""
    quiz_line: int = 1
    safety: bool = False


@dataclass
class CompletionRules:
    """What earns a course's completion record."""

    lessons: str = "all"
    quizzes: str = "all"
    final_exam: str | None = None
    skills: str = "none"
    evaluation: str = "none"


@dataclass
class CourseSpec:
    """A course folder: course.yaml plus its modules."""

    slug: str
    title: str
    summary: str
    ce_hours: float
    certificate_valid_days: int | None
    final_exam: str | None
    completion: CompletionRules
    modules: list[ModuleSpec] = field(default_factory=list)
    path: str = ""
    course_type: str = "Home Study"
    practical_skills: dict[str, str] = field(default_factory=dict)
    # *extension* (issue 25): a skill's rubric, criteria with levels (lowest first), by key
    skill_rubrics: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    evaluation: list[dict[str, Any]] = field(default_factory=list)
    hands_on_minutes: int = 0
    hands_on_ce_hours: float = 0.0
    ce_approval: dict[str, str] | None = None
    renewal: dict[str, Any] | None = None  # content/course_settings.py; None: the defaults
    sequencing: dict[str, Any] | None = None  # content/course_settings.py; None: no locks
    lines: dict[str, int] = field(default_factory=dict)  # course.yaml line of each key
    # translation files beside the course's (content/translations.py): path in the course
    # folder -> text, e.g. "01-locating/01-what.es.md"
    translations: dict[str, str] = field(default_factory=dict)

    @property
    def home_study_ce_hours(self) -> float:
        """The CE hours earned by home study: all of them but the hands-on part."""
        return round(self.ce_hours - self.hands_on_ce_hours, 4)

    def objective_codes(self) -> set[str]:
        """Return every objective code a module of this course declares."""
        return {code for module in self.modules for code in module.objectives}

    def safety_objectives(self) -> set[str]:
        """Return the objectives of the modules marked `safety: true`."""
        return {code for module in self.modules if module.safety for code in module.objectives}

    def content_hash(self) -> str:
        """Hash everything trainees see, so an unchanged course syncs to no new version."""
        data = asdict(self)
        data.pop("path")
        data.pop("lines")
        for setting in ("renewal", "sequencing"):  # unset: hashed as before they existed
            if data[setting] is None:
                data.pop(setting)
        for added in ("skill_rubrics", "translations"):  # empty: hashed as before they existed
            if not data[added]:
                data.pop(added)
        for module in data["modules"]:
            module.pop("path")
            module.pop("quiz_line")
            for lesson in module["lessons"]:
                lesson.pop("path")
        return _hash(data)


@dataclass
class QuizSpec:
    """A quiz file, normalised into the dict stored on a quiz version."""

    slug: str
    data: dict[str, Any]
    path: str = ""
    question_lines: dict[str, dict[str, int]] = field(default_factory=dict)
    draw_line: int = 1

    def content_hash(self) -> str:
        """Hash the settings and questions."""
        return _hash(self.data)


def _hash(data: Any) -> str:
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()
