"""The review pipeline on the command line (for the comms team and scripts): the library
services directory, and submitting, reviewing, withdrawing and commenting as an account.

`submit`, `review`, `withdraw` and `comment` act as the account `--by` names (it must
exist and be enabled): the same rules as in the console apply (its role, its own library
services), because the same operations run.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from scheduler.cli.common import Subparsers, UsageError, actor, add_command
from scheduler.cli.output import emit_json, table
from scheduler.errors import EXIT_OK
from scheduler.operations.context import Workspace

if TYPE_CHECKING:
    from scheduler.operations.actor import Actor
    from scheduler.operations.pipeline.acts import Acted


def cmd_services_list(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.pipeline.services import list_services

    rows = list_services(ws, actor(args))
    if args.json:
        emit_json([r.to_json() for r in rows])
        return EXIT_OK
    if not rows:
        print("no library services (add one: vignettes services add NAME --region R)")
        return EXIT_OK
    print(
        table(
            ["NAME", "REGION", "CASE STUDIES", "ORGANISATIONS"],
            [[r.name, r.region, str(r.case_studies), "; ".join(r.organisations)] for r in rows],
        )
    )
    return EXIT_OK


def cmd_services_add(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.pipeline.services import add_service

    row = add_service(
        ws, actor(args), args.name, region=args.region, organisations=args.organisation
    )
    if args.json:
        emit_json(row.to_json())
        return EXIT_OK
    print(f"added library service {row.name} ({row.region or 'no region'})")
    return EXIT_OK


def _as_account(ws: Workspace, args: argparse.Namespace) -> Actor:
    from scheduler.operations.pipeline.scope import account_actor

    return account_actor(ws, args.by)


def _done(args: argparse.Namespace, acted: Acted, text: str) -> int:
    if args.json:
        emit_json(acted.to_json())
    else:
        print(text)
    return EXIT_OK


def cmd_submit(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.pipeline.acts import submit

    acted = submit(ws, _as_account(ws, args), args.ref)
    told = f"; {acted.emails} reviewer(s) will be told" if acted.emails else ""
    return _done(args, acted, f"{acted.ref} submitted for peer review by {args.by}{told}")


def cmd_withdraw(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.pipeline.acts import withdraw

    acted = withdraw(ws, _as_account(ws, args), args.ref)
    note = f"; {acted.note}" if acted.note else ""
    return _done(args, acted, f"{acted.ref} withdrawn by {args.by}{note}")


def cmd_comment(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.pipeline.acts import comment

    acted = comment(ws, _as_account(ws, args), args.ref, args.message)
    return _done(args, acted, f"comment added to {acted.ref}")


def _notes(given: list[str]) -> dict[int, str]:
    notes = {}
    for text in given:
        number, sep, note = text.partition(":")
        if not sep or not number.strip().isdigit():
            raise UsageError(f"--note {text!r}: write it as N:TEXT, like 4:no consent recorded")
        notes[int(number)] = note
    return notes


def cmd_review(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.pipeline.acts import ReviewInput, parse_criteria, parse_decision
    from scheduler.operations.pipeline.acts import review as review_case_study

    try:
        met, decision = parse_criteria(args.met), parse_decision(args.decision)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    given = ReviewInput(met, decision, args.message or "", _notes(args.note))
    acted = review_case_study(ws, _as_account(ws, args), args.ref, given)
    told = f"; {acted.emails} email(s) to send" if acted.emails else ""
    text = f"{acted.ref} reviewed by {args.by}: {acted.state.replace('_', ' ')}{told}"
    return _done(args, acted, text)


def register(sub: Subparsers) -> None:
    services = sub.add_parser(
        "services",
        help="the directory of library services: list, add",
        description="The directory of library services each case study belongs to.",
    )
    actions = services.add_subparsers(dest="services_action", metavar="ACTION", required=True)
    p = actions.add_parser("list", help="list the library services")
    p.set_defaults(handler=cmd_services_list)
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p = actions.add_parser("add", help="add a library service")
    p.set_defaults(handler=cmd_services_add)
    p.add_argument("name")
    p.add_argument("--region", required=True, help="its NHS region")
    p.add_argument(
        "--organisation", action="append", default=[], help="an organisation it serves (repeat)"
    )
    p.add_argument("--by", help="who is adding it (default: $USER)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")

    by_help = "the account acting (it must exist: the console's rules apply)"
    p = add_command(sub, "submit", cmd_submit, "submit a draft case study for peer review")
    p.add_argument("ref")
    p.add_argument("--by", required=True, help=by_help)
    p = add_command(
        sub, "review", cmd_review, "record a peer review against the five national criteria"
    )
    p.add_argument("ref")
    p.add_argument("--by", required=True, help=by_help)
    p.add_argument("--met", required=True, help="criteria met, like 1,2,3 or 1,2,3,4,5 ('' none)")
    p.add_argument("--decision", required=True, help="accept, changes or reject")
    p.add_argument("--message", help="to the contributor (required for changes and reject)")
    p.add_argument("--note", action="append", default=[], help="N:TEXT, a note on criterion N")
    p = add_command(sub, "withdraw", cmd_withdraw, "withdraw a case study before it is showcased")
    p.add_argument("ref")
    p.add_argument("--by", required=True, help=by_help)
    p = add_command(sub, "comment", cmd_comment, "add to a case study's comment thread")
    p.add_argument("ref")
    p.add_argument("--by", required=True, help=by_help)
    p.add_argument("--message", required=True, help="the comment (plain text)")
