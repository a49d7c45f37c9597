"""The `vignettes` command: parses, calls the library, turns typed errors into messages
and exit codes (0 ok, 1 failed, 2 usage, 78 configuration). Library code never prints.

Heavy modules (SQLAlchemy, Pillow, tweepy) are imported inside the handlers so that
`vignettes --help` answers at once.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scheduler.errors import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, EXIT_USAGE

if TYPE_CHECKING:
    import datetime as dt

    from scheduler.clock import Clock
    from scheduler.config import Config
    from vignettes.store import Store

Handler = Callable[["Context", argparse.Namespace], int]

FAKE_NOW_ENV = "VIGNETTES_FAKE_NOW"


class Context:
    """What a command needs, opened on first use."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = config_path
        self._config: Config | None = None
        self._store: Store | None = None
        self._clock: Clock | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            from scheduler.config import load_config

            self._config = load_config(self.config_path)
        return self._config

    @property
    def store(self) -> Store:
        if self._store is None:
            from vignettes.store import Store

            self._store = Store.open(self.config.database.url)
        return self._store

    @property
    def clock(self) -> Clock:
        if self._clock is None:
            from scheduler.clock import FakeClock, SystemClock

            fake = os.environ.get(FAKE_NOW_ENV)
            if fake:
                import datetime as dt

                # For rehearsals and end-to-end tests: the whole command runs "as of" then.
                print(f"note: {FAKE_NOW_ENV}={fake}: running as of that time", file=sys.stderr)
                self._clock = FakeClock(dt.datetime.fromisoformat(fake))
            else:
                self._clock = SystemClock()
        return self._clock

    def now(self) -> dt.datetime:
        return self.clock.now()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _actor(args: argparse.Namespace) -> str:
    """Who is acting, for the audit trail: --by, else the login name (made printable)."""
    given = getattr(args, "by", None)
    if given:
        return str(given)
    login = os.environ.get("USER") or "cli"
    return "".join(c for c in login if c.isprintable())[:120] or "cli"


def emit_json(data: Any) -> None:
    # Indented for a person at a terminal; compact (C encoder, one write) for scripts.
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, indent=indent, ensure_ascii=False, default=str) + "\n")


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


# ---- handlers ------------------------------------------------------------------------


def cmd_import(ctx: Context, args: argparse.Namespace) -> int:
    from vignettes.importing import SAMPLE_FILE, import_file

    if args.sample == bool(args.file):
        raise UsageError("give a FILE to import, or --sample for the bundled case studies")
    from vignettes.errors import ImportRejected

    path = SAMPLE_FILE if args.sample else Path(args.file)
    try:
        report = import_file(
            ctx.store,
            path,
            now=ctx.now(),
            actor=_actor(args),
            schedule=ctx.config.schedule,
            dry_run=args.dry_run,
            source_name="samples/case_studies.json" if args.sample else None,
        )
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


def cmd_list(ctx: Context, args: argparse.Namespace) -> int:
    from vignettes.store import list_case_studies

    with ctx.store.read() as session:
        rows = list_case_studies(session, args.status)
    if args.json:
        emit_json([r.to_json() for r in rows])
        return EXIT_OK
    if not rows:
        print("no case studies" + (f" with status {args.status}" if args.status else ""))
        return EXIT_OK
    print(
        _table(
            ["REF", "STATUS", "MONTH", "ORGANISATION", "TITLE"],
            [
                [
                    r.ref,
                    r.status if r.approval_current or r.status != "approved" else "approved*",
                    r.month or "",
                    _clip(r.organisation, 40),
                    _clip(r.title, 50),
                ]
                for r in rows
            ],
        )
    )
    return EXIT_OK


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def cmd_show(ctx: Context, args: argparse.Namespace) -> int:
    from vignettes.store import audit_trail, get_case_study, slot_of_case_study

    with ctx.store.read() as session:
        cs = get_case_study(session, args.ref)
        slot = slot_of_case_study(session, cs.id)
        content = cs.content()
        approvals = [
            {
                "decision": a.decision,
                "by": a.actor,
                "at": a.at.isoformat(),
                "content_hash": a.content_hash,
                "reason": a.reason or None,
            }
            for a in cs.approvals
        ]
        trail: list[dict[str, Any]] = [
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "month": e.month or None,
                "detail": e.detail,
            }
            for e in audit_trail(session, cs.ref)
        ]
        data: dict[str, Any] = {
            "ref": cs.ref,
            "status": cs.status,
            "approval_current": cs.approval_is_current,
            "content_hash": cs.content_hash,
            "approved_by": cs.approved_by,
            "approved_at": cs.approved_at.isoformat() if cs.approved_at else None,
            "month": slot.month if slot else None,
            "slot_state": slot.state if slot else None,
            "requested_month": cs.requested_month,
            "content": {
                **{k: v for k, v in vars(content).items() if k != "ref"},
                "impact_categories": list(content.impact_categories),
                "hashtags": list(content.hashtags),
            },
            "approvals": approvals,
            "audit": trail,
        }
    if args.json:
        emit_json(data)
        return EXIT_OK
    print(f"{data['ref']}  [{data['status']}]  {content.title}")
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
    if cs.approved_by and cs.approved_at:
        print(f"  approved     : by {cs.approved_by} on {cs.approved_at:%Y-%m-%d}")
    if data["month"]:
        print(f"  month        : {data['month']} ({data['slot_state']})")
    elif data["requested_month"]:
        print(f"  requested    : {data['requested_month']} (queued once approved)")
    print(f"  content hash : {data['content_hash']}")
    print("  history      :")
    for event in trail:
        print(f"    {event['at'][:16]}  {event['action']:<16} {event['actor']}")
    return EXIT_OK


