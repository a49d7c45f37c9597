"""Run the `vignettes` command in-process (fast) or as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from scheduler.cli.main import FAKE_NOW_ENV, main
from tests.conftest import NOW


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[database]\nurl = "sqlite:///var/vignettes.db"\n')
    return path


@pytest.fixture
def vignettes(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Any:
    monkeypatch.setenv(FAKE_NOW_ENV, NOW.isoformat())

    def run(*args: str) -> Result:
        code = main(["--config", str(config_path), *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_subprocess(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    proc = subprocess.run(
        [sys.executable, "-m", "scheduler", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
