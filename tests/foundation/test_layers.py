"""The packages are ours, and imports point one way: vignettes ← cards ← scheduler, and
inside scheduler, interfaces → operations → daemon → publishing/engagement → platforms →
config/credentials, with no two modules importing each other."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = {"vignettes": {"cards", "scheduler"}, "cards": {"scheduler"}}
# Each part of scheduler/ by layer, highest first; a module may import its own part and any
# lower layer. The bottom layer (config, credentials and the small shared modules) may also
# import each other.
LAYERS = {
    "cli": 5,
    "web": 5,
    "operations": 4,
    "daemon": 3,
    "publishing": 2,
    "engagement": 2,
    "platforms": 1,
    "mail": 1,
    "config": 0,
    "credentials": 0,
    "clock": 0,
    "errors": 0,
    "files": 0,
    "alerts": 0,
    "__main__": 6,
}
INTERFACES = ("cli", "web")
# The one crossing between the interfaces: `vignettes web` (the CLI) starts the console.
STARTS_THE_CONSOLE = {("scheduler.cli.console", "scheduler.web")}


def modules() -> dict[str, Path]:
    found = {}
    for package in ("scheduler", "vignettes", "cards"):
        for path in (REPO / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports_of(path: Path, known: dict[str, Path]) -> Iterator[str]:
    """Every project module `path` imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if name in known:
                yield name


def part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


@pytest.mark.parametrize("package", ["scheduler", "vignettes", "cards"])
def test_each_package_is_imported_from_this_distribution(package: str) -> None:
    # PyPI has unrelated `scheduler` and `cards` packages with the same top-level names.
    assert "impact-vignettes" in importlib.metadata.packages_distributions().get(package, [])
    module = importlib.import_module(package)
    assert Path(module.__file__ or "").resolve().is_relative_to(REPO)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_never_import_higher_ones(package: str) -> None:
    offenders = []
    for path in (REPO / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [
                f"{path.relative_to(REPO)}: {n}"
                for n in names
                if n.split(".")[0] in FORBIDDEN[package]
            ]
    assert offenders == []


def test_every_part_of_scheduler_has_a_layer() -> None:
    parts = {part(m) for m in modules() if m.startswith("scheduler.") and part(m)}
    assert parts <= set(LAYERS), sorted(parts - set(LAYERS))


def test_scheduler_imports_only_downward() -> None:
    known = modules()
    offenders = []
    for name, path in known.items():
        if not name.startswith("scheduler.") or not part(name):
            continue
        here = part(name)
        for target in imports_of(path, known):
            there = part(target) if target.startswith("scheduler.") else ""
            if not there or there == here:
                continue
            if (name, f"scheduler.{there}") in STARTS_THE_CONSOLE:
                continue
            if LAYERS[there] > LAYERS[here] or (LAYERS[there] == LAYERS[here] > 0):
                offenders.append(f"{name} ({here}) imports {target} ({there})")
    assert offenders == []


def test_interfaces_import_nothing_below_operations_but_config_errors_and_output() -> None:
    known = modules()
    allowed_parts = {"operations", "config", "errors", *INTERFACES}
    offenders = []
    for name, path in known.items():
        if not name.startswith("scheduler.") or part(name) not in INTERFACES:
            continue
        for target in imports_of(path, known):
            if target.endswith(".errors") or target.startswith(("scheduler.config",)):
                continue
            if target.startswith("scheduler.") and part(target) in allowed_parts:
                continue
            offenders.append(f"{name} imports {target}")
    assert offenders == []


def test_no_two_modules_import_each_other() -> None:
    known = modules()
    graph = {name: set(imports_of(path, known)) - {name} for name, path in known.items()}
    # A package's __init__ re-exporting its modules is not a cycle of concepts.
    graph = {n: {t for t in ts if not n.startswith(t + ".")} for n, ts in graph.items()}
    cycles = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    assert cycles == []


def test_no_folder_holds_more_than_twenty_modules_directly() -> None:
    crowded = {}
    for package in ("scheduler", "vignettes", "cards"):
        for folder in [REPO / package, *(p for p in (REPO / package).rglob("*") if p.is_dir())]:
            if "migrations" in folder.parts or "__pycache__" in folder.parts:
                continue
            count = len([p for p in folder.glob("*.py") if p.name != "__init__.py"])
            if count > 20:
                crowded[str(folder.relative_to(REPO))] = count
    assert crowded == {}


def test_accounts_and_sign_in_never_reach_into_content_or_publishing() -> None:
    # Who may sign in and what a role allows stand apart: content and publishing build on
    # them, never the other way round.
    known = modules()
    offenders = [
        f"{name} imports {target}"
        for name, path in known.items()
        if name.startswith("scheduler.operations.accounts")
        for target in imports_of(path, known)
        if target.startswith(("scheduler.operations.content", "scheduler.operations.showcase"))
    ]
    assert offenders == []
