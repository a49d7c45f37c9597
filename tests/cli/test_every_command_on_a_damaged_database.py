"""Every command of `vignettes` (and every action of a command group), with typical
arguments, against a damaged database: no traceback, and one line naming the database and
what to do. A command added to the parser fails this test until it is given typical
arguments here."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from scheduler.cli.main import build_parser
from tests.cli.conftest import APPROVE, Install
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
    "impact": ("impact", "--year", "2026", "--card", "cards"),
    "evidence": ("evidence", "--service", "Northmoor Library", "--year", "2026", "--out", "e.xlsx"),
    "auth": ("auth", "x"),
    "doctor": ("doctor",),
    "categories": ("categories", "--json"),
    "web": ("web", "--port", "0"),
    "user add": (
        "user",
        "add",
        "priya",
        "--role",
        "admin",
        "--email",
        "p@nhs.example",
        "--password-stdin",
    ),
    "user invite": ("user", "invite", "r@nhs.example", "--role", "reviewer"),
    "user set-email": ("user", "set-email", "priya", "priya@nhs.example"),
    "user set-services": ("user", "set-services", "priya"),
    "services list": ("services", "list"),
    "services add": ("services", "add", "Fellside Library", "--region", "North West"),
    "submit": ("submit", "ICS-2026-005", "--by", "priya"),
    "review": ("review", "ICS-2026-005", "--by", "priya", "--met", "1,2,3", "--decision", "accept"),
    "withdraw": ("withdraw", "ICS-2026-005", "--by", "priya"),
    "comment": ("comment", "ICS-2026-005", "--by", "priya", "--message", "Thanks"),
    "user list": ("user", "list"),
    "user set-role": ("user", "set-role", "priya", "editor"),
    "user disable": ("user", "disable", "priya"),
    "user enable": ("user", "enable", "priya"),
    "user reset-password": ("user", "reset-password", "priya", "--password-stdin"),
}
# Commands that never open the database: they must still not fail with a traceback.
WITHOUT_DATABASE = {"auth", "categories"}
# ...and of those, the ones that succeed without it (the vocabulary comes from config).
SUCCEED_WITHOUT_DATABASE = {"categories"}
PASSWORD = "a long enough password\n"


def command_names(parser: argparse.ArgumentParser, prefix: str = "") -> set[str]:
    """Every runnable command, a group's actions as "group action"."""
    names: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = command_names(sub, f"{prefix}{name} ")
                names |= nested or {f"{prefix}{name}"}
    return names


def test_the_walk_covers_every_command() -> None:
    assert set(TYPICAL) == command_names(build_parser())


@pytest.mark.slow
def test_every_command_on_a_truncated_database_says_what_to_do_in_one_line(
    install: Install,
) -> None:
    truncate(install.database)
    said = {}
    for name, args in TYPICAL.items():
        result = install.cli(*args, stdin=PASSWORD)
        assert "Traceback" not in result.err, f"{name}:\n{result.err}"
        assert (result.code == 0) == (name in SUCCEED_WITHOUT_DATABASE), name
        if name in WITHOUT_DATABASE:
            continue
        # doctor lists its checks on stdout; every other command says it last on stderr.
        line = (
            next(ln for ln in result.out.splitlines() if ln.split()[:2] == ["!!", "database:"])
            if name == "doctor"
            else result.err.splitlines()[-1]
        )
        said[name] = (
            result.code,
            str(install.database) in line,
            "restore it from a backup" in line,
        )

    assert said == {name: (1, True, True) for name in TYPICAL if name not in WITHOUT_DATABASE}
    assert not (Path(install.root) / "e.png").exists()
