"""Vocabulary commands: categories (the impact categories a file may name)."""

from __future__ import annotations

import argparse

from scheduler.cli.common import Subparsers, add_command
from scheduler.cli.output import emit_json, table
from scheduler.errors import EXIT_OK
from scheduler.operations.context import Workspace


def cmd_categories(ws: Workspace, args: argparse.Namespace) -> int:
    from scheduler.operations.content.categories import categories

    listed = categories(ws)
    if args.json:
        emit_json(listed.to_json())
        return EXIT_OK
    source = "from config.toml [import]" if listed.configured else "the default vocabulary"
    print(f"Impact categories ({source}); a cell may give the code, the label or an alias:")
    rows = [[c.code, c.label, "; ".join(c.aliases)] for c in listed.categories]
    print(table(["CODE", "LABEL", "ALIASES"], rows))
    return EXIT_OK


def register(sub: Subparsers) -> None:
    add_command(
        sub,
        "categories",
        cmd_categories,
        "list the impact categories (codes, labels, aliases) an import accepts",
    )
