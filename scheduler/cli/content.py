"""Case-study commands: import, list, show, approve, reject."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scheduler.cli.common import Subparsers, UsageError, actor, add_command
from scheduler.cli.output import clip, emit_json, safe_line, table
from scheduler.errors import EXIT_FAILED, EXIT_OK
from scheduler.operations.context import Workspace
from vignettes.states import STATE_VALUES


def cmd_import(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.cli.import_text import print_rejection, print_report, rejection_json
    from scheduler.operations.content.importing import import_case_studies
    from vignettes.errors import ImportInterrupted, ImportRejected

    if args.sample == bool(args.file):
        raise UsageError("give a FILE to import, or --sample for the bundled case studies")
    path = None if args.sample else Path(args.file)
    try:
        try:
            report = import_case_studies(ws, actor(args), path, dry_run=args.dry_run)
        except KeyboardInterrupt:  # before the import began (config, database): no harm done
            raise ImportInterrupted(str(path), written=False) from None
    except ImportInterrupted as exc:
        print(f"vignettes: {exc}", file=sys.stderr)
        return exc.exit_code
    except ImportRejected as exc:
        if args.json:
            # Scripts get the problems as data too (and still exit 1).
            emit_json(rejection_json(exc))
            count = len(exc.issues)
            print(
                f"vignettes: {exc.source}: {count:,} problem{'' if count == 1 else 's'}; "
                "nothing was imported",
                file=sys.stderr,
            )
        else:
            print_rejection(exc)
        return EXIT_FAILED
    if args.json:
        emit_json(report.to_json())
    else:
        print_report(report)
    return EXIT_OK


def cmd_list(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.content.case_studies import case_studies

    rows = case_studies(ws, args.status)
    if args.json:
        emit_json([r.to_json() for r in rows])
        return EXIT_OK
    if not rows:
        print("no case studies" + (f" with status {args.status}" if args.status else ""))
        return EXIT_OK
    print(
        table(
            ["REF", "STATE", "READY", "MONTH", "LIBRARY SERVICE", "TITLE"],
            [
                [
                    r.ref,
                    r.status if r.approval_current or r.status != "approved" else "approved*",
                    r.readiness.label,
                    r.month or "",
                    clip(r.library_service or r.organisation, 40),
                    clip(r.title, 50),
                ]
                for r in rows
            ],
        )
    )
    return EXIT_OK


def _field(label: str, value: str, *, indent: str = "  ") -> None:
    """`label : value`, every further line of `value` indented beneath the first, so no
    field's text can pass for another line of the output."""
    head = f"{indent}{label:<13}: "
    lines = value.splitlines() or [""]
    print(head + safe_line(lines[0]))
    for line in lines[1:]:
        print(" " * len(head) + safe_line(line))


def cmd_show(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.content.case_studies import CHANGED_OUTSIDE, case_study

    detail = case_study(ws, args.ref)
    if args.json:
        emit_json(detail.to_json())
        return EXIT_OK
    content = detail.content
    state = detail.status
    if detail.changed_outside:
        state = f"{detail.status}; {CHANGED_OUTSIDE}: not sent until approved again"
    elif detail.status == "approved" and not detail.approval_current:
        state = "approved, since changed: not sent until approved again"
    print(safe_line(f"{detail.ref}  [{state}]  {' '.join(content.title.splitlines())}"))
    region = f" ({content.region})" if content.region else ""
    _field("organisation", content.organisation + region)
    _field("service", detail.library_service or "- (none in the directory)")
    _field("headline", content.headline)
    _field("summary", content.summary)
    if content.quote_text:
        consent = f"\n{detail.quote_note}" if detail.quote_note else "\n(consent given)"
        _field("quote", f"“{content.quote_text}” — {content.quote_attribution}{consent}")
    if content.link:
        _field("link", content.link)
    _field("categories", ", ".join(content.impact_labels) or "-")
    ready = detail.readiness
    _field(
        "readiness",
        f"{ready.score} of 2: named quote with consent: {'yes' if ready.quote else 'no'}; "
        f"quantified impact: {'yes' if ready.quantified else 'no'}",
    )
    if detail.approved_by and detail.approved_at:
        _field("approved", f"by {detail.approved_by} on {detail.approved_at:%Y-%m-%d}")
    if detail.month:
        _field("month", f"{detail.month} ({detail.slot_state})")
    elif detail.requested_month:
        _field("requested", f"{detail.requested_month} (queued once approved)")
    latest = detail.latest_review
    if latest is not None:
        met = ",".join(str(n) for n in sorted(latest.met)) or "none"
        when = f"{latest.at:%Y-%m-%d}"
        _field("review", f"{latest.decision} by {latest.by} on {when} (criteria met: {met})")
        if latest.message:
            _field("message", latest.message)
    _field("content hash", detail.content_hash)
    print("  history      :")
    for event in detail.history:
        line = f"{event.at.isoformat()[:16]}  {event.action:<16} {event.actor}"
        print("    " + safe_line(" ".join(line.splitlines())))
    return EXIT_OK


def cmd_approve(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.content.approval import approve

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
    from scheduler.operations.content.approval import reject

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
    p.add_argument("--status", choices=STATE_VALUES, help="only case studies in this state")

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