def cmd_approve(ctx: Context, args: argparse.Namespace) -> int:
    from vignettes.approval import approve

    _require_postable(ctx, args.ref, None, "approved")

    outcome = approve(ctx.store, args.ref, by=args.by, now=ctx.now(), schedule=ctx.config.schedule)
    if args.json:
        emit_json(vars(outcome))
        return EXIT_OK
    print(f"{outcome.ref} approved by {args.by} ({outcome.content_hash[:19]}…)")
    if outcome.queued_month:
        print(f"  queued for its requested month {outcome.queued_month}")
    if outcome.note:
        print(f"  {outcome.note}")
    return EXIT_OK


def cmd_reject(ctx: Context, args: argparse.Namespace) -> int:
    from vignettes.approval import reject

    outcome = reject(ctx.store, args.ref, by=args.by, reason=args.reason, now=ctx.now())
    if args.json:
        emit_json(vars(outcome))
        return EXIT_OK
    print(f"{outcome.ref} rejected by {args.by}" + (f"; {outcome.note}" if outcome.note else ""))
    return EXIT_OK


def _month_arg(text: str) -> Any:
    from vignettes.slots import Month

    try:
        return Month.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _require_postable(ctx: Context, ref: str, month: Any, what: str) -> None:
    """Refuse to approve or queue what could never be posted (found now, not at the slot)."""
    from scheduler.checks import why_not_postable
    from vignettes.store import get_case_study

    with ctx.store.read() as session:
        content = get_case_study(session, ref).content()
    problem = why_not_postable(content, ctx.config, month.first_day if month else None)
    if problem:
        raise CommandFailed(f"{ref} cannot be {what}: it could not be posted: {problem}")


def cmd_queue(ctx: Context, args: argparse.Namespace) -> int:
    from vignettes.planning import queue
    from vignettes.slots import slot_time

    _require_postable(ctx, args.ref, args.month, "queued")

    queue(
        ctx.store,
        args.month,
        args.ref,
        by=_actor(args),
        now=ctx.now(),
        schedule=ctx.config.schedule,
    )
    when = slot_time(args.month, ctx.config.schedule)
    if args.json:
        emit_json({"month": str(args.month), "ref": args.ref, "slot_utc": when.utc.isoformat()})
        return EXIT_OK
    print(f"{args.ref} queued for {args.month} (slot {when.local:%a %d %b %Y %H:%M %Z})")
    return EXIT_OK


def cmd_unqueue(ctx: Context, args: argparse.Namespace) -> int:
    from vignettes.planning import unqueue

    ref = unqueue(ctx.store, args.month, by=_actor(args), now=ctx.now())
    if args.json:
        emit_json({"month": str(args.month), "ref": ref})
        return EXIT_OK
    print(f"{ref} removed from {args.month}")
    return EXIT_OK


