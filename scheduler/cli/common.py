"""What every command module shares: how a command is registered, who the actor is, and
the argument types. Operations are imported inside handlers so `--help` answers at once."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scheduler.operations.context import Workspace

if TYPE_CHECKING:
    from scheduler.operations.actor import Actor

Handler = Callable[[Workspace, argparse.Namespace], int]
Subparsers = Any  # argparse's _SubParsersAction is private


class UsageError(Exception):
    """The command line is wrong in a way argparse cannot see (exit 2)."""


def add_command(
    sub: Subparsers, name: str, handler: Handler, help_text: str, json_flag: bool = True
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=handler)
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    return parser


def actor(args: argparse.Namespace) -> Actor:
    """Who is acting, for the audit trail: --by, else the login name (made printable)."""
    from scheduler.operations.actor import Actor

    given = getattr(args, "by", None)
    if given:
        return Actor(str(given), "cli")
    login = os.environ.get("USER") or "cli"
    return Actor("".join(c for c in login if c.isprintable())[:120] or "cli", "cli")


def month_arg(text: str) -> Any:
    """argparse type for YYYY-MM."""
    from scheduler.operations.months import parse_month

    try:
        return parse_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def port_arg(text: str) -> int:
    """argparse type for a TCP port, 1-65535."""
    port = any_port_arg(text)
    if port == 0:
        raise argparse.ArgumentTypeError("0 is not a port number (1-65535)")
    return port


def any_port_arg(text: str) -> int:
    """argparse type for a port to listen on: 1-65535, or 0 for any free one."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port
