"""Writing the CSV and the chart: the file is replaced whole or not at all, only a regular
file (or a new name) is ever replaced, no temporary file is left behind, and every
failure names the path the user gave."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from scheduler.cli.main import FAKE_NOW_ENV, main
from scheduler.engagement.chart import write_chart
from scheduler.engagement.report import PostEngagement
from scheduler.engagement.report_files import ReportWriteError, write_csv
from scheduler.errors import SchedulerError
from tests.engagement.conftest import World, report_entry

Writer = Callable[[Any, Any], Any]
WRITERS = pytest.mark.parametrize("write", [write_csv, write_chart], ids=["csv", "chart"])


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder, so relative paths read as a user would type them."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@WRITERS
def test_a_fifo_is_refused_and_left_as_it_was(here: Path, write: Writer) -> None:
    os.mkfifo("pipe")

    with pytest.raises(ReportWriteError, match=r"^cannot write pipe: not a regular file$"):
        write([], "pipe")

    assert stat.S_ISFIFO(os.lstat("pipe").st_mode) and files_in(here) == ["pipe"]


@WRITERS
def test_a_folder_is_refused_without_a_temporary_file_left(here: Path, write: Writer) -> None:
    (here / "existdir").mkdir()

    with pytest.raises(ReportWriteError) as raised:
        write([], "existdir")

    assert str(raised.value) == "cannot write existdir: it is a folder"
    assert files_in(here) == ["existdir"] and files_in(here / "existdir") == []


@WRITERS
def test_a_symbolic_link_is_refused_and_neither_it_nor_its_file_changes(
    here: Path, write: Writer
) -> None:
    (here / "real.csv").write_text("keep me")
    (here / "link.csv").symlink_to("real.csv")

    with pytest.raises(ReportWriteError, match=r"^cannot write link\.csv: it is a symbolic link"):
        write([], "link.csv")

    assert os.readlink("link.csv") == "real.csv" and (here / "real.csv").read_text() == "keep me"
    assert files_in(here) == ["link.csv", "real.csv"]


@WRITERS
def test_a_file_where_a_folder_should_be_is_named(here: Path, write: Writer) -> None:
    (here / "afile").write_text("")

    with pytest.raises(ReportWriteError) as raised:
        write([], "afile/x.csv")

    assert str(raised.value) == "cannot write afile/x.csv: afile is not a folder"


@WRITERS
def test_an_empty_file_name_is_refused(here: Path, write: Writer) -> None:
    with pytest.raises(SchedulerError, match=r"^cannot write the report: the file name is empty$"):
        write([], "")

    assert files_in(here) == []


def test_a_failure_while_writing_keeps_the_old_file_and_leaves_nothing_behind(
    here: Path,
) -> None:
    (here / "e.csv").write_text("last month's report")

    def disk_fills() -> Iterator[PostEngagement]:
        yield report_entry()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(ReportWriteError) as raised:
        write_csv(disk_fills(), "e.csv")

    assert str(raised.value) == "cannot write e.csv: No space left on device"
    assert files_in(here) == ["e.csv"] and (here / "e.csv").read_text() == "last month's report"


def test_a_bug_while_writing_still_removes_the_temporary_file(here: Path) -> None:
    def broken() -> Iterator[PostEngagement]:
        raise RuntimeError("boom")
        yield

    with pytest.raises(RuntimeError):
        write_csv(broken(), "e.csv")

    assert files_in(here) == []


def test_a_folder_that_takes_no_new_file_is_reported_by_the_users_path(here: Path) -> None:
    long_name = "x" * 300 + ".csv"  # too long for the file system: nothing can be created

    with pytest.raises(ReportWriteError, match=rf"^cannot write {long_name}: "):
        write_csv([], long_name)

    assert files_in(here) == []


def test_a_name_near_the_file_system_limit_is_still_written(here: Path) -> None:
    name = "x" * 250 + ".csv"  # the temporary file beside it must not exceed 255 bytes

    assert write_csv([report_entry()], name) == 1

    assert files_in(here) == [name]


@WRITERS
def test_a_regular_file_is_replaced_keeping_its_permissions(here: Path, write: Writer) -> None:
    old = here / "report.out"
    old.write_text("old")
    old.chmod(0o640)

    write([report_entry()], "report.out")

    assert old.read_bytes() != b"old" and stat.S_IMODE(old.stat().st_mode) == 0o640
    assert files_in(here) == ["report.out"]


def test_missing_folders_are_created(here: Path) -> None:
    assert write_csv([report_entry()], "reports/2026/e.csv") == 1

    assert files_in(here / "reports" / "2026") == ["e.csv"]


def test_the_command_names_the_refused_path_and_exits_1(
    world: World,
    db_url: str,
    here: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (here / "existdir").mkdir()
    config = here / "cli.toml"
    config.write_text(f'[database]\nurl = "{db_url}"\n')
    monkeypatch.setenv(FAKE_NOW_ENV, world.clock.now().isoformat())

    code = main(["--config", str(config), "engagement", "--csv", "existdir"])

    assert code == 1
    assert capsys.readouterr().err == "vignettes: cannot write existdir: it is a folder\n"
    assert files_in(here / "existdir") == []
