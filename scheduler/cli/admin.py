"""Set-up commands: auth (obtain platform tokens) and doctor (check everything)."""

from __future__ import annotations

import argparse
import webbrowser

from scheduler.cli.common import Subparsers, add_command, port_arg
from scheduler.cli.output import emit_json
from scheduler.config import PLATFORM_NAMES
from scheduler.errors import EXIT_FAILED, EXIT_OK
from scheduler.operations.context import Workspace


def cmd_auth(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.credentials import (
        authorise_bluesky,
        authorise_linkedin,
        authorise_x,
    )

    if args.platform == "x":

        def ask_pin(url: str) -> str:
            print(
                f"Open this address, sign in as the account that will post, and authorise:\n  {url}"
            )
            return input("PIN shown by X: ").strip()

        done = authorise_x(ws, ask_pin)
        print(f"X tokens stored in {done.stored_in} (they do not expire unless revoked)")
        return EXIT_OK

    if args.platform == "bluesky":
        done = authorise_bluesky(ws)
        print(
            f"Bluesky session for @{done.account} stored in {done.stored_in}; it is renewed "
            "automatically (the app password is only needed if it lapses)"
        )
        return EXIT_OK

    def open_browser(url: str) -> None:
        print(f"Opening LinkedIn to authorise (if no browser opens, visit):\n  {url}")
        webbrowser.open(url)

    done = authorise_linkedin(ws, open_browser, port=args.port)
    print(
        f"LinkedIn tokens stored in {done.stored_in}; access token valid until "
        f"{done.access_expires_at:%Y-%m-%d}"
        if done.access_expires_at
        else f"LinkedIn tokens stored in {done.stored_in}"
    )
    return EXIT_OK


def cmd_doctor(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.doctor import run_checks

    checks = run_checks(ws)
    if args.json:
        emit_json([vars(c) for c in checks])
    else:
        for check in checks:
            mark = "ok " if check.ok else ("!! " if check.severity == "error" else "?  ")
            print(f"{mark} {check.name}: {check.message}")
    return EXIT_OK if all(c.ok or c.severity != "error" for c in checks) else EXIT_FAILED


def register(sub: Subparsers) -> None:
    p = add_command(
        sub,
        "auth",
        cmd_auth,
        "obtain and store platform tokens (X PIN flow, LinkedIn OAuth, Bluesky sign-in)",
        json_flag=False,
    )
    p.add_argument("platform", choices=list(PLATFORM_NAMES))
    p.add_argument(
        "--port",
        type=port_arg,
        default=8765,
        help="LinkedIn: localhost port of the redirect URL registered for the app",
    )
    add_command(
        sub, "doctor", cmd_doctor, "check config, credentials, API version, fonts and the database"
    )