def cmd_plan(ctx: Context, args: argparse.Namespace) -> int:
    from vignettes.planning import build_plan

    if not 1 <= args.months <= 120:
        raise UsageError("--months must be between 1 and 120")
    config = ctx.config
    with ctx.store.read() as session:
        plan = build_plan(
            session,
            now=ctx.now(),
            schedule=config.schedule,
            selection=config.selection,
            months=args.months,
        )
    plan = _with_postability(ctx, plan)
    if args.json:
        emit_json([entry.to_json() for entry in plan])
        return EXIT_OK
    rows = []
    for e in plan:
        moved = f" (moved from {e.slot.moved_from:%a %d %b})" if e.slot.moved_from else ""
        rows.append(
            [
                str(e.month),
                f"{e.slot.local:%a %d %b %H:%M %Z}{moved}",
                f"{e.slot.utc:%Y-%m-%d %H:%M}Z",
                e.state,
                e.ref or "-",
                e.source or "",
                _clip(e.organisation or e.note, 48),
            ]
        )
    print(f"Plan for the next {args.months} months ({config.schedule.timezone}):")
    print(
        _table(
            [
                "MONTH",
                "SLOT (LOCAL)",
                "SLOT (UTC)",
                "STATE",
                "CASE STUDY",
                "HOW",
                "ORGANISATION / NOTE",
            ],
            rows,
        )
    )
    # Notes clipped in the table, and warnings about a planned case study, in full.
    notes = [f"{e.month}: {e.note}" for e in plan if e.note and (e.ref or len(e.note) > 48)]
    for note in notes:
        print(f"  ! {note}")
    return EXIT_OK


def cmd_preview(ctx: Context, args: argparse.Namespace) -> int:
    from scheduler.preview import open_in_browser, write_preview
    from scheduler.rendering import PLATFORMS, render_vignette
    from vignettes.planning import build_plan
    from vignettes.store import get_case_study

    config = ctx.config
    month = args.month
    ref = args.ref
    if (ref is None) == (month is None):
        raise UsageError("give a REF, or --month YYYY-MM for that month's planned case study")
    with ctx.store.read() as session:
        if ref is None:
            plan = build_plan(
                session,
                now=ctx.now(),
                schedule=config.schedule,
                selection=config.selection,
                months=120,
            )
            entry = next((e for e in plan if e.month == month), None)
            if entry is None or entry.ref is None:
                if entry is not None:
                    why = entry.note or entry.state
                elif plan and month < plan[0].month:
                    why = "it is before the current month"
                else:
                    why = "it is beyond the 120 months that are planned"
                raise CommandFailed(f"{month} has no planned case study: {why}")
            ref = entry.ref
        cs = get_case_study(session, ref)
        content, status = (
            cs.content(),
            cs.status
            if cs.approval_is_current
            else ("changed since approval" if cs.status == "approved" else cs.status),
        )
    platforms = PLATFORMS if args.platform == "all" else (args.platform,)
    vignette = render_vignette(
        content, config, month.first_day if month else None, platforms=platforms
    )
    out = Path(args.out) if args.out else config.cards.output_dir / "preview" / ref
    from scheduler.report import load, preview_rows

    posted = load(ctx.store, ref=ref)  # a vignette already posted shows its engagement
    if out.exists() and not out.is_dir():
        raise CommandFailed(f"cannot write the preview to {out}: it is not a folder")
    try:
        result = write_preview(
            vignette,
            content,
            out,
            status=status,
            month=month.first_day if month else None,
            engagement=preview_rows(posted) or None,
        )
    except OSError as exc:
        raise CommandFailed(f"cannot write the preview to {out}: {exc.strerror}") from None
    if args.json:
        emit_json(result.to_json())
    else:
        print(f"preview of {ref} ({status}) written to {result.html_path}")
        for post in vignette.posts:
            warnings = f"  warnings: {'; '.join(post.warnings)}" if post.warnings else ""
            print(
                f"  {post.platform:<8} {post.text_length}/{post.text_limit} characters, "
                f"card {post.card.width}x{post.card.height}{warnings}"
            )
    if args.open:
        open_in_browser(result.html_path)
    return EXIT_OK


