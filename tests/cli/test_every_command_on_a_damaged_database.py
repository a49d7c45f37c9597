"""Every command of `vignettes`, with typical arguments, against a damaged database: no
traceback, and one line naming the database and what to do. A command added to the
parser fails this test until it is given typical arguments here."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from scheduler.cli.main import build_parser
from tests.cli.conftest import APPROVE, Install, message
from tests.faults import truncate

TYPICAL: dict[str, tuple[str, ...]] = {
    "import": ("import", "--sample"),
    "list": ("list", "--status", "approved"),
    "show": ("show", "ICS-2026-005", "--json"),
    "approve": APPROVE,
    "reject": ("reject", "ICS-2026-005", "--by", "Dr Reviewer", "--reason", "Not yet"),
    "queue": ("queue", "2027-01", "ICS-2025-001"),
    "unqueue": ("unqueue", "2027-01"),
    "swap": ("swap", "2026-12", "2027-01"),
    "plan": ("plan", "--months", "12"),
    "preview": ("preview", "ICS-2025-001", "--out", "preview"),
    "publish": ("publish", "2026-11"),
    "run": ("run", "--once"),
    "status": ("status", "--json"),
    "engagement": ("engagement", "--csv", "e.csv", "--chart", "e.png"),
    "auth": ("auth", "x"),
    "doctor": ("doctor",),
}
# Commands that never open the database: they must still not fail with a traceback.
WITHOUT_DATABASE = {"auth"}


def command_names() -> set[str]:
    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return set(sub.choices)


def test_the_walk_covers_every_command() -> None:
    assert set(TYPICAL) == command_names()


@pytest.mark.slow
def test_every_command_on_a_truncated_database_says_what_to_do_in_one_line(
    install: Install,
) -> None:
    truncate(install.database)
    said = {}
    for name, args in TYPICAL.items():
        result = install.cli(*args)
        assert "Traceback" not in result.err, f"{name}:\n{result.err}"
        assert result.code != 0, name
        if name in WITHOUT_DATABASE:
            continue
        # doctor lists its checks on stdout; every other command says it on stderr.
        line = (
            next(ln for ln in result.out.splitlines() if ln.split()[:2] == ["!!", "database:"])
            if name == "doctor"
            else message(result)
        )
        said[name] = (
            result.code,
            str(install.database) in line,
            "restore it from a backup" in line,
        )

    assert said == {name: (1, True, True) for name in TYPICAL if name not in WITHOUT_DATABASE}
    assert not (Path(install.root) / "e.png").exists()
