"""A course edited in the browser as files: check it as `content check` does, export it.

The draft (a course dict) and the quizzes it uses are written as the files of
CONTENT_FORMAT.md into a temporary folder beside a link to the site's `lessons/assets/`, and
loaded with `content.loader.load_content` — the same code, messages and all, that checks and
syncs files — so the browser and git can never disagree about what is valid.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ...content.course_files import course_files, setting_at, used_quizzes
from ...content.loader import ASSETS, ContentSet, load_content
from ...content.markdown import image_references
from ...extensions import db
from ...models import Quiz, QuizVersion
from .quizzes import assets_dir


@dataclass
class CourseCheck:
    """What `content check` says about a course dict, sorted by where it belongs.

    `at` maps a place to its messages: a setting ("ce_hours", "ce_approval.provider_name"),
    "modules" (course.yaml's module list), "module:<slug>", "lesson:<module>/<lesson>",
    "quiz:<slug>", or "course" for anything else.
    """

    content: ContentSet
    at: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the course would pass `content check` (and so could be published)."""
        return self.content.ok

    def under(self, *places: str) -> dict[str, list[str]]:
        """Return the messages at the given places or below them ('module:x' has 'module:x')."""
        return {key: messages for key, messages in self.at.items()
                if any(key == p or key.startswith(p + ".") for p in places)}


def published_quizzes(slugs: list[str]) -> dict[str, dict[str, Any]]:
    """Return the current version's data of each named quiz that has been published."""
    if not slugs:
        return {}
    rows = db.session.execute(
        select(Quiz.slug, QuizVersion.data).join(QuizVersion, QuizVersion.quiz_id == Quiz.id)
        .where(Quiz.slug.in_(slugs), QuizVersion.version == Quiz.current_version)).all()
    return {slug: data for slug, data in rows}


def write_course(course: dict[str, Any], root: Path, with_assets: str = "link") -> dict[str, str]:
    """Write the course's files (and its quizzes) under `root`; return them.

    `with_assets` is "link" (a link to the site's assets folder, for checking) or "copy"
    (copies of the images the course uses, for an export that stands alone).
    """
    files = course_files(course, published_quizzes(used_quizzes(course)))
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "quizzes").mkdir(exist_ok=True)
    target = root / "lessons" / ASSETS
    source = assets_dir()
    if with_assets == "link" and source.is_dir():
        target.symlink_to(source.resolve(), target_is_directory=True)
    elif with_assets == "copy":
        target.mkdir(parents=True, exist_ok=True)
        for name in used_assets(files):
            zones = Path(name).stem + ".zones"
            for extra in (name, f"{zones}.yaml", *(p.name for p in source.glob(f"{zones}.*.yaml"))):
                if (source / extra).is_file():
                    (target / extra).write_bytes((source / extra).read_bytes())
    return files


_IMAGE_KEY = re.compile(r"^\s*image:\s*['\"]?([^'\"\s]+)", re.M)


def used_assets(files: dict[str, str]) -> list[str]:
    """Return the asset names the lessons and hotspot questions of the files refer to."""
    names = set()
    for path, text in files.items():
        if path.endswith(".md"):
            names |= {ref[len(ASSETS) + 1:] for _line, ref in image_references(text)
                      if ref.startswith(ASSETS + "/")}
        elif path.startswith("quizzes/"):
            names |= set(_IMAGE_KEY.findall(text))
    return sorted(n for n in names if "/" not in n and not n.startswith("."))


def check_course(course: dict[str, Any]) -> CourseCheck:
    """Check a course dict with `content check`'s loader; sort the problems by place."""
    with tempfile.TemporaryDirectory(prefix="tpcourse-course-") as folder:
        root = Path(folder)
        files = write_course(course, root)
        content = load_content(root / "lessons", root / "quizzes")
        check = CourseCheck(content)
        for problem in content.problems:
            relative = os.path.relpath(os.path.abspath(problem.path), root.resolve())
            place = _place(relative, problem.line, files)
            check.at.setdefault(place, []).append(problem.message)
    return check


def _place(relative: str, line: int, files: dict[str, str]) -> str:
    parts = Path(relative).parts
    if parts[:2] == ("lessons", ASSETS):
        return "course"
    if parts[:1] == ("quizzes",):
        return f"quiz:{Path(relative).stem}"
    if len(parts) == 3 and parts[2] == "course.yaml":
        return setting_at(files.get(relative, ""), line) or "course"
    if len(parts) == 4 and parts[3] == "module.yaml":
        return f"module:{parts[2]}"
    if len(parts) == 4 and parts[3].endswith(".md"):
        return f"lesson:{parts[2]}/{Path(parts[3]).stem}"
    if len(parts) == 3:
        return f"module:{parts[2]}"
    return "course"


def export_zip(course: dict[str, Any]) -> bytes:
    """Return the course as a zip of `lessons/` and `quizzes/` with the images it uses."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="tpcourse-export-") as folder:
        root = Path(folder)
        write_course(course, root, with_assets="copy")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                archive.write(path, path.relative_to(root).as_posix())
    return buffer.getvalue()
