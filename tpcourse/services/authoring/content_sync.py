"""Load validated content into the database as new immutable versions where it changed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from ...content.loader import ContentSet, load_content
from ...content.model import CourseSpec, QuizSpec
from ...content.translation_set import course_translation_files
from ...extensions import db
from ...models import ContentTranslation, Course, CourseVersion, Lesson, Module, Quiz, QuizVersion


@dataclass
class SyncReport:
    """What a sync created: lines like 'course x: version 2'."""

    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


class ContentInvalid(Exception):
    """Raised when content has problems; sync loads nothing in that case."""

    def __init__(self, content: ContentSet) -> None:
        super().__init__(f"{len(content.problems)} problem(s) in content files")
        self.problems = content.problems


def sync_from_folders(lessons_dir: Path, quizzes_dir: Path) -> SyncReport:
    """Validate the folders and sync them; nothing is loaded unless every file is valid."""
    content = load_content(lessons_dir, quizzes_dir)
    if not content.ok:
        raise ContentInvalid(content)
    return sync_content(content)


def sync_content(content: ContentSet) -> SyncReport:
    """Write a new version of each course and quiz whose content hash changed."""
    report = SyncReport()
    owners: dict[str, Course] = {}
    for spec in content.courses:
        course = write_course_version(spec, report)
        renewal_quiz = (spec.renewal or {}).get("quiz")
        for slug in [m.quiz for m in spec.modules if m.quiz] + [spec.final_exam, renewal_quiz]:
            if slug:
                owners[slug] = course
    for spec in content.quizzes.values():
        write_quiz_version(spec, owners.get(spec.slug), report)
    db.session.commit()
    return report


def write_course_version(spec: CourseSpec, report: SyncReport) -> Course:
    """Add a course version when the spec's hash differs from the latest; the caller commits.

    Used by file sync and by publishing a lesson edited in the browser, so both version alike.
    """
    course = db.session.execute(select(Course).filter_by(slug=spec.slug)).scalar_one_or_none()
    digest = spec.content_hash()
    if course is None:
        course = Course(slug=spec.slug, current_version=0)
        db.session.add(course)
        db.session.flush()
    else:
        latest = _latest(CourseVersion, CourseVersion.course_id, course.id)
        if latest is not None and latest.content_hash == digest:
            report.unchanged.append(f"course {spec.slug}: version {latest.version}")
            return course
    version = CourseVersion(
        course_id=course.id, version=course.current_version + 1, content_hash=digest,
        title=spec.title, summary=spec.summary, ce_hours=spec.ce_hours,
        certificate_valid_days=spec.certificate_valid_days, final_exam_slug=spec.final_exam,
        completion={"lessons": spec.completion.lessons, "quizzes": spec.completion.quizzes,
                    "final_exam": spec.completion.final_exam, "skills": spec.completion.skills,
                    "evaluation": spec.completion.evaluation},
        course_type=spec.course_type, practical_skills=[
            {"key": key, "text": text, **({"rubric": spec.skill_rubrics[key]}
                                          if key in spec.skill_rubrics else {})}
            for key, text in spec.practical_skills.items()],
        evaluation=spec.evaluation, hands_on_minutes=spec.hands_on_minutes,
        hands_on_ce_hours=spec.hands_on_ce_hours, ce_approval=spec.ce_approval,
        renewal=spec.renewal, sequencing=spec.sequencing,
    )
    db.session.add(version)
    db.session.flush()
    for position, module_spec in enumerate(spec.modules, start=1):
        module = Module(course_version_id=version.id, slug=module_spec.slug, position=position,
                        title=module_spec.title, objectives=module_spec.objectives,
                        quiz_slug=module_spec.quiz, safety=module_spec.safety)
        db.session.add(module)
        db.session.flush()
        db.session.add_all(
            Lesson(module_id=module.id, slug=lesson.slug, position=index, title=lesson.title,
                   minutes=lesson.minutes, objectives=lesson.objectives, body=lesson.body,
                   html=lesson.html, words=lesson.words)
            for index, lesson in enumerate(module_spec.lessons, start=1)
        )
    _add_translations(spec, version)
    course.current_version = version.version
    report.created.append(f"course {spec.slug}: version {version.version}")
    return course


def write_quiz_version(spec: QuizSpec, owner: Course | None,
                       report: SyncReport) -> QuizVersion | None:
    """Add a quiz version when the spec's hash differs from the latest; the caller commits.

    Returns the new version, or None when the content is unchanged. Used by file sync and by
    publishing a quiz drafted in the browser, so both version alike.
    """
    quiz = db.session.execute(select(Quiz).filter_by(slug=spec.slug)).scalar_one_or_none()
    digest = spec.content_hash()
    if quiz is None:
        quiz = Quiz(slug=spec.slug, current_version=0)
        db.session.add(quiz)
        db.session.flush()
    if owner is not None:
        quiz.course_id = owner.id
    latest = _latest(QuizVersion, QuizVersion.quiz_id, quiz.id)
    if latest is not None and latest.content_hash == digest:
        report.unchanged.append(f"quiz {spec.slug}: version {latest.version}")
        return None
    version = QuizVersion(quiz_id=quiz.id, version=quiz.current_version + 1, content_hash=digest,
                          title=spec.data["title"], data=spec.data)
    db.session.add(version)
    quiz.current_version = version.version
    report.created.append(f"quiz {spec.slug}: version {version.version}")
    return version


def _add_translations(spec: CourseSpec, version: CourseVersion) -> None:
    """Keep the course's translation files with the version, and the texts of the current
    ones (checked against this very version's source, so an edited lesson's goes stale)."""
    for translation in course_translation_files(spec, lambda path: lambda *found: None):
        db.session.add(ContentTranslation(
            course_version_id=version.id, locale=translation.locale, target=translation.target,
            path=translation.relative, text=translation.text, fields=translation.current()))


def _latest(model, key_column, key):
    return db.session.execute(
        select(model).where(key_column == key).order_by(model.version.desc()).limit(1)
    ).scalar_one_or_none()
