"""Shared by the tests of the Spanish interface."""

from __future__ import annotations

import pytest

from tests.conftest import CONTENT


@pytest.fixture(scope="session")
def course_text() -> str:
    """Every text of the fixture course's files: content, not the interface."""
    return "\n".join(path.read_text(encoding="utf-8")
                     for path in sorted(CONTENT.rglob("*")) if path.suffix in (".md", ".yaml"))
