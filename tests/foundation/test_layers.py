"""The packages are ours, and imports point one way: vignettes ← cards ← scheduler."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FORBIDDEN = {"vignettes": {"cards", "scheduler"}, "cards": {"scheduler"}}


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
