"""Writing files so that a reader never sees half of one, and a crash never leaves one
half-written: a temporary file beside the target, written, flushed and synced, renamed over
it (or linked into place), then the folder synced so the rename itself survives a power
cut. The one way this project writes a file: previews, the archive, the card cache, the
outbox, tokens, the console's key and the engagement report all go through it. Stdlib
only, so the long-lived daemon can use it without loading the card renderer."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

Writer = Callable[[IO[Any]], None]


def write_atomic(
    path: Path,
    data: bytes | str | Writer,
    *,
    mode: int = 0o600,
    text: bool = False,
    only_if_absent: bool = False,
) -> bool:
    """Replace `path` with `data`: bytes, text (UTF-8, `\\n` line endings), or a function
    that writes into the open file (a text file with `newline=""` when `text`, else a
    binary one). The new file has permission bits `mode`. With `only_if_absent` the file
    appears only if none is there yet (two processes racing end up with the same one) and
    False is returned when one was. Raises OSError (nothing is left behind)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:64]}.", suffix=".tmp")
    placed = False
    try:
        opened: IO[Any] = (
            os.fdopen(fd, "w", encoding="utf-8", newline="") if text else os.fdopen(fd, "wb")
        )
        with opened as handle:
            os.fchmod(handle.fileno(), mode)
            if callable(data):
                data(handle)
            elif isinstance(data, str) and not text:
                handle.write(data.encode("utf-8"))
            else:
                handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if only_if_absent:
            try:
                os.link(tmp, path)  # the whole file appears at once, and only if none is there
            except FileExistsError:
                return False
        else:
            os.replace(tmp, path)
            placed = True
    finally:
        if not placed:
            Path(tmp).unlink(missing_ok=True)
    sync_folder(path.parent)
    return True


def sync_folder(folder: Path) -> None:
    """fsync `folder`, so the names created or renamed in it survive a crash. A file system
    that cannot sync a folder (some network mounts) is not an error."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def folder_problem(folder: Path) -> str | None:
    """Why this process could not write files in `folder`, or None if it can: the folder
    exists and a file can be made in it, or it does not exist yet and its nearest existing
    parent is a folder in which one can (so it can be created). Tried for real, with an
    unnamed temporary file that is gone at once, because permission bits do not tell the
    whole story (read-only mounts, ACLs, a full disk). Creates nothing that stays."""
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            return f"{folder}: no part of the path exists"
        probe = probe.parent
    if not probe.is_dir():
        return f"{folder}: {probe} is not a folder"
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        verb = "cannot be written" if probe == folder else f"cannot be created in {probe}"
        return f"{folder} {verb}: {exc.strerror or exc}"
    return None
