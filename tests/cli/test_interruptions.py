"""What the machine or the person at it can do to a running command: close the pipe it
writes to, or press Ctrl-C at a prompt. One line, never a traceback."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import run_subprocess
from tests.interrupts import sigint_as_at_a_terminal


def sample_install(tmp_path: Path) -> Path:
    (tmp_path / "config.toml").write_text('[database]\nurl = "sqlite:///var/vignettes.db"\n')
    assert run_subprocess("import", "--sample", cwd=tmp_path).code == 0
    return tmp_path


def test_a_reader_that_has_gone_away_is_not_a_traceback(tmp_path: Path) -> None:
    cwd = sample_install(tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `vignettes plan | head -0`: nobody will read a byte

    proc = subprocess.run(
        [sys.executable, "-m", "scheduler", "plan", "--months", "24"],
        cwd=cwd,
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
    )
    os.close(write_end)

    assert proc.returncode == 141
    assert proc.stderr == ""


def read_until(fd: int, text: bytes, seconds: float = 30) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while text not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 1024)
            except OSError:
                break
    return seen


def test_ctrl_c_at_a_prompt_says_interrupted_in_one_line(tmp_path: Path) -> None:
    cwd = sample_install(tmp_path)
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the terminal as its stdin and stdout
        sigint_as_at_a_terminal()
        os.chdir(cwd)
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "scheduler",
                "user",
                "add",
                "--email",
                "sam@nhs.example",
                "ada",
                "--role",
                "admin",
                "--password-stdin",
            ],
        )
    assert b"Password:" in read_until(fd, b"Password:")

    os.write(fd, b"\x03")  # Ctrl-C, delivered as SIGINT by the terminal
    rest = read_until(fd, b"interrupted")
    _, status = os.waitpid(pid, 0)
    os.close(fd)

    assert b"vignettes: interrupted" in rest and b"Traceback" not in rest
    assert os.waitstatus_to_exitcode(status) == 130


def test_the_console_refuses_a_port_that_cannot_exist(tmp_path: Path) -> None:
    result = run_subprocess("web", "--port", "99999", cwd=sample_install(tmp_path))
    assert result.code == 2
    assert "99999 is not a port number (1-65535)" in result.err
