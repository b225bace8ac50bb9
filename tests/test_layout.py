"""Dependency direction: the matcher stays pure, the models know nothing of the web."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(package: str) -> set[str]:
    found: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("matcher", {"techmatch", "models", "fastapi", "sqlmodel", "sqlalchemy", "starlette"}),
        ("models", {"techmatch", "fastapi", "starlette"}),
    ],
)
def test_import_direction(package: str, forbidden: set[str]) -> None:
    assert not _imports(package) & forbidden
