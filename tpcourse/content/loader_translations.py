"""Read the translation files beside loaded content; check them; warn of missing and stale.

Called by `loader.load_content` once the sources are loaded: a translation is checked
against the parsed source it translates.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .bodymap import read_zones
from .model import Problem
from .translation_set import (
    course_translation_files,
    locale_summaries,
    quiz_translation_file,
    state_warning,
    stored_quiz_translation,
    translation_states,
    zones_translation_file,
)
from .translations import split_translation_name, translation_name

if TYPE_CHECKING:
    from .loader import ContentSet

ASSETS = "assets"


def _shown(path: Path) -> str:
    from .loader import display_path  # the loader imports this module

    return display_path(path)


def translation_texts(folder: Path) -> dict[str, str]:
    """Return {path inside the course folder: text} of the course's translation files."""
    found = {}
    for place in [folder, *sorted(p for p in folder.iterdir() if (p / "module.yaml").is_file())]:
        for path in sorted(place.iterdir()):
            if path.is_file() and split_translation_name(path.name):
                relative = path.relative_to(folder).as_posix()
                try:
                    found[relative] = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    found[relative] = ""  # reported as a file with nothing in it
    return found


def read_translations(content: ContentSet, lessons_dir: Path, quizzes_dir: Path,
                      locales: tuple[str, ...]) -> None:
    """Check every translation; keep quiz translations on the quiz; warn per locale."""
    sources: list[tuple[str, str]] = []

    def report_for(path: str):
        def report(line: int, message: str, warning: bool = False) -> None:
            (content.warnings if warning else content.problems).append(
                Problem(path, line, message, warning))
        return report

    for course in content.courses:
        content.translations += course_translation_files(course, report_for)
        sources.append(("course", f"{course.path}/course.yaml"))
        for module in course.modules:
            sources.append((f"module:{module.slug}", f"{module.path}/module.yaml"))
            sources += [(f"lesson:{module.slug}/{lesson.slug}", lesson.path)
                        for lesson in module.lessons]
    _quiz_translations(content, quizzes_dir, report_for, sources)
    _zone_translations(content, lessons_dir / ASSETS, report_for, sources)
    found = sorted({t.locale for t in content.translations})
    content.translation_states = translation_states(
        sources, content.translations, list(dict.fromkeys([*locales, *found])))
    content.warnings += [w for w in map(state_warning, content.translation_states) if w]


def _quiz_translations(content: ContentSet, quizzes_dir: Path, report_for,
                       sources: list[tuple[str, str]]) -> None:
    for quiz in content.quizzes.values():
        sources.append((f"quiz:{quiz.slug}", quiz.path))
    files = sorted(quizzes_dir.glob("*.yaml")) if quizzes_dir.is_dir() else []
    for path in files:
        named = split_translation_name(path.name)
        if not named:
            continue
        shown, slug = _shown(path), named[0].removesuffix(".yaml")
        quiz = content.quizzes.get(slug)
        if quiz is None:
            if slug not in content.unreadable_quizzes:
                report_for(shown)(1, f"translates quiz '{slug}', which is not in "
                                     f"{_shown(quizzes_dir)}")
            continue
        translation = quiz_translation_file(quiz.data, named[1], path.read_text(
            encoding="utf-8"), shown, quiz.path, report_for(shown))
        if translation is not None:
            content.translations.append(translation)
            quiz.data.setdefault("translations", {})[named[1]] = \
                stored_quiz_translation(translation)


def _zone_translations(content: ContentSet, assets: Path, report_for,
                       sources: list[tuple[str, str]]) -> None:
    if not assets.is_dir():
        return
    for zones_file in sorted(assets.glob("*.zones.yaml")):
        sources.append((f"zones:{zones_file.name.removesuffix('.zones.yaml')}",
                        _shown(zones_file)))
    for path in sorted(assets.glob("*.zones.*.yaml")):
        named = split_translation_name(path.name)
        if not named:
            continue
        source = assets / named[0]
        shown = _shown(path)
        if not source.is_file():
            report_for(shown)(1, f"translates {named[0]}, which is not in {_shown(assets)}")
            continue
        names = [zone.name for zone in read_zones(source, lambda line, message: None)]
        translation = zones_translation_file(path, names, shown, _shown(source),
                                             report_for(shown))
        if translation is not None:
            content.translations.append(translation)


def zone_names(assets: Path, drawing: str, locale: str) -> dict[str, str]:
    """Return {zone name: its name in `locale`} for a drawing whose zone names have a
    current translation, else {} (the source names are shown)."""
    source = assets / f"{Path(drawing).stem}.zones.yaml"
    path = source.with_name(translation_name(source.name, locale))
    if not path.is_file() or not source.is_file():
        return {}
    ignore = lambda *found: None  # noqa: E731 - `content check` reports them
    names = [zone.name for zone in read_zones(source, ignore)]
    translation = zones_translation_file(path, names, path.name, source.name, ignore)
    return (translation.current() or {}).get("names", {}) if translation else {}


def translation_summaries(content: ContentSet) -> list[str]:
    """Return one line per locale saying how many translations are current."""
    return locale_summaries(content.translation_states)