def cmd_publish(ctx: Context, args: argparse.Namespace) -> int:
    from scheduler.runtime import build_worker, configure_logging

    configure_logging(ctx.config.daemon.log_format)
    worker = build_worker(ctx.config, ctx.store, ctx.clock)
    publisher = worker.publisher
    if args.resolve:
        changed = publisher.resolve(
            args.month,
            args.resolve,
            by=_actor(args),
            platform=args.platform,
            remote_id=args.remote_id or "",
            url=args.url or "",
        )
        if args.json:
            emit_json({"month": str(args.month), "resolved": args.resolve, "platforms": changed})
        else:
            print(f"{args.month}: {', '.join(changed)} resolved as {args.resolve}")
        if args.resolve == "posted":
            return EXIT_OK
    from scheduler.reconcile import reconcile

    reconcile(publisher)
    report = publisher.publish_month(args.month, manual=True)
    if args.json:
        emit_json(report.to_json())
    else:
        print(f"{report.month}: {report.slot_state} {report.ref or ''}".rstrip())
        for platform, state in report.posts.items():
            print(f"  {platform:<8} {state}")
        for note in report.notes:
            print(f"  {note}")
    bad = any(state in ("failed", "unknown", "needs_reauth") for state in report.posts.values())
    return (
        EXIT_FAILED
        if bad or (not report.posts and report.notes and report.slot_state != "published")
        else EXIT_OK
    )


def cmd_run(ctx: Context, args: argparse.Namespace) -> int:
    from scheduler.daemon import Daemon, lock_for, run_once
    from scheduler.runtime import build_worker, configure_logging

    config = ctx.config
    configure_logging(args.log_format or config.daemon.log_format)
    from scheduler.daemon import font_problems_in_child

    # Start-up says so when fonts or RAQM are missing rather than degrading silently;
    # checked in a child so the daemon itself never loads Pillow.
    for problem in font_problems_in_child():
        logging.getLogger("scheduler.daemon").warning("cards: %s", problem)
    stop_flag: list[bool] = [False]
    worker = build_worker(config, ctx.store, ctx.clock, should_stop=lambda: stop_flag[0])
    lock = lock_for(config.database.url, ctx.store.engine)
    if args.once:
        report = run_once(worker, lock)
        if args.json:
            emit_json(report.to_json())
        return EXIT_OK
    daemon = Daemon(
        worker,
        lock,
        tick_every=config.daemon.tick,
        timezone=config.schedule.timezone,
        slot_day=config.schedule.day,
        slot_time=config.schedule.time,
    )
    worker.publisher.should_stop = daemon.stopping.is_set
    daemon.install_signal_handlers()
    return daemon.run()


def cmd_status(ctx: Context, args: argparse.Namespace) -> int:
    from scheduler.status import collect_status

    status = collect_status(ctx.config, ctx.store, ctx.now())
    if args.json:
        emit_json(status)
        return EXIT_OK
    daemon = status["daemon"]
    if daemon["instances"]:
        for d in daemon["instances"]:
            mark = "alive" if d["alive"] else "NOT SEEN"
            print(
                f"daemon  : {d['instance']} ({d['role']}) last seen {d['age_seconds']} s ago "
                f"[{mark}]"
            )
    else:
        print("daemon  : never run on this database (start it with `vignettes run`)")
    nxt = status["next_slot"]
    if nxt:
        print(
            f"next    : {nxt['month']} at {nxt['slot_local']} (UTC {nxt['slot_utc']}) "
            f"{nxt['ref'] or '— ' + (nxt['note'] or 'nothing planned')}"
        )
    month = status["this_month"]
    print(f"month   : {month['month']} {month['state']} {month['ref'] or ''}".rstrip())
    for platform, post in month["posts"].items():
        print(f"          {platform:<8} {post['state']} {post['url'] or post['reason'] or ''}")
    for problem in status["problems"]:
        print(
            f"problem : {problem['month']} {problem['platform']} {problem['state']}: "
            f"{problem['reason']}"
        )
    for alert in status["alerts"]:
        print(f"alert   : [{alert['severity']}] {alert['message']}")
    for line in status["credentials"]:
        print(f"tokens  : {line}")
    for name, state in status["engagement"].items():
        if state["unavailable_reason"]:
            print(f"metrics : {name} unavailable: {state['unavailable_reason']}")
        if state["blocked_until"]:
            print(f"metrics : {name} paused until {state['blocked_until']}")
        for gap in state["gaps"] if not state["unavailable_reason"] else []:
            print(f"metrics : {name} not readable: {gap}")
    return EXIT_OK


