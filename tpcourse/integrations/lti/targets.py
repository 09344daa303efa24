"""What an LMS link can open: a course, a module or a quiz, named by a stable key
(`course/<slug>`, `module/<course>/<module>`, `quiz/<slug>`) that deep linking puts in the link's
custom parameter `target`, and whose quiz (if any) is graded into the LMS's gradebook."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Course, CourseVersion, Module, Quiz, QuizVersion
from ...services.errors import NotFound
from ...services.learning import learning

TARGET_PARAMETER = "target"
"""The custom launch parameter naming the target (set by deep linking, or typed by the LMS admin:
`target=quiz/final-exam`)."""


@dataclass(frozen=True)
class Target:
    """A place a link opens, and the quiz whose score the LMS gets (None: nothing is graded)."""

    key: str
    kind: str  # course | module | quiz
    title: str
    course_id: int
    course_slug: str
    quiz_id: int | None = None
    quiz_slug: str | None = None
    module_slug: str | None = None
    lesson_slug: str | None = None  # a module opens at its first lesson


def _quiz(slug: str | None) -> tuple[Quiz, str] | None:
    if not slug:
        return None
    row = db.session.execute(
        select(Quiz, QuizVersion.title).join(QuizVersion, QuizVersion.quiz_id == Quiz.id)
        .where(Quiz.slug == slug, QuizVersion.version == Quiz.current_version)).first()
    return (row[0], row[1]) if row else None


def _course_targets(version: CourseVersion) -> list[Target]:
    slug = version.course.slug
    final = _quiz(version.final_exam_slug)
    found = [Target(f"course/{slug}", "course", version.title, version.course_id, slug,
                    final[0].id if final else None, version.final_exam_slug if final else None)]
    for module in version.modules:
        quiz = _quiz(module.quiz_slug)
        first = module.lessons[0].slug if module.lessons else None
        found.append(Target(f"module/{slug}/{module.slug}", "module",
                            f"{version.title}: {module.title}", version.course_id, slug,
                            quiz[0].id if quiz else None, module.quiz_slug if quiz else None,
                            module.slug, first))
        if quiz:
            found.append(Target(f"quiz/{module.quiz_slug}", "quiz", quiz[1], version.course_id,
                                slug, quiz[0].id, module.quiz_slug))
    if final:
        found.append(Target(f"quiz/{version.final_exam_slug}", "quiz", final[1],
                            version.course_id, slug, final[0].id, version.final_exam_slug))
    return found


def _version_of(course_slug: str) -> CourseVersion | None:
    try:
        return learning.current_version(course_slug, with_lessons=True)
    except NotFound:
        return None


def placeable_targets() -> list[Target]:
    """Every course, module and quiz an instructor can place in their LMS, course by course."""
    versions = db.session.execute(
        select(CourseVersion).join(Course, Course.id == CourseVersion.course_id)
        .where(CourseVersion.version == Course.current_version).order_by(CourseVersion.title)
        .options(selectinload(CourseVersion.modules).selectinload(Module.lessons))).scalars()
    return [target for version in versions for target in _course_targets(version)]


def resolve(key: str | None) -> Target | None:
    """The target a key names, or None when it names nothing (any more)."""
    if not key or len(key) > 220:
        return None
    kind, _, rest = key.partition("/")
    if kind == "quiz":
        quiz = db.session.execute(select(Quiz).where(Quiz.slug == rest)).scalar_one_or_none()
        course = db.session.get(Course, quiz.course_id) if quiz and quiz.course_id else None
        course_slug = course.slug if course else None
    elif kind in ("course", "module"):
        course_slug = rest.partition("/")[0]
    else:
        return None
    version = _version_of(course_slug) if course_slug else None
    if version is None:
        return None
    return next((target for target in _course_targets(version) if target.key == key), None)
