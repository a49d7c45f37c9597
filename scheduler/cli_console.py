"""`vignettes user …` (console accounts) and `vignettes web` (serve the console).

`register(subparsers)` adds both to the `vignettes` parser. Handlers translate only: they
call the operations layer and turn results into lines or JSON; failures are the typed
errors `scheduler.cli` already maps to messages and exit codes (1 failed, 78 config).
Passwords are read from standard input (without echo at a terminal), never from the
command line, and are never printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from scheduler.errors import EXIT_OK
from scheduler.operations.permissions import ROLES

log = logging.getLogger("scheduler.web")


class HasConfigPath(Protocol):
    config_path: Path


def register(sub: Any) -> None:
    """Add `user` and `web` to the `vignettes` sub-command parsers."""
    user = sub.add_parser(
        "user",
        help="console accounts: add, list, set-role, disable, enable, reset-password",
        description="Manage the web console's accounts (roles: " + ", ".join(ROLES) + ").",
    )
    actions = user.add_subparsers(dest="user_action", metavar="ACTION", required=True)

    def action(name: str, handler: Any, text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, help=text, description=text)
        p.set_defaults(handler=handler)
        return p

    p = action("add", cmd_user_add, "add an account (the password is read from standard input)")
    p.add_argument("name")
    p.add_argument("--role", required=True, choices=ROLES)
    _password_flag(p)
    p = action("list", cmd_user_list, "list the accounts (never their passwords)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p = action("set-role", cmd_user_set_role, "change an account's role")
    p.add_argument("name")
    p.add_argument("role", choices=ROLES)
    p = action("disable", cmd_user_disable, "stop an account signing in, ending its sessions")
    p.add_argument("name")
    p = action("enable", cmd_user_enable, "let a disabled account sign in again")
    p.add_argument("name")
    p = action("reset-password", cmd_user_reset_password, "set a new password, ending its sessions")
    p.add_argument("name")
    _password_flag(p)

    web = sub.add_parser(
        "web",
        help="serve the web console (waitress)",
        description="Serve the web console until Ctrl-C or SIGTERM. Defaults from [web].",
    )
    web.set_defaults(handler=cmd_web)
    web.add_argument("--host", help="address to listen on (default: [web] host, 127.0.0.1)")
    web.add_argument("--port", type=int, help="port to listen on (default: [web] port, 8000)")


def _password_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (asked without echo at a terminal)",
    )


def _workspace(ctx: HasConfigPath) -> Any:
    from scheduler.operations.context import Workspace

    def note(fake: str) -> None:
        print(f"note: VIGNETTES_FAKE_NOW={fake}: running as of that time", file=sys.stderr)

    return Workspace(ctx.config_path, on_fake_clock=note)


def _actor() -> Any:
    from scheduler.operations.actor import Actor

    login = os.environ.get("USER") or "cli"
    return Actor("".join(c for c in login if c.isprintable())[:120] or "cli", "cli")


def read_password(stream: Any = None) -> str:
    """One password: asked twice without echo at a terminal, else the first line of
    standard input. Raises PasswordRejected when there is none or the two differ."""
    from scheduler.operations.passwords import PasswordRejected

    stream = sys.stdin if stream is None else stream
    if stream.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise PasswordRejected("the two passwords differ; nothing was changed")
        return first
    line = str(stream.readline())
    password = line[:-1] if line.endswith("\n") else line
    password = password[:-1] if password.endswith("\r") else password
    if not password:
        raise PasswordRejected("no password on standard input (pipe one in, one line)")
    return password


def _describe(row: Any) -> str:
    state = "disabled" if row.disabled else "active"
    return f"{row.name} ({row.role}, {state})"


def cmd_user_add(ctx: HasConfigPath, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts import add_user

    password = read_password()
    ws = _workspace(ctx)
    try:
        row = add_user(ws, _actor(), args.name, args.role, password)
    finally:
        ws.close()
    print(f"added {_describe(row)}")
    return EXIT_OK


def cmd_user_list(ctx: HasConfigPath, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts import list_users

    ws = _workspace(ctx)
    try:
        rows = list_users(ws, _actor())
    finally:
        ws.close()
    if args.json:
        indent = 2 if sys.stdout.isatty() else None
        print(json.dumps([row.to_json() for row in rows], indent=indent, ensure_ascii=False))
        return EXIT_OK
    if not rows:
        print("no accounts (add one: vignettes user add NAME --role admin --password-stdin)")
        return EXIT_OK
    table = [["NAME", "ROLE", "STATE", "LAST SIGN-IN"]] + [
        [
            row.name,
            row.role,
            ("disabled" if row.disabled else "must change password")
            if row.disabled or row.must_change_password
            else "active",
            f"{row.last_sign_in_at:%Y-%m-%d %H:%M}Z" if row.last_sign_in_at else "never",
        ]
        for row in rows
    ]
    print("\n".join(_lines(table)))
    return EXIT_OK


def _lines(table: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table
    ]


def cmd_user_set_role(ctx: HasConfigPath, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts import set_role

    ws = _workspace(ctx)
    try:
        row = set_role(ws, _actor(), args.name, args.role)
    finally:
        ws.close()
    print(f"{row.name} is now {row.role}")
    return EXIT_OK


def cmd_user_disable(ctx: HasConfigPath, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts import disable_user

    ws = _workspace(ctx)
    try:
        row = disable_user(ws, _actor(), args.name)
    finally:
        ws.close()
    print(f"{row.name} is disabled: it cannot sign in, and its sessions have ended")
    return EXIT_OK


def cmd_user_enable(ctx: HasConfigPath, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts import enable_user

    ws = _workspace(ctx)
    try:
        row = enable_user(ws, _actor(), args.name)
    finally:
        ws.close()
    print(f"{row.name} is enabled: it can sign in again")
    return EXIT_OK


def cmd_user_reset_password(ctx: HasConfigPath, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts import reset_password

    password = read_password()
    ws = _workspace(ctx)
    try:
        row = reset_password(ws, _actor(), args.name, password)
    finally:
        ws.close()
    print(f"{row.name} has a new password; its sessions have ended")
    return EXIT_OK


def cmd_web(ctx: HasConfigPath, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts import any_users
    from scheduler.runtime import configure_logging
    from scheduler.web import create_app
    from scheduler.web.server import ConsoleServer

    ws = _workspace(ctx)
    try:
        config = ws.config
        configure_logging(config.daemon.log_format)
        app = create_app(ws)
        host, port = args.host or config.web.host, args.port or config.web.port
        server = ConsoleServer(app, host, port, max_body=app.config["MAX_CONTENT_LENGTH"])

        def stop(signum: int, _frame: object) -> None:
            log.info("stopping the console (%s)", signal.Signals(signum).name)
            server.stop()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if not any_users(ws):
            log.warning(
                "no console account yet: add one with "
                "`vignettes user add NAME --role admin --password-stdin`"
            )
        log.info("console listening on %s", server.url)
        print(f"Console: {server.url} (Ctrl-C stops it)", flush=True)
        server.run()
    finally:
        ws.close()
    return EXIT_OK
