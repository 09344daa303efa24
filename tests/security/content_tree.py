"""Writable copies of the fixture course, with quizzes and lessons swapped for test ones."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import CONTENT


def copy_content(target: Path) -> Path:
    """Copy the fixture lessons and quizzes under `target`; return the copy's root."""
    shutil.copytree(CONTENT, target / "content")
    return target / "content"


def write_quiz(root: Path, quiz: dict) -> None:
    """Replace (or add) a quiz file in a copied tree."""
    (root / "quizzes" / f"{quiz['slug']}.yaml").write_text(yaml.safe_dump(quiz, sort_keys=False))


def sync(root: Path):
    """Load a copied tree into the database; fail loudly if a file has a problem."""
    from tpcourse.services.authoring.content_sync import sync_from_folders

    return sync_from_folders(root / "lessons", root / "quizzes")
