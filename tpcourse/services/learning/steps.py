"""The way through a course: what comes after a lesson, and what is left before completion.

Steps are named by their titles (a lesson's, a module's) so pages can say "Pass the module quiz
*Applying pressure*" and link each one; the pages build the links.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ...extensions import db
from ...grading.completion import CompletionStatus
from ...models import AnyUser, Attempt, CourseVersion, Lesson, Module, Quiz


@dataclass(frozen=True)
class NextStep:
    """Where "continue" leads after a lesson: the next lesson, the module's quiz, or back to
    the course page (after the last lesson of the course)."""

    kind: str  # lesson | quiz | course
    title: str = ""
    module_slug: str | None = None
    lesson_slug: str | None = None
    quiz_slug: str | None = None


def quiz_passed(user: AnyUser, quiz_slug: str) -> bool:
    """Whether the user has passed the quiz (one statement)."""
    return db.session.execute(
        select(Attempt.id).join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Quiz.slug == quiz_slug, Attempt.user_id == user.id, Attempt.passed.is_(True))
        .limit(1)).first() is not None


def next_step(user: AnyUser, module: Module, lesson: Lesson,
              after: tuple[Module, Lesson] | None) -> NextStep:
    """After the last lesson of a module comes its quiz (unless already passed), then the
    next lesson; after the course's last lesson, the course page with what is left."""
    if module.quiz_slug and lesson is module.lessons[-1] and not quiz_passed(
            user, module.quiz_slug):
        return NextStep("quiz", module.title, quiz_slug=module.quiz_slug)
    if after is not None:
        return NextStep("lesson", after[1].title, after[0].slug, after[1].slug)
    return NextStep("course")


@dataclass(frozen=True)
class RemainingStep:
    """One thing left before a course is complete, with what a page needs to name and link
    it: `kind` is lessons, quiz, final_exam, skills or evaluation."""

    kind: str
    count: int = 1
    title: str = ""
    module_slug: str | None = None
    lesson_slug: str | None = None
    quiz_slug: str | None = None
    names: list[str] = field(default_factory=list)


def remaining_steps(version: CourseVersion, status: CompletionStatus) -> list[RemainingStep]:
    """Turn a completion status into titled steps, in the order a trainee would take them.

    `version` must have its modules and lessons loaded (the course page loads them).
    """
    steps: list[RemainingStep] = []
    lessons = {f"{m.slug}/{lesson.slug}": (m, lesson) for m in version.modules
               for lesson in m.lessons}
    unread = [key for key in status.unread if key in lessons]
    if unread:
        module, lesson = lessons[unread[0]]
        steps.append(RemainingStep("lessons", len(unread), lesson.title, module.slug,
                                   lesson.slug))
    module_of_quiz = {m.quiz_slug: m for m in version.modules if m.quiz_slug}
    for slug in status.quizzes_to_pass:
        module = module_of_quiz.get(slug)
        steps.append(RemainingStep("quiz", title=module.title if module else slug,
                                   quiz_slug=slug))
    if status.final_exam_to_pass:
        steps.append(RemainingStep("final_exam", quiz_slug=status.final_exam_to_pass))
    if status.skills_to_sign:
        text = {skill["key"]: skill["text"] for skill in version.practical_skills or []}
        steps.append(RemainingStep("skills", len(status.skills_to_sign), names=[
            text.get(key, key) for key in status.skills_to_sign]))
    if status.evaluation_missing:
        steps.append(RemainingStep("evaluation"))
    return steps
