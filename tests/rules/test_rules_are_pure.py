"""app/rules imports nothing from Flask, FAB, babel or the database (DESIGN.md section 3)."""

import ast
from pathlib import Path

FORBIDDEN = (
    "flask",
    "flask_appbuilder",
    "flask_babel",
    "flask_sqlalchemy",
    "sqlalchemy",
    "app.models",
    "app.extensions",
    "app.services",
    "app.views",
    "app.security",
)
RULES = Path(__file__).resolve().parents[2] / "app" / "rules"


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_rules_package_imports_no_web_or_database_layer():
    offenders = {
        f"{path.name}: {name}"
        for path in RULES.rglob("*.py")
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert offenders == set()
    assert list(RULES.rglob("*.py")), "the rules package is where the rules live"
