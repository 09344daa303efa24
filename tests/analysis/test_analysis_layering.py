"""tpcourse.analysis stays pure: standard library, numpy, itself and the `N_` marker only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import tpcourse.analysis

PACKAGE = Path(tpcourse.analysis.__file__).parent


def imported_roots(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_imports_only_stdlib_numpy_and_itself():
    for path in PACKAGE.glob("*.py"):
        for name in imported_roots(path):
            root = name.split(".")[0]
            allowed = (
                root in sys.stdlib_module_names
                or root == "numpy"
                or name == "tpcourse.analysis"
                or name.startswith("tpcourse.analysis.")
                or name == "tpcourse.i18n_markers"  # N_: a no-op marking sentences to translate
            )
            assert allowed, f"{path.name} imports {name}"
