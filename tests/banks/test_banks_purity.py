"""The banks package stays pure: plain Python plus defusedxml, no app, no database."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import tpcourse.banks

PACKAGE = Path(tpcourse.banks.__file__).parent
ALLOWED_THIRD_PARTY = {"defusedxml"}
FORBIDDEN = {"flask", "sqlalchemy", "flask_sqlalchemy", "flask_login", "werkzeug", "yaml"}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Return (level, module) for each import; level > 0 for relative imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(0, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
    return found


def test_banks_import_nothing_from_the_app_or_the_database():
    paths = sorted(PACKAGE.rglob("*.py"))
    assert PACKAGE / "qti" / "canvas.py" in paths  # the subpackages are checked too
    for path in paths:
        depth = len(path.relative_to(PACKAGE).parts)  # 1 for banks/x.py, 2 for banks/qti/x.py
        for level, module in _imports(path):
            top = module.split(".")[0]
            assert level <= depth, f"{path.name} reaches outside tpcourse.banks: {module}"
            if level == 0:
                assert top not in FORBIDDEN, f"{path.name} imports {module}"
                assert top != "tpcourse", f"{path.name} imports {module}; use relative imports"
                assert top in ALLOWED_THIRD_PARTY or _is_stdlib(top), (
                    f"{path.name} imports {module}, which is not stdlib or defusedxml")


def _is_stdlib(name: str) -> bool:
    return name in sys.stdlib_module_names or name == "__future__"
