"""Writing files so that a reader never sees half of one: a temporary file beside the
target, flushed and synced, then renamed over it. Stdlib only, so the long-lived daemon
can use it without loading the card renderer."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` (text is written as UTF-8 with \\n line endings)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
