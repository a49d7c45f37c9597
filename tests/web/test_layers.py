"""The console is an interface: it calls the operations layer and never reaches past it
to the store, the ORM or a platform (so the CLI and the console cannot disagree)."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "scheduler" / "web"
BEYOND = (
    "vignettes.store.queries",
    "vignettes.store.models",
    "vignettes.store.accounts",
    "sqlalchemy",
    "scheduler.platforms",
)


def test_no_console_module_imports_the_store_the_orm_or_a_platform() -> None:
    offenders = []
    for path in sorted(WEB.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(WEB)}: {name}"
                for name in names
                if any(name == b or name.startswith(b + ".") for b in BEYOND)
            ]
    assert offenders == []
