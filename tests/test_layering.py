"""The import arrows point one way: pure packages never import Flask, the DB or the web."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tpcourse"
PURE = ("content", "grading", "records", "banks", "analysis")
FORBIDDEN_IN_PURE = ("flask", "flask_sqlalchemy", "flask_login", "sqlalchemy", "tpcourse.models",
                     "tpcourse.services", "tpcourse.web", "tpcourse.extensions")


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join([*base, node.module] if node.module else base))
            else:
                found.add(node.module or "")
    return found


def modules(*parts: str):
    for part in parts:
        yield from (PACKAGE / part).rglob("*.py")


def test_pure_packages_import_no_flask_or_database():
    for path in modules(*PURE):
        bad = {m for m in imports(path) if m.startswith(FORBIDDEN_IN_PURE)}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_services_do_not_import_the_web_layer():
    for path in modules("services", "models"):
        bad = {m for m in imports(path) if m.startswith(("tpcourse.web", "tpcourse.cli"))}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_blueprints_do_not_import_each_other():
    blueprints = {p.stem for p in (PACKAGE / "web").glob("*.py")} - {"__init__", "helpers",
                                                                      "errors", "quiz_views"}
    for path in modules("web"):
        bad = {m for m in imports(path) if m.startswith("tpcourse.web.")
               and m.rsplit(".", 1)[-1] in blueprints and m.rsplit(".", 1)[-1] != path.stem}
        assert not bad, f"{path.relative_to(PACKAGE)} imports blueprints {sorted(bad)}"
