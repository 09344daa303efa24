"""The import arrows point one way (docs/architecture.md, "Layers and what may import what").

pure rules and formats → permissions → models/database → services/integrations → web, cli
Every package of tpcourse belongs to exactly one layer, so a new package must be placed here
before its imports are checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tpcourse"

LAYERS = {
    "pure": ("content", "grading", "records", "banks", "analysis"),
    "permissions": ("permissions",),
    "models": ("models", "database"),
    "services": ("services", "integrations"),
    "web": ("web",),
    "cli": ("cli",),
}
ROOT_MODULES = {"__init__", "config", "extensions", "inputs", "i18n_markers"}

DATABASE = ("flask_sqlalchemy", "sqlalchemy", "tpcourse.extensions")
FLASK = ("flask", "flask_login", "flask_wtf", "flask_babel", "werkzeug")


def packages(layer: str) -> tuple[str, ...]:
    return tuple(f"tpcourse.{name}" for name in LAYERS[layer])


def above(layer: str) -> tuple[str, ...]:
    """Packages of every layer above `layer` (which it must never import)."""
    order = list(LAYERS)
    return tuple(p for upper in order[order.index(layer) + 1:] for p in packages(upper))


FORBIDDEN = {
    "pure": (*FLASK, *DATABASE, *above("pure"), *packages("permissions")),
    "permissions": (*FLASK, *DATABASE, *above("permissions")),
    "models": above("models"),
    "services": above("services"),
    "web": packages("cli"),
    "cli": packages("web"),
}


def imports(path: Path, source: str | None = None) -> set[str]:
    """Every module `path` imports, relative imports resolved to absolute names."""
    tree = ast.parse(source if source is not None else path.read_text())
    found = set()
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # `from tpcourse.services import exams` imports the subpackage, not a name
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def layer_of(path: Path) -> str | None:
    parts = path.relative_to(PACKAGE).parts
    if len(parts) == 1:
        return None
    return next((layer for layer, names in LAYERS.items() if parts[0] in names), None)


def wrong_arrows(path: Path, source: str | None = None) -> set[str]:
    """The imports of `path` that point up or sideways across its layer's rule."""
    layer = layer_of(path)
    if layer is None:
        return set()
    forbidden = FORBIDDEN[layer]
    return {m for m in imports(path, source) if m == "tpcourse" or m.startswith(forbidden)
            and any(m == f or m.startswith(f + ".") for f in forbidden)}


def all_modules():
    return sorted(PACKAGE.rglob("*.py"))


def test_every_package_belongs_to_a_layer():
    placed = {name for names in LAYERS.values() for name in names}
    for path in all_modules():
        parts = path.relative_to(PACKAGE).parts
        if len(parts) == 1:
            assert path.stem in ROOT_MODULES, f"{path.name} sits at the package root: give it a home"
        else:
            assert parts[0] in placed, f"tpcourse/{parts[0]}/ has no layer in tests/test_layering.py"


@pytest.mark.parametrize("layer", list(LAYERS))
def test_no_arrow_points_the_wrong_way(layer):
    for path in all_modules():
        if layer_of(path) == layer:
            bad = wrong_arrows(path)
            assert not bad, f"{path.relative_to(PACKAGE)} ({layer}) imports {sorted(bad)}"


def blueprint_modules() -> dict[str, Path]:
    """Dotted name → file of every module under web/ that creates a Blueprint."""
    found = {}
    for path in (PACKAGE / "web").rglob("*.py"):
        if "Blueprint(" in path.read_text():
            rel = path.relative_to(PACKAGE.parent).with_suffix("").parts
            dotted = ".".join(rel[:-1] if rel[-1] == "__init__" else rel)
            found[dotted] = path
    return found


def test_blueprints_do_not_import_each_other():
    blueprints = blueprint_modules()
    assert len(blueprints) >= 16
    for path in (PACKAGE / "web").rglob("*.py"):
        own = {name for name, file in blueprints.items()
               if file == path or (file.name == "__init__.py" and file.parent in path.parents)}
        bad = {m for m in imports(path) if m in blueprints and m not in own}
        assert not bad, f"{path.relative_to(PACKAGE)} imports blueprints {sorted(bad)}"


def test_web_domain_folders_do_not_import_each_other():
    """A web domain folder (web/exams, web/schools, ...) uses services, not another folder."""
    for path in (PACKAGE / "web").rglob("*.py"):
        parts = path.relative_to(PACKAGE / "web").parts
        if len(parts) == 1:
            continue
        bad = {m for m in imports(path) if m.startswith("tpcourse.web.")
               and m.split(".")[2] != parts[0]
               and (PACKAGE / "web" / m.split(".")[2]).is_dir()}
        assert not bad, f"web/{'/'.join(parts)} imports another web folder: {sorted(bad)}"


@pytest.mark.parametrize(("where", "line"), [
    ("grading/attempts.py", "from ..services.exams import attempts"),
    ("content/loader.py", "from flask import current_app"),
    ("records/xapi.py", "from tpcourse.models import User"),
    ("permissions/roles.py", "from ..extensions import db"),
    ("models/user.py", "from ..services.accounts.accounts import create_user"),
    ("services/exams/attempts.py", "from ...web.helpers import now"),
    ("services/schools/cohorts.py", "from tpcourse.cli.common import now"),
    ("web/exams/quiz.py", "from ...cli import register_commands"),
    ("cli/users.py", "from ..web.accounts.auth import bp"),
    ("services/records/audit.py", "from tpcourse import services"),
])
def test_the_check_fails_on_an_arrow_pointing_the_wrong_way(where, line):
    """The checker itself: a planted upward import in each layer is reported."""
    path = PACKAGE / where
    assert path.exists(), where
    assert wrong_arrows(path, path.read_text() + "\n" + line + "\n")
