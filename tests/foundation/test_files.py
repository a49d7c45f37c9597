"""The one way a file is written (`scheduler.files.write_atomic`): all of it or none."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from scheduler.files import write_atomic


def test_a_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "card.png"
    target.write_bytes(b"old")
    assert write_atomic(target, b"new bytes")
    assert target.read_bytes() == b"new bytes"
    assert os.listdir(tmp_path) == ["card.png"]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_bytes(b"old")

    def fails_half_way(handle: object) -> None:
        handle.write("half a report")  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        write_atomic(target, fails_half_way, text=True)
    assert target.read_bytes() == b"old" and os.listdir(tmp_path) == ["report.csv"]


def test_the_new_file_has_the_mode_asked_for(tmp_path: Path) -> None:
    write_atomic(tmp_path / "shared.txt", "for everyone\n", mode=0o644)
    write_atomic(tmp_path / "private.txt", "for us\n")
    assert stat.S_IMODE((tmp_path / "shared.txt").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private.txt").stat().st_mode) == 0o600


def test_only_if_absent_never_replaces_a_file_already_there(tmp_path: Path) -> None:
    key = tmp_path / "web-secret"
    assert write_atomic(key, "first\n", only_if_absent=True)
    assert not write_atomic(key, "second\n", only_if_absent=True)
    assert key.read_text() == "first\n" and os.listdir(tmp_path) == ["web-secret"]


def test_no_module_writes_a_file_but_through_the_helper() -> None:
    root = Path(__file__).resolve().parents[2]
    writers = ("os.replace(", "os.link(", "mkstemp(", ".write_bytes(", ".write_text(")
    offenders = [
        f"{path.relative_to(root)}: {needle}"
        for package in ("scheduler", "vignettes", "cards")
        for path in (root / package).rglob("*.py")
        if path.name != "files.py"
        for needle in writers
        if needle in path.read_text(encoding="utf-8")
    ]
    assert offenders == ["scheduler/web/uploads.py: mkstemp("]  # a private upload, not a file
