"""Load a lessons folder and a quizzes folder, validate each file and cross-check them."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..grading.draws import always_examines
from ..grading.types import ValidationContext
from .bodymap import (
    MOST_SHARED,
    Drawing,
    load_drawing,
    region_checker,
    region_findings,
    shared_regions,
)
from .ce_time import ce_hour_problems, course_time
from .clues import find_clues
from .drawings import anatomy_labels
from .lessonfile import module_lines, parse_course, parse_lesson, parse_module
from .loader_translations import read_translations, translation_summaries, translation_texts
from .markdown import image_references
from .model import CourseSpec, Problem, QuizSpec
from .quizfile import parse_quiz
from .translation_set import TranslationFile, TranslationState
from .translations import is_translation_name, split_translation_name
from .yamlsrc import YamlSyntaxError, load_yaml

ASSETS = "assets"
_TRANSLATION_KINDS = {"course.yaml": "course_file", "module.yaml": "lesson"}
_VIEWBOX = re.compile(r"<svg\b[^>]*?\sviewBox\s*=\s*[\"']([^\"']+)[\"']", re.S | re.I)


@dataclass
class ContentSet:
    """Every course and quiz found, plus every problem in them."""

    courses: list[CourseSpec] = field(default_factory=list)
    quizzes: dict[str, QuizSpec] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    unreadable_quizzes: set[str] = field(default_factory=set)
    warnings: list[Problem] = field(default_factory=list)
    translations: list[TranslationFile] = field(default_factory=list)
    translation_states: list[TranslationState] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether no file has a problem."""
        return not self.problems


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it lies below it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def svg_viewbox(path: Path) -> tuple[float, float, float, float] | None:
    """Read the viewBox of an SVG file, or None when missing or unreadable."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:20000]
    except OSError:
        return None
    match = _VIEWBOX.search(head)
    if not match:
        return None
    try:
        values = [float(v) for v in match.group(1).replace(",", " ").split()]
    except ValueError:
        return None
    return tuple(values) if len(values) == 4 and values[2] > 0 and values[3] > 0 else None


def load_content(lessons_dir: Path, quizzes_dir: Path,
                 extra_quiz_files: tuple[Path, ...] = (),
                 locales: tuple[str, ...] = ()) -> ContentSet:
    """Parse every course under `lessons_dir` and every quiz under `quizzes_dir`, and their
    translations; warn of translations missing or stale in `locales` (and any found)."""
    content = ContentSet()
    assets = lessons_dir / ASSETS
    ctx = ValidationContext(image_viewbox=lambda name: _asset_viewbox(assets, name),
                            region_errors=region_checker(assets))
    if lessons_dir.is_dir():
        for folder in sorted(p for p in lessons_dir.iterdir() if (p / "course.yaml").is_file()):
            course = _load_course(folder, assets, content.problems)
            if course:
                content.courses.append(course)
    explicit = {p.resolve() for p in extra_quiz_files}
    quiz_files = sorted(p for p in quizzes_dir.glob("*.yaml") if p.resolve() not in explicit
                        and not is_translation_name(p.name)) if quizzes_dir.is_dir() else []
    explicit_stems = {p.stem for p in extra_quiz_files}
    # A quiz file named on the command line stands in for the configured one of the same name.
    quiz_files = [p for p in quiz_files if p.stem not in explicit_stems]
    for path in [*quiz_files, *extra_quiz_files]:
        quiz = _load_quiz(path, ctx, content.problems)
        if quiz is None:
            content.unreadable_quizzes.add(path.stem)
            continue
        if quiz.slug in content.quizzes:
            content.problems.append(Problem(display_path(path), 1, f"quiz slug '{quiz.slug}' "
                                            f"is also used by {content.quizzes[quiz.slug].path}"))
            continue
        content.quizzes[quiz.slug] = quiz
    _cross_check(content)
    read_translations(content, lessons_dir, quizzes_dir, locales)
    _check_body_maps(content, assets)
    _warn_of_clues(content)
    _warn_of_guessable_must_pass(content)
    content.problems.sort()
    content.warnings.sort()
    return content


def _check_body_maps(content: ContentSet, assets: Path) -> None:
    """Check hotspot regions against their drawings, and drawings for anatomy labels."""
    drawings: dict[str, Drawing | None] = {}
    for quiz in content.quizzes.values():
        hotspots = [q for q in quiz.data["questions"] if q["type"] == "hotspot"
                    and _asset_viewbox(assets, q["image"]) is not None]
        for question in hotspots:
            name = question["image"]
            if name not in drawings:
                zones = assets / (Path(name).stem + ".zones.yaml")
                drawings[name] = load_drawing(assets / name, _reporter(zones, content.problems))
            drawing = drawings[name]
            line = quiz.question_lines.get(question["id"], {}).get("line", 1)
            for is_error, message in region_findings(question, drawing) if drawing else ():
                if not is_error:  # errors were reported by the quiz parser (region_checker)
                    content.warnings.append(Problem(quiz.path, line,
                                                    f"'{question['id']}': {message}", True))
        for index, first in enumerate(hotspots):
            for second in hotspots[index + 1:]:
                drawing = drawings.get(first["image"])
                if drawing and first["image"] == second["image"] and shared_regions(
                        first, second, drawing) > MOST_SHARED:
                    line = quiz.question_lines.get(second["id"], {}).get("line", 1)
                    content.warnings.append(Problem(quiz.path, line, (
                        f"'{second['id']}' and '{first['id']}' accept nearly the same area of "
                        f"{drawing.name}: two different patterns should be two different "
                        "regions"), warning=True))
    for name in sorted(n for n, d in drawings.items() if d is not None):
        text = (assets / name).read_text(encoding="utf-8", errors="replace")
        for line, label in anatomy_labels(text):
            content.warnings.append(Problem(display_path(assets / name), line, (
                f"{label} names anatomy a body-map question may ask for; the server strips "
                "it, but remove it from the file"), warning=True))


def guessable_must_pass(question: dict) -> str | None:
    """Say why a must-pass question could be passed by guessing, or None."""
    if not question.get("must_pass"):
        return None
    if question["type"] == "true_false":
        return "is true/false: a guess passes half the time"
    if question["type"] in ("single", "multiple") and len(question.get("options", [])) < 4:
        return f"has only {len(question['options'])} options: a guess passes too often"
    return None


def _warn_of_guessable_must_pass(content: ContentSet) -> None:
    for quiz in content.quizzes.values():
        for question in quiz.data["questions"]:
            reason = guessable_must_pass(question)
            if reason:
                line = quiz.question_lines.get(question["id"], {}).get("line", 1)
                content.warnings.append(Problem(quiz.path, line, (
                    f"must-pass question '{question['id']}' {reason}; write it as a scenario "
                    "with four or more options whose wrong answers are all unsafe"), True))


def _warn_of_clues(content: ContentSet) -> None:
    for slug, quiz in content.quizzes.items():
        for clue in find_clues(slug, quiz.data):
            line = quiz.question_lines.get(clue.answered, {}).get("line", 1)
            where = "its own prompt" if clue.giver == clue.answered else f"'{clue.giver}'"
            content.warnings.append(Problem(
                quiz.path, line, f"'{clue.answered}' may be answered by {where}: {clue.reason}. "
                f"Rewrite one of them, or keep them apart with excludes: [{clue.giver}]"
                if clue.giver != clue.answered else
                f"'{clue.answered}' may be answered by {where}: {clue.reason}. Rewrite it",
                warning=True))


def _asset_viewbox(assets: Path, name: str):
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    return svg_viewbox(assets / name)


def _reporter(path: Path, problems: list[Problem]):
    shown = display_path(path)
    return lambda line, message: problems.append(Problem(shown, line, message))


def _read_yaml(path: Path, problems: list[Problem]):
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        problems.append(Problem(display_path(path), exc.line, exc.message))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(display_path(path), 1, f"cannot read file: {exc}"))
    return None


def _load_quiz(path: Path, ctx: ValidationContext, problems: list[Problem]) -> QuizSpec | None:
    doc = _read_yaml(path, problems)
    if doc is None:
        return None
    quiz = parse_quiz(doc, path.stem, _reporter(path, problems), ctx)
    if quiz:
        quiz.path = display_path(path)
    return quiz


def _load_course(folder: Path, assets: Path, problems: list[Problem]) -> CourseSpec | None:
    course_file = folder / "course.yaml"
    doc = _read_yaml(course_file, problems)
    if doc is None:
        return None
    report = _reporter(course_file, problems)
    course = parse_course(doc, folder.name, report)
    if course is None:
        return None
    course.path = display_path(folder)
    listed = module_lines(doc)
    for module in course.modules:
        module_dir = folder / module.slug
        module.path = display_path(module_dir)
        if not (module_dir / "module.yaml").is_file():
            report(listed.get(module.slug, 1), f"module folder '{module.slug}' has no module.yaml")
            continue
        module_doc = _read_yaml(module_dir / "module.yaml", problems)
        if module_doc is not None:
            parse_module(module_doc, module, _reporter(module_dir / "module.yaml", problems))
        for lesson_file in sorted(module_dir.glob("*.md")):
            if not is_translation_name(lesson_file.name):
                _load_lesson(lesson_file, module, assets, problems)
        if not module.lessons:
            report(listed.get(module.slug, 1), f"module '{module.slug}' has no lessons (*.md)")
    for extra in sorted(p.name for p in folder.iterdir() if (p / "module.yaml").is_file()):
        if extra not in listed:
            report(doc.line_of("modules"), f"module folder '{extra}' is not listed in 'modules'")
    course.translations = translation_texts(folder)
    return course


def _load_lesson(path: Path, module, assets: Path, problems: list[Problem]) -> None:
    report = _reporter(path, problems)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        report(1, f"cannot read file: {exc}")
        return
    lesson = parse_lesson(text, path.stem, module, display_path(path), report)
    if lesson is None:
        return
    body_start = text.splitlines().index("---", 1) + 1 if "---" in text.splitlines()[1:] else 0
    for line, ref in image_references(lesson.body):
        if ref.startswith(("http://", "https://", "//")):
            report(body_start + line, f"image '{ref}' is remote: put it in lessons/assets/")
        elif not ref.startswith(f"{ASSETS}/") or not (assets / ref[len(ASSETS) + 1:]).is_file():
            report(body_start + line, f"image '{ref}' not found: use assets/<file> from "
                                      "lessons/assets/")
    module.lessons.append(lesson)


def _cross_check(content: ContentSet) -> None:
    users: dict[str, list[CourseSpec]] = {}
    for course in content.courses:
        report = partial(_report_at, content.problems, f"{course.path}/course.yaml")
        for module in course.modules:
            if module.quiz:
                users.setdefault(module.quiz, []).append(course)
                if module.quiz not in content.quizzes | dict.fromkeys(content.unreadable_quizzes):
                    _report_at(content.problems, f"{module.path}/module.yaml", module.quiz_line,
                               f"quiz '{module.quiz}' not found in quizzes/")
        for message in ce_hour_problems(course, course_time(course, content.quizzes)):
            report(course.lines.get("ce_hours", 1), message)
        if course.final_exam:
            users.setdefault(course.final_exam, []).append(course)
            if course.final_exam not in content.quizzes | dict.fromkeys(content.unreadable_quizzes):
                report(1, f"final exam quiz '{course.final_exam}' not found in quizzes/")
        course_quizzes = {m.quiz for m in course.modules if m.quiz} | {course.final_exam}
        for slug in (course.sequencing or {}).get("quiz_dates", {}):
            if slug not in course_quizzes | {(course.renewal or {}).get("quiz")}:
                report(course.lines.get("sequencing", 1),
                       f"sequencing quiz_dates names '{slug}', not a quiz of this course")
        renewal_quiz = (course.renewal or {}).get("quiz")
        if renewal_quiz:
            users.setdefault(renewal_quiz, []).append(course)
            if renewal_quiz not in content.quizzes | dict.fromkeys(content.unreadable_quizzes):
                report(course.lines.get("renewal_quiz", 1),
                       f"renewal quiz '{renewal_quiz}' not found in quizzes/")
    _check_safety_draws(content)
    everything = {code for course in content.courses for code in course.objective_codes()}
    for slug, quiz in content.quizzes.items():
        known = set().union(*(c.objective_codes() for c in users.get(slug, []))) or everything
        for question in quiz.data["questions"]:
            code = question.get("objective")
            if code and code not in known:
                line = quiz.question_lines.get(question["id"], {}).get("objective", 1)
                _report_at(content.problems, quiz.path, line, f"objective '{code}' is not "
                           "declared by any module of the course")


def _check_safety_draws(content: ContentSet) -> None:
    """Refuse a quiz whose draw can leave out a safety objective it is meant to examine.

    A module quiz examines its own module's safety objectives; the final exam all of the
    course's. "Examined" means every possible attempt holds a question on the objective.
    """
    for course in content.courses:
        duties = [(m.quiz, set(m.objectives) if m.safety else set()) for m in course.modules]
        duties.append((course.final_exam, course.safety_objectives()))
        for slug, codes in duties:
            quiz = content.quizzes.get(slug) if slug else None
            for code in sorted(codes) if quiz else ():
                if not always_examines(quiz.data, code):
                    _report_at(content.problems, quiz.path, quiz.draw_line,
                               f"safety objective {code} can be left out of an attempt: every "
                               "attempt must hold a question on it (put one in a pool drawn "
                               "whole, or draw more from its pool)")


def _report_at(problems: list[Problem], path: str, line: int, message: str) -> None:
    problems.append(Problem(path, line, message))


def check_paths(paths: list[Path], lessons_dir: Path, quizzes_dir: Path,
                locales: tuple[str, ...] = ()) -> list[Problem]:
    """Validate the given files or folders (default: the configured ones) and list problems.

    Errors come first, then warnings (`Problem.warning`), which do not make a file invalid.

    Objective codes, quiz references and images resolve against a lessons folder among the
    paths when one is given, else against the configured one.
    """
    return check_content(paths, lessons_dir, quizzes_dir, locales)[0]


def check_content(paths: list[Path], lessons_dir: Path, quizzes_dir: Path,
                  locales: tuple[str, ...] = ()) -> tuple[list[Problem], list[str]]:
    """Return check_paths' problems and one summary line per locale of the translations."""
    if not paths:
        content = load_content(lessons_dir, quizzes_dir, locales=locales)
        return content.problems + content.warnings, translation_summaries(content)
    quiz_files: list[Path] = []
    for path in paths:
        kind = _classify(path)
        if kind == "lessons":
            lessons_dir = path
        elif kind == "course":
            lessons_dir = path.parent
        elif kind == "course_file":
            lessons_dir = path.parent.parent
        elif kind in ("module", "lesson"):
            lessons_dir = (path if path.is_dir() else path.parent).parent.parent
        elif kind == "zones":
            lessons_dir = path.parent.parent
        elif kind in ("quizzes", "quiz_translation"):
            quizzes_dir = path if kind == "quizzes" else path.parent
        elif kind == "quiz":
            quiz_files.append(path)
        else:
            return [Problem(display_path(path), 1, "not found, or not a lesson/quiz file "
                                                   "or folder")], []
    content = load_content(lessons_dir, quizzes_dir, tuple(quiz_files), locales)
    wanted = [os.path.abspath(p) for p in paths]
    return [p for p in content.problems + content.warnings
            if any(os.path.abspath(p.path) == w or os.path.abspath(p.path).startswith(w + os.sep)
                   for w in wanted)], translation_summaries(content)


def _classify(path: Path) -> str:
    if path.is_dir():
        if (path / "course.yaml").is_file():
            return "course"
        if (path / "module.yaml").is_file():
            return "module"
        if (path / ASSETS).is_dir() or any((p / "course.yaml").is_file() for p in path.iterdir()
                                           if p.is_dir()):
            return "lessons"
        return "quizzes" if any(path.glob("*.yaml")) or path.name == "quizzes" else "unknown"
    if not path.is_file():
        return "unknown"
    translated = split_translation_name(path.name)
    if translated:
        return _TRANSLATION_KINDS.get(translated[0]) or (
            "lesson" if translated[0].endswith(".md") else
            "zones" if translated[0].endswith(".zones.yaml") else "quiz_translation")
    if path.name == "course.yaml":
        return "course_file"
    if path.suffix == ".md" or path.name == "module.yaml":
        return "lesson"
    return "quiz" if path.suffix in (".yaml", ".yml") else "unknown"
