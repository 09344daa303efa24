"""Show stored content in a reader's language where a current translation exists.

Only current translations are stored with texts (a stale one has none), so what is here is
safe to show. Ids, answers and orders stay the source's: a question is shown translated but
graded as stored; matching answers and ordering items are mapped by position. Pure.
"""

from __future__ import annotations

from typing import Any

from .translations import SOURCE_LOCALE


class Shown:
    """An object as shown to a reader: some attributes replaced, the rest its own."""

    def __init__(self, original: Any, **replaced: Any) -> None:
        self._original = original
        self.__dict__.update(replaced)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


def is_source(locale: str | None) -> bool:
    """Whether content in `locale` is the source itself (nothing to translate)."""
    return not locale or locale == SOURCE_LOCALE or locale.split("_")[0] == SOURCE_LOCALE


def shown_course(version: Any, translated: dict[str, dict[str, Any]]) -> tuple[Any, set[str]]:
    """Return a course version with the translated texts of `translated` (target -> fields),
    and the targets shown in the source language instead."""
    missing = set()
    modules = []
    for module in version.modules:
        lessons = []
        for lesson in module.lessons:
            fields = translated.get(f"lesson:{module.slug}/{lesson.slug}")
            if fields is None:
                missing.add(f"lesson:{module.slug}/{lesson.slug}")
                lessons.append(lesson)
            else:
                lessons.append(Shown(lesson, title=fields["title"], html=fields["html"]))
        fields = translated.get(f"module:{module.slug}")
        if fields is None:
            missing.add(f"module:{module.slug}")
            fields = {"title": module.title, "objectives": {}}
        modules.append(Shown(module, title=fields["title"], lessons=lessons, objectives={
            **module.objectives, **fields["objectives"]}))
    fields = translated.get("course")
    if fields is None:
        missing.add("course")
        return Shown(version, modules=modules), missing
    return Shown(version, modules=modules, title=fields["title"], summary=fields["summary"],
                 practical_skills=course_skills(version.practical_skills, fields),
                 evaluation=[{**q, "prompt": fields["evaluation"].get(q["id"], q["prompt"])}
                             for q in version.evaluation or []]), missing


def course_skills(skills: list[dict[str, Any]], fields: dict[str, Any]) -> list[dict[str, Any]]:
    """Translate the skills' texts and their rubrics' criteria and levels."""
    shown = []
    for skill in skills or []:
        item = {**skill, "text": fields["practical_skills"].get(skill["key"], skill["text"])}
        rubric = fields.get("skill_rubrics", {}).get(skill["key"], {})
        if skill.get("rubric"):
            item["rubric"] = [{**c, **rubric.get(c["id"], {})} for c in skill["rubric"]]
        shown.append(item)
    return shown


def quiz_translation(data: dict[str, Any], locale: str | None) -> dict[str, Any] | None:
    """Return a quiz's stored translation into `locale`, or None."""
    if is_source(locale):
        return None
    return (data.get("translations") or {}).get(locale)


def shown_quiz(data: dict[str, Any], locale: str | None) -> dict[str, Any]:
    """Return a quiz's data with its title and description in `locale` when translated."""
    translation = quiz_translation(data, locale)
    if not translation or "title" not in translation:
        return data
    return {**data, "title": translation["title"],
            "description": translation.get("description", data.get("description", ""))}


def shown_question(question: dict[str, Any], translation: dict[str, Any] | None
                   ) -> dict[str, Any]:
    """Return a question with its texts translated (`translation`: the quiz's stored one)."""
    fields = (translation or {}).get("questions", {}).get(question["id"])
    if fields is None:
        return question
    shown = {**question, **{k: v for k, v in fields.items() if k != "options"}}
    if "options" in question:
        shown["options"] = [{**o, **fields.get("options", {}).get(o["id"], {})}
                            for o in question["options"]]
    return shown


def translated_texts(question: dict[str, Any], shown: dict[str, Any]) -> dict[str, str]:
    """Map each matching answer and ordering item of the source to its translation."""
    mapping: dict[str, str] = {}
    if question["type"] == "matching" and shown is not question:
        for (_left, right), (_tleft, tright) in zip(question["pairs"], shown["pairs"],
                                                    strict=False):
            mapping.setdefault(right, tright)
        mapping.update(zip(question.get("distractors", []), shown.get("distractors", []),
                           strict=False))
    if question["type"] == "ordering" and shown is not question:
        mapping.update(zip(question["items"], shown["items"], strict=False))
    return mapping


def is_translated(question: dict[str, Any], translation: dict[str, Any] | None) -> bool:
    """Whether a question has a current translation in the stored quiz translation."""
    return question["id"] in (translation or {}).get("questions", {})
