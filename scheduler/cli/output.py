"""Printing helpers shared by the command modules: JSON for scripts, tables for people."""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any


def emit_json(data: Any) -> None:
    # Indented for a person at a terminal; compact (C encoder, one write) for scripts.
    indent = 2 if sys.stdout.isatty() else None
    sys.stdout.write(json.dumps(data, indent=indent, ensure_ascii=False, default=str) + "\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns two spaces apart, a rule under the headers, no trailing spaces."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def err(message: str) -> None:
    print(message, file=sys.stderr)


_JOINERS = "\u200c\u200d"  # emoji sequences and joining scripts need them


def safe_line(line: str) -> str:
    """`line` with every character that could end the line, move the cursor or reorder
    text (controls, line separators, format characters such as bidi overrides; joiners
    excepted) shown escaped instead, so a value cannot forge output."""
    if line.isprintable():
        return line
    return "".join(
        f"\\u{ord(c):04x}"
        if unicodedata.category(c) in ("Cc", "Zl", "Zp")
        or (unicodedata.category(c) == "Cf" and c not in _JOINERS)
        else c
        for c in line
    )
