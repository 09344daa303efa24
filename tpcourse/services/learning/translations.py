"""Course content in the reader's language: current translations of a course version.

The locale is an argument (the web layer passes the request's); where a version has no
current translation of a part, the part is shown in the source language with a notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError
from sqlalchemy import select

from ...content.localize import (
    Shown,
    course_skills,
    is_source,
    quiz_translation,
    shown_course,
    shown_quiz,
)
from ...content.translations import SOURCE_LOCALE
from ...extensions import db
from ...models import ContentTranslation, CourseVersion


@dataclass(frozen=True)
class Untranslated:
    """What a page shows in the source language, named in the reader's language.

    `what`: "course", "parts" (of a course), "lesson", "quiz" or "questions" (of a quiz).
    """

    what: str
    language: str  # the reader's language, e.g. "español"
    source: str  # the source's, in the reader's language, e.g. "inglés"


def translated_fields(version_id: int, locale: str, target: str | None = None
                      ) -> dict[str, dict[str, Any]]:
    """Return {target: translated texts} of a version's current translations into `locale`."""
    query = select(ContentTranslation.target, ContentTranslation.fields).where(
        ContentTranslation.course_version_id == version_id, ContentTranslation.locale == locale,
        ContentTranslation.fields.is_not(None))
    if target is not None:
        query = query.where(ContentTranslation.target == target)
    return dict(db.session.execute(query).all())


def course_in(version: CourseVersion, locale: str | None) -> tuple[Any, set[str]]:
    """Return the version (modules and lessons loaded) as shown in `locale`, and the targets
    ("course", "module:<slug>", "lesson:<module>/<slug>") left in the source language."""
    if is_source(locale):
        return version, set()
    return shown_course(version, translated_fields(version.id, locale))


def quiz_version_in(version: Any, locale: str | None) -> Any:
    """Return a quiz version whose title and data's title and description are in `locale`
    where the quiz has a current translation of them."""
    data = shown_quiz(version.data, locale)
    return version if data is version.data else Shown(version, title=data["title"], data=data)


def catalogue_in(versions: list[CourseVersion], locale: str | None) -> list[Any]:
    """Return course versions with their titles and summaries in `locale` where current
    translations have them (one query for the whole list)."""
    if is_source(locale) or not versions:
        return versions
    rows = db.session.execute(select(ContentTranslation.course_version_id,
                                     ContentTranslation.fields).where(
        ContentTranslation.course_version_id.in_([v.id for v in versions]),
        ContentTranslation.locale == locale, ContentTranslation.target == "course",
        ContentTranslation.fields.is_not(None))).all()
    fields = dict(rows)
    return [Shown(v, title=fields[v.id]["title"], summary=fields[v.id]["summary"])
            if v.id in fields else v for v in versions]


def course_title(version: CourseVersion, locale: str | None) -> str:
    """Return a course version's title in `locale` when it has a current translation."""
    if is_source(locale):
        return version.title
    fields = translated_fields(version.id, locale, "course").get("course")
    return fields["title"] if fields else version.title


def course_texts_in(version: CourseVersion, locale: str | None) -> tuple[Any, bool]:
    """Return the version with its own texts (title, summary, skills, evaluation questions) in
    `locale` where current, without its modules; and whether they are left in the source."""
    if is_source(locale):
        return version, False
    fields = translated_fields(version.id, locale, "course").get("course")
    if fields is None:
        return version, True
    return Shown(version, title=fields["title"], summary=fields["summary"],
                 practical_skills=course_skills(version.practical_skills, fields),
                 evaluation=[{**q, "prompt": fields["evaluation"].get(q["id"], q["prompt"])}
                             for q in version.evaluation or []]), False


def untranslated(what: str, locale: str | None, missing: bool) -> Untranslated | None:
    """Return the notice for a page whose `what` is (partly) in the source language."""
    if not missing or is_source(locale):
        return None
    try:
        reader = Locale.parse(locale)
        return Untranslated(what, reader.get_display_name(locale) or locale,
                            Locale.parse(SOURCE_LOCALE).get_display_name(locale) or SOURCE_LOCALE)
    except (UnknownLocaleError, ValueError):
        return Untranslated(what, locale, SOURCE_LOCALE)


def quiz_notice(data: dict[str, Any], locale: str | None,
                questions: list[dict[str, Any]] | None = None) -> Untranslated | None:
    """Return the notice for a quiz page: none of it translated, or some of its questions."""
    if quiz_translation(data, locale) is None:
        return untranslated("quiz", locale, True)
    return untranslated("questions", locale, any(q.get("in_source") for q in questions or []))
