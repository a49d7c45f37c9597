"""`vignettes user …` (console accounts) and `vignettes web` (serve the console).

`register(sub)` adds both to the `vignettes` parser. Handlers translate only: they call
one operation and turn its result into lines or JSON; failures are the typed errors
`scheduler.cli.main` maps to messages and exit codes (1 failed, 78 config).
Passwords are read from standard input (without echo at a terminal), never from the
command line, and are never printed or logged.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import signal
import sys
from typing import Any

from scheduler.cli.common import Subparsers, actor, any_port_arg
from scheduler.cli.output import emit_json, table
from scheduler.errors import EXIT_OK
from scheduler.operations.accounts.permissions import ROLES
from scheduler.operations.context import Workspace

log = logging.getLogger("scheduler.web")


def register(sub: Subparsers) -> None:
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
    p.add_argument("--email", required=True, help="the person's email address (unique)")
    _service_flag(p)
    _password_flag(p)
    p = action("invite", cmd_user_invite, "invite an email address; prints the one-time link")
    p.add_argument("email")
    p.add_argument("--role", required=True, choices=ROLES)
    _service_flag(p)
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p = action("set-email", cmd_user_set_email, "give an account an email address")
    p.add_argument("name")
    p.add_argument("email")
    p = action("set-services", cmd_user_set_services, "the library services an account is in")
    p.add_argument("name")
    _service_flag(p)
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
    web.add_argument(
        "--port",
        type=any_port_arg,
        help="port to listen on (default: [web] port, 8000; 0: any free port)",
    )


def _password_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--password-stdin",
        action="store_true",
        required=True,
        help="read the password from standard input (asked without echo at a terminal)",
    )


def read_password(stream: Any = None) -> str:
    """One password: asked twice without echo at a terminal, else the first line of
    standard input. Raises PasswordRejected when there is none or the two differ."""
    from scheduler.operations.accounts.passwords import PasswordRejected

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
    services = f"; {', '.join(row.services)}" if row.services else ""
    return f"{row.name} ({row.role}, {state}{services})"


def _service_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--service", action="append", default=[], metavar="NAME",
        help="a library service from the directory (repeat for several)",
    )  # fmt: skip


def cmd_user_add(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts.users import add_user

    password = read_password()
    row = add_user(
        ws, actor(args), args.name, args.role, password, email=args.email, services=args.service
    )
    print(f"added {_describe(row)}")
    return EXIT_OK


def cmd_user_invite(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts.invitations import invite

    invited = invite(ws, actor(args), args.email, args.role, args.service)
    if args.json:
        emit_json(
            {
                "email": invited.email,
                "role": invited.role,
                "services": list(invited.services),
                "expires_at": invited.expires_at.isoformat(),
                "link": invited.link,
            }
        )
        return EXIT_OK
    print(f"invited {invited.email} as {invited.role}; the link works once, until "
          f"{invited.expires_at:%Y-%m-%d %H:%M} UTC:")  # fmt: skip
    print(invited.link)
    if not ws.config.web.base_url:
        print("note: [web] base_url is not set: the link uses the console's own address",
              file=sys.stderr)  # fmt: skip
    return EXIT_OK


def cmd_user_set_email(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts.users import set_email

    row = set_email(ws, actor(args), args.name, args.email)
    print(f"{row.name}'s email address is {row.email}")
    return EXIT_OK


def cmd_user_set_services(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts.users import set_services

    row = set_services(ws, actor(args), args.name, args.service)
    print(f"{row.name} belongs to {', '.join(row.services) or 'no library service'}")
    return EXIT_OK


def cmd_user_list(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts.users import list_users

    rows = list_users(ws, actor(args))
    if args.json:
        emit_json([row.to_json() for row in rows])
        return EXIT_OK
    if not rows:
        print("no accounts (add one: vignettes user add NAME --role admin --email ADDRESS "
              "--password-stdin)")  # fmt: skip
        return EXIT_OK
    rows_text = [
        [
            row.name,
            row.role,
            row.email or "-",
            ", ".join(row.services) or "-",
            ("disabled" if row.disabled else "must change password")
            if row.disabled or row.must_change_password
            else "active",
            f"{row.last_sign_in_at:%Y-%m-%d %H:%M}Z" if row.last_sign_in_at else "never",
        ]
        for row in rows
    ]
    print(table(["NAME", "ROLE", "EMAIL", "SERVICES", "STATE", "LAST SIGN-IN"], rows_text))
    return EXIT_OK


def cmd_user_set_role(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts.users import set_role

    row = set_role(ws, actor(args), args.name, args.role)
    print(f"{row.name} is now {row.role}")
    return EXIT_OK


def cmd_user_disable(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts.users import disable_user

    row = disable_user(ws, actor(args), args.name)
    print(f"{row.name} is disabled: it cannot sign in, and its sessions have ended")
    return EXIT_OK


def cmd_user_enable(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts.users import enable_user

    row = enable_user(ws, actor(args), args.name)
    print(f"{row.name} is enabled: it can sign in again")
    return EXIT_OK


def cmd_user_reset_password(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts.users import reset_password

    password = read_password()
    row = reset_password(ws, actor(args), args.name, password)
    print(f"{row.name} has a new password; its sessions have ended")
    return EXIT_OK


def cmd_web(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.accounts.console_key import start_console_logging
    from scheduler.operations.accounts.users import any_users
    from scheduler.operations.health import require_database_folder
    from scheduler.web import create_app
    from scheduler.web.server import ConsoleServer

    config = ws.config
    require_database_folder(config)
    start_console_logging(ws)
    app = create_app(ws)
    host = args.host or config.web.host
    port = config.web.port if args.port is None else args.port  # 0: any free port
    server = ConsoleServer(app, host, port, max_body=app.config["MAX_CONTENT_LENGTH"])

    def stop(signum: int, _frame: object) -> None:
        log.info("stopping the console (%s)", signal.Signals(signum).name)
        server.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not any_users(ws):
        log.warning(
            "no console account yet: add one with "
            "`vignettes user add NAME --role admin --email ADDRESS --password-stdin`"
        )
    log.info("console listening on %s", server.url)
    print(f"Console: {server.url} (Ctrl-C stops it)", flush=True)
    server.run()
    return EXIT_OK