def cmd_engagement(ctx: Context, args: argparse.Namespace) -> int:
    from scheduler.report import (
        format_report,
        load,
        platform_states,
        report_json,
        write_chart,
        write_csv,
    )

    entries = load(ctx.store, since=str(args.since) if args.since else None, platform=args.platform)
    with ctx.store.read() as session:
        states = platform_states(session)
    if args.platform:
        states = {k: v for k, v in states.items() if k == args.platform}
    notes = []
    # `is not None`: an empty --csv '' must be refused (by report.py), not skipped.
    if args.csv is not None:
        rows = write_csv(entries, args.csv)
        notes.append(f"{rows} snapshot row(s) written to {args.csv}")
    if args.chart is not None:
        write_chart(entries, args.chart)
        notes.append(f"chart written to {args.chart}")
    if args.json:
        emit_json(report_json(entries, states))
    else:
        print(format_report(entries, states))
    for note in notes:
        print(note, file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def cmd_doctor(ctx: Context, args: argparse.Namespace) -> int:
    from scheduler.doctor import run_checks

    checks = run_checks(ctx)
    if args.json:
        emit_json([vars(c) for c in checks])
    else:
        for check in checks:
            mark = "ok " if check.ok else ("!! " if check.severity == "error" else "?  ")
            print(f"{mark} {check.name}: {check.message}")
    return EXIT_OK if all(c.ok or c.severity != "error" for c in checks) else EXIT_FAILED


def cmd_auth(ctx: Context, args: argparse.Namespace) -> int:
    import webbrowser

    from scheduler.auth import TokenStore, authorize_linkedin
    from scheduler.auth_x import authorize_x_pin
    from scheduler.secrets import load_secrets

    config = ctx.config
    secrets = load_secrets()
    store = TokenStore.in_var_dir(config.daemon.var_dir)
    if args.platform == "x":

        def ask_pin(url: str) -> str:
            print(
                f"Open this address, sign in as the account that will post, and authorise:\n  {url}"
            )
            return input("PIN shown by X: ").strip()

        tokens = authorize_x_pin(config.platforms.x, secrets, store, ctx.clock, ask_pin=ask_pin)
        print(f"X tokens stored in {store.path} (they do not expire unless revoked)")
        del tokens
        return EXIT_OK

    def open_browser(url: str) -> None:
        print(f"Opening LinkedIn to authorise (if no browser opens, visit):\n  {url}")
        webbrowser.open(url)

    li = authorize_linkedin(
        config.platforms.linkedin,
        secrets,
        store,
        ctx.clock,
        open_browser=open_browser,
        port=args.port,
    )
    print(
        f"LinkedIn tokens stored in {store.path}; access token valid until "
        f"{li.access_expires_at:%Y-%m-%d}"
        if li.access_expires_at
        else f"LinkedIn tokens stored in {store.path}"
    )
    return EXIT_OK


def _with_postability(ctx: Context, plan: list[Any]) -> list[Any]:
    """Flag planned case studies that could not be posted (the next 12 months: rendering
    every month of a long plan would make `plan` slow for little gain)."""
    import dataclasses

    from scheduler.checks import why_not_postable
    from vignettes.store import get_case_study

    checked = []
    with ctx.store.read() as session:
        for index, entry in enumerate(plan):
            if entry.ref and entry.state in ("planned", "due") and index < 12:
                content = get_case_study(session, entry.ref).content()
                problem = why_not_postable(content, ctx.config, entry.month.first_day)
                if problem:
                    note = f"{entry.ref} cannot be posted: {problem}"
                    entry = dataclasses.replace(entry, note=note)
            checked.append(entry)
    return checked


# ---- parser --------------------------------------------------------------------------


class UsageError(Exception):
    """The command line is wrong in a way argparse cannot see (exit 2)."""


class CommandFailed(Exception):
    """The command is well-formed but cannot be done (exit 1, message only)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vignettes",
        description=(
            "Showcase approved NHS library impact case studies as monthly vignettes on X and "
            "LinkedIn: import, approve, queue, preview, publish exactly once, track engagement."
        ),
        epilog="Exit codes: 0 ok, 1 operation failed, 2 usage, 78 configuration error.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=Path(os.environ.get("VIGNETTES_CONFIG", "config.toml")),
        help="configuration file (default: $VIGNETTES_CONFIG or ./config.toml)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(
        name: str, handler: Handler, help_text: str, json_flag: bool = True
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        if json_flag:
            p.add_argument("--json", action="store_true", help="print machine-readable JSON")
        return p

    p = add("import", cmd_import, "import case studies from JSON, CSV or XLSX (all or nothing)")
    p.add_argument("file", nargs="?", help="a .json, .csv or .xlsx file")
    p.add_argument("--sample", action="store_true", help="import the bundled sample case studies")
    p.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    p.add_argument("--by", help="who is importing (default: $USER)")

    p = add("list", cmd_list, "list case studies")
    p.add_argument("--status", choices=["submitted", "approved", "rejected"])

    p = add("show", cmd_show, "show one case study with its approvals and history")
    p.add_argument("ref")

    p = add(
        "approve",
        cmd_approve,
        "approve a case study as it stands (records who, when, content hash)",
    )
    p.add_argument("ref")
    p.add_argument("--by", required=True, help="the reviewer's name")

    p = add("reject", cmd_reject, "reject a case study (and release any month it was queued for)")
    p.add_argument("ref")
    p.add_argument("--by", required=True, help="the reviewer's name")
    p.add_argument("--reason", required=True, help="why, for the audit trail")

    p = add("queue", cmd_queue, "pin an approved case study to a month")
    p.add_argument("month", type=_month_arg, help="YYYY-MM")
    p.add_argument("ref")
    p.add_argument("--by", help="who is queueing (default: $USER)")

    p = add("unqueue", cmd_unqueue, "remove the case study pinned to a month")
    p.add_argument("month", type=_month_arg, help="YYYY-MM")
    p.add_argument("--by", help="who is unqueueing (default: $USER)")

    p = add("plan", cmd_plan, "show the coming months: slot times, case studies, and gaps")
    p.add_argument("--months", type=int, default=12, help="how many months (default 12)")

    p = add("preview", cmd_preview, "render cards and post texts locally, with an HTML page")
    p.add_argument("ref", nargs="?", help="the case study (or use --month)")
    p.add_argument("--month", type=_month_arg, help="preview that month's planned case study")
    p.add_argument("--platform", choices=["x", "linkedin", "all"], default="all")
    p.add_argument("--out", help="output folder (default: <cards.output_dir>/preview/REF)")
    p.add_argument("--open", action="store_true", help="open the page in the default browser")

    p = add("publish", cmd_publish, "publish a month now (same pipeline as the daemon; idempotent)")
    p.add_argument("month", type=_month_arg, help="YYYY-MM")
    p.add_argument(
        "--resolve",
        choices=["posted", "retry"],
        help="settle an unknown/failed post: you saw it posted, or it may be sent again",
    )
    p.add_argument("--platform", choices=["x", "linkedin"], help="with --resolve: only this one")
    p.add_argument("--remote-id", help="with --resolve posted: the post's id or URN")
    p.add_argument("--url", help="with --resolve posted: the post's URL")
    p.add_argument("--by", help="who resolves (default: $USER)")

    p = add("run", cmd_run, "run the daemon (or one tick with --once)")
    p.add_argument("--once", action="store_true", help="do one tick and exit (for cron, tests)")
    p.add_argument("--log-format", choices=["text", "json"], help="override daemon.log_format")

    add("status", cmd_status, "daemon heartbeat, next slot, post states, problems, token expiry")
    p = add("engagement", cmd_engagement, "engagement per vignette and platform; CSV and chart")
    p.add_argument("--csv", metavar="FILE", help="also write one row per snapshot (UTF-8)")
    p.add_argument("--chart", metavar="FILE.png", help="also draw a PNG chart (matplotlib)")
    p.add_argument(
        "--since", type=_month_arg, metavar="YYYY-MM", help="only vignettes from this month on"
    )
    p.add_argument("--platform", choices=["x", "linkedin"], help="only this platform")

    p = add(
        "auth",
        cmd_auth,
        "obtain and store platform tokens (X PIN flow, LinkedIn OAuth)",
        json_flag=False,
    )
    p.add_argument("platform", choices=["x", "linkedin"])
    p.add_argument(
        "--port",
        type=int,
        default=8765,
        help="LinkedIn: localhost port of the redirect URL registered for the app",
    )

    add("doctor", cmd_doctor, "check config, credentials, API version, fonts and the database")
    from scheduler.cli_console import register as register_console  # user, web

    register_console(sub)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context(args.config)
    try:
        return int(args.handler(ctx, args))
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"vignettes: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CommandFailed as exc:
        print(f"vignettes: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        return _report(exc)
    finally:
        ctx.close()


def _report(exc: Exception) -> int:
    from scheduler.errors import ConfigError, SchedulerError
    from vignettes.errors import VignettesError

    if isinstance(exc, ConfigError):
        print(f"vignettes: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    if isinstance(exc, SchedulerError | VignettesError):
        print(f"vignettes: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_FAILED)
    if isinstance(exc, KeyboardInterrupt):
        return 130
    raise exc


if __name__ == "__main__":
    sys.exit(main())
