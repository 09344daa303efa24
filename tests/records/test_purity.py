"""tpcourse.records is pure: no Flask, no database, no other tpcourse package (but the
translation marker, tpcourse/i18n_markers.py, itself pure and made for the pure packages)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import tpcourse.records

PACKAGE = Path(tpcourse.records.__file__).parent
FORBIDDEN_ROOTS = {"flask", "flask_sqlalchemy", "flask_login", "flask_wtf", "sqlalchemy",
                   "alembic", "werkzeug", "psycopg", "redis"}  # fmt: skip
MARKERS = "tpcourse.i18n_markers"


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_modules_import_no_framework_or_other_tpcourse_package():
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in imported_modules(path):
            root = name.split(".")[0]
            outside = (root == "tpcourse" and not name.startswith("tpcourse.records")
                       and name != MARKERS)
            if root in FORBIDDEN_ROOTS or root.startswith("flask_") or outside:
                offences.append(f"{path.name} imports {name}")
    assert offences == []


def test_importing_every_format_loads_no_framework():
    """Whatever the tpcourse package root loads, the record modules add no framework."""
    modules = ["audit_chain", "badges", "csv_export", "json_export", "signing", "xapi"]
    code = (
        "import sys\n"
        "import tpcourse\n"
        "before = set(sys.modules)\n"
        + "".join(f"import tpcourse.records.{name}\n" for name in modules)
        + "added = set(sys.modules) - before\n"
        + "print(sorted(m for m in added if m.split('.')[0] in "
        + f"{sorted(FORBIDDEN_ROOTS)!r} or m.startswith('tpcourse.') "
        + f"and not m.startswith('tpcourse.records') and m != {MARKERS!r}))"
    )
    root = PACKAGE.parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
