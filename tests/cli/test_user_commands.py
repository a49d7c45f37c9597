"""`vignettes user …` end to end: passwords from standard input, never echoed; the same
exit codes and message style as every command; every change in the audit trail."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.cli.conftest import run_subprocess
from vignettes.store.account_models import User
from vignettes.store.models import AuditEvent
from vignettes.store.queries import Store

PASSWORD = "correct horse battery staple"


@pytest.fixture
def user(vignettes: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    def run(*args: str, stdin: str = "") -> Any:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return vignettes("user", *args)

    return run


def database(config_path: Path) -> Store:
    return Store.open(f"sqlite:///{config_path.parent / 'var' / 'vignettes.db'}")


def test_adding_and_listing_users(user: Any) -> None:
    added = user(
        "add",
        "Priya.Shah",
        "--email",
        "priya.shah@nhs.example",
        "--role",
        "approver",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert (added.code, added.out) == (0, "added priya.shah (approver, active)\n")
    user(
        "add",
        "sam",
        "--email",
        "sam@nhs.example",
        "--role",
        "viewer",
        "--password-stdin",
        stdin=PASSWORD,
    )
    listing = user("list")
    assert listing.out.splitlines()[0].split() == [
        "NAME", "ROLE", "EMAIL", "SERVICES", "STATE", "LAST", "SIGN-IN"
    ]  # fmt: skip
    assert [line.split()[:5] for line in listing.out.splitlines()[2:]] == [
        ["priya.shah", "approver", "priya.shah@nhs.example", "-", "active"],
        ["sam", "viewer", "sam@nhs.example", "-", "active"],
    ]
    rows = user("list", "--json").json()
    assert [(r["name"], r["role"], r["disabled"]) for r in rows] == [
        ("priya.shah", "approver", False),
        ("sam", "viewer", False),
    ]
    assert PASSWORD not in listing.out + str(rows) and "argon2" not in str(rows)


def test_set_role_disable_enable_and_reset_password(user: Any, config_path: Path) -> None:
    user(
        "add",
        "sam",
        "--email",
        "sam@nhs.example",
        "--role",
        "viewer",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert user("set-role", "sam", "editor").out == "sam is now editor\n"
    assert "sam is disabled" in user("disable", "sam").out
    assert user("list", "--json").json()[0]["disabled"] is True
    assert "sam is enabled" in user("enable", "sam").out
    reset = user("reset-password", "sam", "--password-stdin", stdin="another good password\n")
    assert reset.out == "sam has a new password; its sessions have ended\n"
    store = database(config_path)
    with store.read() as session:
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        vias = {e.via for e in session.scalars(select(AuditEvent))}
        stored = session.scalars(select(User.password_hash)).one()
    store.close()
    assert actions == [
        "user.add",
        "user.set-role",
        "user.disable",
        "user.enable",
        "user.reset-password",
    ]
    assert vias == {"cli"} and stored.startswith("$argon2id$")


def test_bad_requests_fail_with_a_message_and_the_usual_exit_codes(user: Any) -> None:
    short = user(
        "add",
        "sam",
        "--email",
        "sam@nhs.example",
        "--role",
        "viewer",
        "--password-stdin",
        stdin="short\n",
    )
    assert short.code == 1
    assert short.err.endswith(
        "vignettes: the password is too short: use at least 10 characters (it has 5)\n"
    )
    assert "short" not in short.out
    empty = user(
        "add", "sam", "--email", "sam@nhs.example", "--role", "viewer", "--password-stdin", stdin=""
    )
    assert empty.code == 1 and "no password on standard input" in empty.err
    for usage in (["--role", "boss", "--password-stdin"], ["--role", "viewer"]):
        with pytest.raises(SystemExit) as exited:  # argparse: a role, and --password-stdin
            user("add", "sam", *usage)
        assert exited.value.code == 2
    assert (
        user(
            "add",
            "bad name!",
            "--email",
            "badname@nhs.example",
            "--role",
            "viewer",
            "--password-stdin",
            stdin=PASSWORD,
        ).code
        == 1
    )
    user(
        "add",
        "sam",
        "--email",
        "sam@nhs.example",
        "--role",
        "viewer",
        "--password-stdin",
        stdin=PASSWORD,
    )
    again = user(
        "add",
        "SAM",
        "--email",
        "sam@nhs.example",
        "--role",
        "viewer",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert again.code == 1
    assert again.err.endswith("vignettes: there is already a user called 'sam'\n")
    assert user("disable", "nobody").err.endswith("vignettes: no user 'nobody'\n")


def test_the_last_admin_cannot_be_demoted_or_disabled(user: Any) -> None:
    user(
        "add",
        "root",
        "--email",
        "root@nhs.example",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    refused = user("set-role", "root", "editor")
    assert refused.code == 1 and "root is the only admin" in refused.err
    assert user("disable", "root").code == 1
    user(
        "add",
        "second",
        "--email",
        "second@nhs.example",
        "--role",
        "admin",
        "--password-stdin",
        stdin=PASSWORD,
    )
    assert user("disable", "root").code == 0


def test_a_piped_password_is_never_echoed_by_a_real_process(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[database]\nurl = "sqlite:///v.db"\n')
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "scheduler", "--config", "config.toml", "user", "add", "sam",
         "--email", "sam@nhs.example", "--role", "editor", "--password-stdin"],
        cwd=tmp_path, input=PASSWORD + "\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (0, "added sam (editor, active)\n")
    assert PASSWORD not in proc.stderr
    assert run_subprocess("--config", "config.toml", "user", "list", cwd=tmp_path).code == 0
