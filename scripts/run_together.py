"""`make run`: the daemon and the web console side by side, in the foreground.

Creates the first admin with a one-time password when there is no account yet (printed
here once, never logged; it must be changed at the first sign-in), starts `vignettes run`
and `vignettes web` as child processes, prints the console's address once it answers, and
on Ctrl-C (or SIGTERM) asks both to stop and waits for them, so nothing is left running.
When either one exits on its own, the other is stopped too. A Ctrl-C while the daemon is
still starting waits for it to be ready (it says so over systemd's notify protocol, to a
socket of ours), so it always stops through its own clean shutdown.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from scheduler.config import load_config
from scheduler.errors import SchedulerError
from scheduler.operations.accounts.users import first_admin, list_users
from scheduler.operations.actor import Actor
from scheduler.operations.context import Workspace
from vignettes.errors import VignettesError

STOP_WAIT = 95  # longer than the daemon's own stop timeout (deploy: TimeoutStopSec=90)
START_WAIT = 60


def _first_sign_in(config_path: Path) -> str:
    """How to sign in: the first admin's one-time password on a new installation, else
    who the admins are and how to reset a forgotten password."""
    ws = Workspace(config_path)
    actor = Actor("make run", "cli")
    try:
        password = first_admin(ws, actor)
        admins = [u.name for u in list_users(ws, actor) if u.role == "admin" and not u.disabled]
    finally:
        ws.close()
    if password is not None:
        return (
            f"First sign-in: username admin, one-time password {password}\n"
            "  (shown only now; you will be asked to choose your own password)."
        )
    who = f" ({', '.join(admins)})" if admins else ""
    return (
        f"An admin account exists already{who}: sign in with your console account.\n"
        "  Forgotten password? An admin resets it under Users, or on this machine:\n"
        f"  .venv/bin/vignettes --config {config_path} user reset-password NAME "
        "--password-stdin"
    )


def _wait_until_up(url: str, children: list[subprocess.Popen[bytes]]) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2) as answer:
                if answer.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    return False


def _said_ready(notify: socket.socket) -> bool:
    try:
        while True:
            if b"READY=1" in notify.recv(4096):
                return True
    except BlockingIOError:
        return False


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_WAIT
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--config", type=Path, default=Path("config.toml"))
    args = parser.parse_args(argv)
    try:
        web = load_config(args.config).web
        hint = _first_sign_in(args.config)
    except (SchedulerError, VignettesError) as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)
    vignettes = [sys.executable, "-m", "scheduler", "--config", str(args.config)]
    stopping: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    with tempfile.TemporaryDirectory(prefix="vignettes-run-") as folder:
        ready = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        ready.bind(str(Path(folder) / "notify"))
        ready.setblocking(False)
        daemon_env = {**os.environ, "NOTIFY_SOCKET": str(Path(folder) / "notify")}
        # Their own sessions: the terminal's Ctrl-C reaches only this supervisor, which then
        # stops each child exactly once (a second signal would make the daemon hurry).
        children = [
            subprocess.Popen([*vignettes, "run"], start_new_session=True, env=daemon_env),
            # Its own "Console: …" line would repeat the one printed below, with no hint.
            subprocess.Popen(
                [*vignettes, "web"], start_new_session=True, stdout=subprocess.DEVNULL
            ),
        ]
        host = f"[{web.host}]" if ":" in web.host else web.host
        url = f"http://{host}:{web.port}/"
        if _wait_until_up(url, children):
            print(f"\nConsole: {url}\n{hint}\nCtrl-C stops the daemon and the console.\n")
            sys.stdout.flush()
        started, daemon_ready = time.monotonic(), False
        while all(child.poll() is None for child in children):
            daemon_ready = daemon_ready or _said_ready(ready)
            if stopping and (daemon_ready or time.monotonic() - started > START_WAIT):
                break
            time.sleep(0.1)
        _stop(children)
        ready.close()
    codes = [child.returncode for child in children]
    if stopping:
        print("make run: the daemon and the console have stopped.", flush=True)
        # -SIGTERM: stopped before it had set up its own handler (Ctrl-C right at start).
        return 0 if all(code in (0, -signal.SIGTERM) for code in codes) else 1
    return next((code for code in codes if code), 0)


if __name__ == "__main__":
    sys.exit(main())
