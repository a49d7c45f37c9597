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
from scheduler.config import load_config
from tests.conftest import NOW, escalate
from tests.faults import run as run_command
from tests.faults import unprivileged
from vignettes.importing.files import SAMPLE_FILE, import_file
from vignettes.store.queries import Store


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


VIGNETTES = str(Path(sys.executable).with_name("vignettes"))
APPROVE = ("approve", "ICS-2026-005", "--by", "Dr Reviewer")


def get_status(store: Store, ref: str) -> str:
    from vignettes.store.queries import get_case_study

    with store.read() as session:
        return get_case_study(session, ref).status


class Install:
    """A config.toml and a SQLite database holding the sample case studies."""

    def __init__(self, root: Path, database: Path) -> None:
        self.root = root
        self.database = database
        self.config = root / "config.toml"
        self.config.write_text(
            f'[database]\nurl = "sqlite:///{database}"\nbusy_timeout = "1s"\n'
            '[daemon]\nvar_dir = "var"\n'
        )

    def seed(self) -> Install:
        store = Store.open(f"sqlite:///{self.database}")
        schedule = load_config(self.config).schedule
        import_file(store, SAMPLE_FILE, now=NOW, actor="test", schedule=schedule)
        if get_status(store, APPROVE[1]) == "submitted":
            escalate(store, APPROVE[1])  # so that APPROVE meets only the fault under test
        store.close()
        return self

    def command(self, *args: str) -> list[str]:
        return [VIGNETTES, "--config", str(self.config), *args]

    def cli(self, *args: str, as_service_user: bool = False, stdin: str = "") -> Result:
        command = self.command(*args)
        done = run_command(
            unprivileged(command) if as_service_user else command,
            cwd=self.root,
            env=fault_env(),
            input=stdin,
        )
        return Result(done.returncode, done.stdout, done.stderr)


def fault_env() -> dict[str, str]:
    """The environment without the developer's VIGNETTES_ settings, as of NOW."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIGNETTES_")}
    return env | {"VIGNETTES_FAKE_NOW": NOW.isoformat()}


def message(result: Result) -> str:
    """The one line the command printed about the fault (after the fake-clock note)."""
    lines = [ln for ln in result.err.splitlines() if not ln.startswith("note: ")]
    assert "Traceback" not in result.err, result.err
    assert len(lines) == 1, result.err
    return lines[0]


@pytest.fixture
def install(tmp_path: Path) -> Install:
    """An installation on SQLite with the sample case studies, for database faults."""
    return Install(tmp_path, tmp_path / "var" / "vignettes.db").seed()
