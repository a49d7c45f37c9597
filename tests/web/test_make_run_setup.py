"""`make run` installs what it needs itself (the Debian packages the cards and npm need,
never the test tools), and a second `make run` says that an admin exists and how to reset
a forgotten password."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def run_together() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_together", REPO / "scripts/run_together.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_second_make_run_names_the_admins_and_how_to_reset_a_password(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "v.db"}"\n')
    first_sign_in = run_together()._first_sign_in

    first = first_sign_in(config)
    second = first_sign_in(config)

    assert first.startswith("First sign-in: username admin, one-time password ")
    assert second.startswith("An admin account exists already (admin)")
    assert f"vignettes --config {config} user reset-password NAME --password-stdin" in second
    assert "one-time password" not in second


def wanted(tmp_path: Path, *options: str) -> list[str]:
    """The packages system-deps.sh would install on a machine without npm, Chromium,
    Tesseract or systemd-analyze (a PATH holding only the tools the script itself runs)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("ls", "grep", "ldconfig"):
        found = shutil.which(tool) or shutil.which(tool, path="/usr/sbin:/sbin")
        assert found, tool
        if not (bin_dir / tool).exists():
            (bin_dir / tool).symlink_to(found)
    script = REPO / "scripts" / "system-deps.sh"
    done = subprocess.run(
        [shutil.which("bash") or "/bin/bash", str(script), *options, "--list"],
        env={**os.environ, "PATH": str(bin_dir)},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_make_run_installs_what_it_needs_and_not_the_test_tools(tmp_path: Path) -> None:
    for_run = wanted(tmp_path, "--run")
    for_tests = wanted(tmp_path)
    assert "npm" in for_run
    assert not {"chromium", "tesseract-ocr", "systemd"} & set(for_run)
    assert {"npm", "chromium", "tesseract-ocr", "systemd"} <= set(for_tests)
    # Run as from a shell even when the suite itself runs under `make test`, whose
    # MAKELEVEL would make this make say which directory it enters.
    outer = {"MAKEFLAGS", "MAKELEVEL", "MFLAGS", "MAKEOVERRIDES"}
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],
        cwd=REPO,
        env={k: v for k, v in os.environ.items() if k not in outer},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert dry_run.splitlines()[0] == "bash scripts/system-deps.sh --run"
