"""Case-study commands: import, list, show, approve, reject."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scheduler.cli.common import Subparsers, UsageError, actor, add_command
from scheduler.cli.output import clip, emit_json, table
from scheduler.errors import EXIT_FAILED, EXIT_OK
from scheduler.operations.context import Workspace


def cmd_import(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.importing import import_case_studies
    from vignettes.errors import ImportRejected

    if args.sample == bool(args.file):
        raise UsageError("give a FILE to import, or --sample for the bundled case studies")
    path = None if args.sample else Path(args.file)
    try:
        report = import_case_studies(ws, actor(args), path, dry_run=args.dry_run)
    except ImportRejected as exc:
        if not args.json:
            raise
        # Scripts get the problems as data too (and still exit 1).
        emit_json({"source": exc.source, "rejected": True, "problems": exc.problems})
        print(
            f"vignettes: {exc.source}: {len(exc.problems)} problem(s); nothing was imported",
            file=sys.stderr,
        )
        return EXIT_FAILED
    if args.json:
        emit_json(report.to_json())
        return EXIT_OK
    verb = "would import" if args.dry_run else "imported"
    print(
        f"{report.source}: {verb} {report.rows} case studies: {len(report.created)} new, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged"
    )
    for ref in report.approvals_voided:
        print(f"  {ref}: content changed after approval, approval voided (status: submitted)")
    for month, ref in sorted(report.queued.items()):
        print(f"  {ref}: queued for {month}")
    for note in report.notes:
        print(f"  {note}")
    if args.dry_run:
        print("dry run: nothing was written")
    return EXIT_OK


def cmd_list(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.case_studies import case_studies

    rows = case_studies(ws, args.status)
    if args.json:
        emit_json([r.to_json() for r in rows])
        return EXIT_OK
    if not rows:
        print("no case studies" + (f" with status {args.status}" if args.status else ""))
        return EXIT_OK
    print(
        table(
            ["REF", "STATUS", "MONTH", "ORGANISATION", "TITLE"],
            [
                [
                    r.ref,
                    r.status if r.approval_current or r.status != "approved" else "approved*",
                    r.month or "",
                    clip(r.organisation, 40),
                    clip(r.title, 50),
                ]
                for r in rows
            ],
        )
    )
    return EXIT_OK


def cmd_show(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.case_studies import case_study

    detail = case_study(ws, args.ref)
    if args.json:
        emit_json(detail.to_json())
        return EXIT_OK
    content = detail.content
    print(f"{detail.ref}  [{detail.status}]  {content.title}")
    print(
        f"  organisation : {content.organisation}"
        + (f" ({content.region})" if content.region else "")
    )
    print(f"  headline     : {content.headline}")
    print(f"  summary      : {content.summary}")
    if content.quote_text:
        consent = "consent given" if content.quote_consent else "NO consent: not used"
        print(f"  quote        : “{content.quote_text}” — {content.quote_attribution} ({consent})")
    if content.link:
        print(f"  link         : {content.link}")
    print(f"  categories   : {', '.join(content.impact_labels) or '-'}")
    if detail.approved_by and detail.approved_at:
        print(f"  approved     : by {detail.approved_by} on {detail.approved_at:%Y-%m-%d}")
    if detail.month:
        print(f"  month        : {detail.month} ({detail.slot_state})")
    elif detail.requested_month:
        print(f"  requested    : {detail.requested_month} (queued once approved)")
    print(f"  content hash : {detail.content_hash}")
    print("  history      :")
    for event in detail.history:
        print(f"    {event.at.isoformat()[:16]}  {event.action:<16} {event.actor}")
    return EXIT_OK


def cmd_approve(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.approval import approve

    outcome = approve(ws, actor(args), args.ref)
    if args.json:
        emit_json(vars(outcome))
        return EXIT_OK
    print(f"{outcome.ref} approved by {args.by} ({outcome.content_hash[:19]}…)")
    if outcome.queued_month:
        print(f"  queued for its requested month {outcome.queued_month}")
    if outcome.note:
        print(f"  {outcome.note}")
    return EXIT_OK


def cmd_reject(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.approval import reject

    outcome = reject(ws, actor(args), args.ref, args.reason)
    if args.json:
        emit_json(vars(outcome))
        return EXIT_OK
    print(f"{outcome.ref} rejected by {args.by}" + (f"; {outcome.note}" if outcome.note else ""))
    return EXIT_OK


def register(sub: Subparsers) -> None:
    p = add_command(
        sub, "import", cmd_import, "import case studies from JSON, CSV or XLSX (all or nothing)"
    )
    p.add_argument("file", nargs="?", help="a .json, .csv or .xlsx file")
    p.add_argument("--sample", action="store_true", help="import the bundled sample case studies")
    p.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    p.add_argument("--by", help="who is importing (default: $USER)")

    p = add_command(sub, "list", cmd_list, "list case studies")
    p.add_argument("--status", choices=["submitted", "approved", "rejected"])

    p = add_command(sub, "show", cmd_show, "show one case study with its approvals and history")
    p.add_argument("ref")

    p = add_command(
        sub,
        "approve",
        cmd_approve,
        "approve a case study as it stands (records who, when, content hash)",
    )
    p.add_argument("ref")
    p.add_argument("--by", required=True, help="the reviewer's name")

    p = add_command(
        sub, "reject", cmd_reject, "reject a case study (and release any month it was queued for)"
    )
    p.add_argument("ref")
    p.add_argument("--by", required=True, help="the reviewer's name")
    p.add_argument("--reason", required=True, help="why, for the audit trail")
