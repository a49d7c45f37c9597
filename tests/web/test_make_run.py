"""`make run`'s last step: the daemon and the console start together, the console's
address and a one-time first sign-in are printed, and Ctrl-C stops both cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.interrupts import sigint_as_at_a_terminal

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def processes_using(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            try:
                if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_the_daemon_and_the_console_run_together_and_stop_on_ctrl_c(tmp_path: Path) -> None:
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text(f'[daemon]\ntick = "10s"\n[web]\nport = {port}\n')
    supervisor = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "run_together.py"), "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
        preexec_fn=sigint_as_at_a_terminal,
    )  # fmt: skip
    assert supervisor.stdout is not None
    lines = [supervisor.stdout.readline() for _ in range(3)]
    assert lines[:2] == ["\n", f"Console: http://127.0.0.1:{port}/\n"]
    assert lines[2].startswith("First sign-in: username admin, one-time password ")
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as health:
        assert health.status == 200
    assert len(processes_using(str(config))) == 3  # this supervisor, the daemon, the console
    supervisor.send_signal(signal.SIGINT)
    out, err = supervisor.communicate(timeout=60)
    assert supervisor.returncode == 0
    assert "the daemon and the console have stopped" in out
    assert "Traceback" not in err and lines[2].split()[-1] not in err
    time.sleep(0.5)
    assert processes_using(str(config)) == []
