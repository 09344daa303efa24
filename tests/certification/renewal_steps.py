"""Variants of the fixture course 'basics' with a renewal path, synced as a new version."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import CONTENT


def sync_basics_with(tmp_path: Path, settings: str, renewal_quiz: bool = False) -> None:
    """Copy the fixture content, append `settings` (YAML lines) to basics' course.yaml, add a
    renewal quiz 'basics-renewal' (the safety quiz, two attempts) if asked, and sync it."""
    from tpcourse.services.authoring.content_sync import sync_from_folders

    root = tmp_path / "renewal-content"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(CONTENT, root)
    course = root / "lessons" / "basics" / "course.yaml"
    course.write_text(course.read_text() + settings.strip() + "\n")
    if renewal_quiz:
        quiz = (root / "quizzes" / "safety-quiz.yaml").read_text()
        (root / "quizzes" / "basics-renewal.yaml").write_text(
            quiz.replace("slug: safety-quiz", "slug: basics-renewal")
            .replace("title: Safety quiz", "title: Basics renewal quiz"))
    report = sync_from_folders(root / "lessons", root / "quizzes")
    assert any(line.startswith("course basics") for line in report.created), report
