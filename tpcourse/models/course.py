"""Courses as immutable versions, with their modules and lessons, and who takes them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType, UTCDateTime, utcnow


class Course(db.Model):
    """A course, identified by its slug; its content lives in versions."""

    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CourseVersion(db.Model):
    """One immutable snapshot of a course's files."""

    __tablename__ = "course_versions"
    __table_args__ = (UniqueConstraint("course_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    ce_hours: Mapped[float]
    certificate_valid_days: Mapped[int | None]
    final_exam_slug: Mapped[str | None] = mapped_column(String(100))
    completion: Mapped[dict] = mapped_column(JSONType)
    course_type: Mapped[str] = mapped_column(String(60), default="Home Study",
                                             server_default="Home Study")
    practical_skills: Mapped[list] = mapped_column(JSONType, default=list, server_default="[]")
    evaluation: Mapped[list] = mapped_column(JSONType, default=list, server_default="[]")
    # CE time and approval (docs/certificates.md): ce_hours is the total; hands_on_ce_hours the
    # part earned in supervised practice; ce_approval the approver's fields, or None.
    hands_on_minutes: Mapped[int] = mapped_column(default=0, server_default="0")
    hands_on_ce_hours: Mapped[float] = mapped_column(default=0.0, server_default="0")
    ce_approval: Mapped[dict | None] = mapped_column(JSONType)
    # Renewal (path, window_days, quiz, ce_hours) and sequencing settings from course.yaml;
    # None in versions stored before they existed: the defaults apply (content/renewal.py).
    renewal: Mapped[dict | None] = mapped_column(JSONType)
    sequencing: Mapped[dict | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship(lazy="joined")

    @property
    def home_study_ce_hours(self) -> float:
        """The CE hours earned by home study: all of them but the hands-on part."""
        return round(self.ce_hours - (self.hands_on_ce_hours or 0), 4)
    modules: Mapped[list[Module]] = relationship(
        order_by="Module.position", lazy="raise", back_populates="course_version"
    )


class Module(db.Model):
    """A module of a course version."""

    __tablename__ = "modules"
    id: Mapped[int] = mapped_column(primary_key=True)
    course_version_id: Mapped[int] = mapped_column(ForeignKey("course_versions.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    objectives: Mapped[dict] = mapped_column(JSONType)
    quiz_slug: Mapped[str | None] = mapped_column(String(100))
    safety: Mapped[bool] = mapped_column(default=False, server_default=false())

    course_version: Mapped[CourseVersion] = relationship(lazy="raise", back_populates="modules")
    lessons: Mapped[list[Lesson]] = relationship(
        order_by="Lesson.position", lazy="raise", back_populates="module"
    )


class Lesson(db.Model):
    """A lesson of a module, with its Markdown rendered and sanitised at sync time."""

    __tablename__ = "lessons"
    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int]
    objectives: Mapped[list] = mapped_column(JSONType)
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    words: Mapped[int] = mapped_column(default=0)

    module: Mapped[Module] = relationship(lazy="raise", back_populates="lessons")

    @property
    def key(self) -> str:
        """Identify the lesson across course versions: module slug / lesson slug."""
        return f"{self.module.slug}/{self.slug}"


class ContentTranslation(db.Model):
    """A translation file of a course version (content/translations.py), kept as written.

    `target` is what it translates ("course", "module:<slug>", "lesson:<module>/<slug>");
    `fields` its translated texts, rendered, when it was current against this version's
    source, else None: a stale translation is kept for export but never shown.
    """

    __tablename__ = "content_translations"
    __table_args__ = (UniqueConstraint("course_version_id", "path"),
                      Index("ix_content_translations_version_locale", "course_version_id",
                            "locale"))
    id: Mapped[int] = mapped_column(primary_key=True)
    course_version_id: Mapped[int] = mapped_column(
        ForeignKey("course_versions.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(250))
    path: Mapped[str] = mapped_column(String(300))  # inside the course folder
    text: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict | None] = mapped_column(JSONType)


class CourseInstructor(db.Model):
    """An instructor who may author and see attempts of a course."""

    __tablename__ = "course_instructors"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)


class Cohort(db.Model):
    """A group of trainees of one school taking one course."""

    __tablename__ = "cohorts"
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    name: Mapped[str] = mapped_column(String(200))
    invite_code: Mapped[str] = mapped_column(String(40), unique=True)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The cohort's deadline: its trainees start no quiz of the course after it (sequencing,
    # docs/exams.md); None: no deadline.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Enrollment(db.Model):
    """A trainee taking a course."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LessonProgress(db.Model):
    """A lesson a trainee has marked as read (kept across course versions by lesson key)."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    lesson_key: Mapped[str] = mapped_column(String(210))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
