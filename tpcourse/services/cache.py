"""Per-process caches of immutable content versions (safe: a stored version never changes).

Entries are keyed by (row id, content hash), so a database whose ids restart (tests empty their
tables) can never be answered with another version's content. Each cache is a small LRU;
`clear()` empties them (tests that compare cold and warm behaviour call it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import select

from ..extensions import db
from ..models import Course, CourseVersion, Lesson, Module, QuizVersion

Value = TypeVar("Value")


class LRU(Generic[Value]):
    """A thread-safe, size-bounded mapping that forgets the least recently used entry."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Value] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], Value]) -> Value:
        """Return the entry for `key`, building and keeping it on a miss."""
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        value = build()  # outside the lock: a database read; two threads may both build once
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry."""
        with self.lock:
            self.entries.clear()


@dataclass(frozen=True)
class CourseOutline:
    """What completion rules need from a course version: its lessons, quizzes and rules."""

    version_id: int
    lesson_keys: tuple[str, ...]
    module_quizzes: tuple[str, ...]
    final_exam_slug: str | None
    completion: Mapping[str, Any]


_outlines: LRU[CourseOutline] = LRU(64)
_quiz_data: LRU[dict] = LRU(256)


def clear() -> None:
    """Empty every cache of this process."""
    _outlines.clear()
    _quiz_data.clear()


def course_outline(course_id: int) -> CourseOutline:
    """Return the current version's outline of a course: one small query when cached."""
    row = db.session.execute(
        select(CourseVersion.id, CourseVersion.content_hash)
        .join(Course, Course.id == CourseVersion.course_id)
        .where(Course.id == course_id, CourseVersion.version == Course.current_version)
    ).one()
    return _outlines.get((row.id, row.content_hash), lambda: _load_outline(row.id))


def _load_outline(version_id: int) -> CourseOutline:
    version = db.session.execute(
        select(CourseVersion.final_exam_slug, CourseVersion.completion)
        .where(CourseVersion.id == version_id)).one()
    modules = db.session.execute(
        select(Module.slug, Module.quiz_slug, Lesson.slug.label("lesson"))
        .outerjoin(Lesson, Lesson.module_id == Module.id)
        .where(Module.course_version_id == version_id)
        .order_by(Module.position, Lesson.position)).all()
    lesson_keys = tuple(f"{m.slug}/{m.lesson}" for m in modules if m.lesson is not None)
    quiz_of_module = {m.slug: m.quiz_slug for m in modules}  # one entry per module, in order
    return CourseOutline(version_id, lesson_keys,
                         tuple(slug for slug in quiz_of_module.values() if slug),
                         version.final_exam_slug, dict(version.completion))


def quiz_data(version_id: int, content_hash: str) -> dict:
    """Return a quiz version's settings and questions, read and parsed once per process.

    The dict is shared: read it, never change it.
    """
    return _quiz_data.get((version_id, content_hash), lambda: db.session.execute(
        select(QuizVersion.data).where(QuizVersion.id == version_id)).scalar_one())
