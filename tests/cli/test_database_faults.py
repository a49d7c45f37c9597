"""The `vignettes` command meets database faults made for real, as the service user would:
each is one line on stderr naming the database and what to do, exit 1 (78 for a URL that
cannot be used), never a traceback."""

from __future__ import annotations

import datetime as dt
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import APPROVE, Install, Result, fault_env, message
from tests.faults import fill_disk_command, sqlite_write_lock, tiny_disk_script


def test_a_read_only_database_file_can_be_read_but_a_change_says_make_it_writable(
    install: Install,
) -> None:
    install.database.chmod(0o444)

    listed = install.cli("list", as_service_user=True)
    approved = install.cli(*APPROVE, as_service_user=True)

    assert listed.code == 0 and "ICS-2026-005" in listed.out
    assert approved.code == 1
    line = message(approved)
    assert str(install.database) in line and "read-only" in line and "writable" in line


def test_a_read_only_folder_names_the_folder_sqlite_must_write_in(install: Install) -> None:
    folder = install.database.parent
    folder.chmod(0o555)
    try:
        result = install.cli("list", as_service_user=True)
    finally:
        folder.chmod(0o755)

    assert result.code == 1
    line = message(result)
    assert f"its folder {folder} is read-only" in line and "make the folder writable" in line


def test_a_lock_held_past_the_busy_timeout_is_a_locked_message_not_a_hang(
    install: Install,
) -> None:
    with sqlite_write_lock(install.database):
        started = dt.datetime.now(dt.UTC)
        result = install.cli(*APPROVE)
        waited = dt.datetime.now(dt.UTC) - started

    assert result.code == 1 and waited < dt.timedelta(seconds=20)
    line = message(result)
    assert str(install.database) in line and "is locked" in line and "longer than 1 s" in line


def test_a_full_disk_is_a_full_disk_message(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    install = Install(tmp_path, disk / "vignettes.db")
    # A write that the freshly imported sample allows (approval needs a review first).
    approve = shlex.join(
        install.command("reject", "ICS-2026-005", "--by", "Dr R", "--reason", "No")
    )
    script = tiny_disk_script(
        disk,
        "2m",
        f"{shlex.join(install.command('import', '--sample'))} >/dev/null || exit 98\n"
        + fill_disk_command(disk, 48 * 1024)
        + f"exec {approve}\n",
    )
    done = subprocess.run(script, cwd=tmp_path, env=fault_env(), capture_output=True, text=True)
    if done.returncode == 99:
        pytest.skip("no private mount namespace here (the max_page_count test still runs)")

    result = Result(done.returncode, done.stdout, done.stderr)
    assert result.code == 1, result.err
    line = message(result)
    assert str(install.database) in line and "the disk is full" in line


def test_a_database_url_that_cannot_be_used_exits_78(tmp_path: Path) -> None:
    install = Install(tmp_path, tmp_path / "v.db")
    install.config.write_text(
        '[database]\nurl = "postgresql+psycopg://vignettes:s3cret-pw@db.example:port/v"\n'
    )

    result = install.cli("list")

    assert result.code == 78
    line = message(result)
    assert "fix [database] url" in line and "s3cret-pw" not in result.err
