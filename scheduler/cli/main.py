"""The `vignettes` command: parses, calls one operation, prints its typed result as text or
JSON, and turns typed errors into messages and exit codes (0 ok, 1 failed, 2 usage, 78
configuration). Rules live in `scheduler.operations`, never here.

Each command group is a module (`content`, `vocabulary`, `plan`, `publish`, `report`,
`admin`); heavy modules (SQLAlchemy, Pillow, tweepy) are imported inside the handlers so
that `vignettes --help` answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from scheduler.cli import (
    admin,
    console,
    content,
    impact,
    pipeline,
    plan,
    publish,
    report,
    vocabulary,
)
from scheduler.cli.common import UsageError
from scheduler.errors import EXIT_CONFIG, EXIT_FAILED, EXIT_USAGE
from scheduler.operations.context import FAKE_NOW_ENV, Workspace

__all__ = ["FAKE_NOW_ENV", "build_parser", "main"]

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vignettes",
        description=(
            "Showcase approved NHS library impact case studies as monthly vignettes on X, "
            "LinkedIn and Bluesky: import, approve, queue, preview, publish exactly once, "
            "track engagement."
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
    for group in (content, pipeline, vocabulary, plan, publish, report, impact, admin, console):
        group.register(sub)
    return parser


def _fake_clock_note(value: str) -> None:
    print(f"note: {FAKE_NOW_ENV}={value}: running as of that time", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ws = Workspace(args.config, on_fake_clock=_fake_clock_note)
    try:
        return int(args.handler(ws, args))
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"vignettes: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        # `vignettes list | head`: the reader has gone, which is not our failure. Point
        # stdout at /dev/null so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        print("vignettes: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        return _report(exc)
    finally:
        ws.close()


def _report(exc: Exception) -> int:
    from scheduler.errors import ConfigError, SchedulerError
    from vignettes.errors import VignettesError

    if isinstance(exc, ConfigError):
        print(f"vignettes: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    if isinstance(exc, SchedulerError | VignettesError):
        print(f"vignettes: {exc}", file=sys.stderr)
        return getattr(exc, "exit_code", EXIT_FAILED)
    raise exc


if __name__ == "__main__":
    sys.exit(main())
