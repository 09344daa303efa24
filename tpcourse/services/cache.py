"""Per-process caches of immutable content versions (safe: a stored version never changes).

Entries are keyed by (row id, content hash), so a database whose ids restart (tests empty their
tables) can never be answered with another version's content. Each cache is a small LRU;
`clear()` empties them (tests that compare cold and warm behaviour call it).

`QuizVersion.data` is a deferred column: the listeners at the end of this module hand every
loaded version the cached, already parsed data, and keep the data of a version read from the
database, so a quiz's JSON is parsed once per process instead of on every attempt read.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import event, select
from sqlalchemy.orm.attributes import instance_state, set_committed_value

from ..content.course_settings import renewal_settings
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

    def peek(self, key: Hashable) -> Value | None:
        """Return the entry for `key`, or None on a miss (never builds)."""
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        return None

    def keep(self, key: Hashable, value: Value) -> Value:
        """Store `value` unless an entry exists; return the entry now held (first one wins)."""
        with self.lock:
            value = self.entries.setdefault(key, value)
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
    skill_keys: tuple[str, ...] = ()
    renewal: Mapping[str, Any] = field(default_factory=lambda: renewal_settings(None))
    certificate_valid_days: int | None = None
    quiz_modules: tuple[tuple[str, str], ...] = ()  # (module quiz slug, its module's slug)
    sequencing: Mapping[str, Any] | None = None


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
    return outline_of(row.id, row.content_hash)


def outline_of(version_id: int, content_hash: str) -> CourseOutline:
    """Return the outline of a course version whose id and content hash the caller read."""
    return _outlines.get((version_id, content_hash), lambda: _load_outline(version_id))


def _load_outline(version_id: int) -> CourseOutline:
    version = db.session.execute(
        select(CourseVersion.final_exam_slug, CourseVersion.completion,
               CourseVersion.practical_skills, CourseVersion.renewal,
               CourseVersion.certificate_valid_days, CourseVersion.sequencing)
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
                         version.final_exam_slug, dict(version.completion),
                         tuple(skill["key"] for skill in version.practical_skills or []),
                         renewal_settings(version.renewal), version.certificate_valid_days,
                         tuple((quiz, module) for module, quiz in quiz_of_module.items() if quiz),
                         version.sequencing)


def quiz_data(version_id: int, content_hash: str) -> dict:
    """Return a quiz version's settings and questions, read and parsed once per process.

    The dict is shared: read it, never change it.
    """
    return _quiz_data.get((version_id, content_hash), lambda: db.session.execute(
        select(QuizVersion.data).where(QuizVersion.id == version_id)).scalar_one())


def _version_key(version: QuizVersion) -> tuple[int, str] | None:
    # Read the instance dict, never the attributes: a lazy load inside a load event is unsafe.
    loaded = version.__dict__
    if loaded.get("id") is None or loaded.get("content_hash") is None:
        return None
    if "data" in instance_state(version).committed_state:  # changed here, not yet stored
        return None
    return loaded["id"], loaded["content_hash"]


@event.listens_for(QuizVersion, "load")
@event.listens_for(QuizVersion, "refresh")
def _share_quiz_data(version: QuizVersion, _context, _attrs=None) -> None:
    """Give a version just read the cached data, or cache the data it brought with it."""
    key = _version_key(version)
    if key is None:
        return
    if "data" in version.__dict__:  # read from the database (undeferred, or a deferred load)
        kept = _quiz_data.keep(key, version.__dict__["data"])
    else:
        kept = _quiz_data.peek(key)
    if kept is not None and version.__dict__.get("data") is not kept:
        set_committed_value(version, "data", kept)
