"""The README stays short and every relative link in it and in docs/ resolves inside the
repository (`make lint` runs the same check)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def check_links() -> object:
    spec = importlib.util.spec_from_file_location(
        "check_links", REPO / "scripts" / "check_links.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_relative_link_in_the_readme_and_docs_resolves_inside_the_repo() -> None:
    assert check_links().broken_links(REPO) == []  # type: ignore[attr-defined]


def test_a_link_to_a_missing_file_or_outside_the_repo_is_reported(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "here.md").write_text("ok")
    (tmp_path / "README.md").write_text(
        "[fine](docs/here.md) [gone](docs/gone.md)\n[outside](../shared/DESIGN.md) `[code](x)`\n"
    )
    assert check_links().broken_links(tmp_path) == [  # type: ignore[attr-defined]
        "README.md:1: docs/gone.md",
        "README.md:2: ../shared/DESIGN.md",
    ]


def test_the_readme_fits_on_a_few_screens_and_starts_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) <= 12 * 1024
    commands = [line.split()[1] for line in readme.splitlines() if line.startswith("make ")]
    assert commands[:2] == ["run", "test"]
