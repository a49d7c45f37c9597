"""Uploaded import files between the check (a dry run) and the confirmation.

The confirmation imports exactly the bytes that were checked, kept on the server rather
than uploaded again: a second upload could be another file (or another version of it)
than the one whose dry run the person read, and asking for the file twice is a chore.
Each upload is kept under a random token in a private folder (`[daemon] var_dir/uploads`,
mode 0700, files 0600), bound to the account and to the browser session that uploaded it,
and removed once imported, when cancelled, or when older than the session timeout (a
signed-out session could not confirm it anyway).

Readers take a path, so each check or import copies the bytes to a private temporary
file (`mkstemp` in a fresh 0700 folder), always removed afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUFFIXES = (".json", ".csv", ".xlsx")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_NAME = 100


def display_name(filename: str | None) -> str:
    """What the browser called the file, safe to show and record: the last path part, no
    control or format characters, at most MAX_NAME characters."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return name[-MAX_NAME:] or "upload"


def suffix_of(name: str) -> str:
    """`.csv` for `Case studies.CSV`; "" when the name has no suffix we read."""
    suffix = Path(name).suffix.lower()
    return suffix if suffix in SUFFIXES else ""


@dataclass
class Pending:
    """One kept upload and what has happened to it (`stage`: checked, rejected, imported)."""

    token: str
    owner: str
    name: str
    suffix: str
    size: int
    created: dt.datetime
    stage: str = "checked"
    result: dict[str, Any] | None = None
    # The fingerprint of the dry run shown: the confirmation imports only that outcome.
    digest: str = ""
    # The confirmation found the outcome changed since the check, and shows it again.
    changed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {**vars(self), "created": self.created.isoformat()}


class PendingImports:
    """Kept uploads in `folder`, expiring `ttl` after they were uploaded."""

    def __init__(self, folder: Path, ttl: dt.timedelta) -> None:
        self.folder = folder
        self.ttl = ttl

    def _open_folder(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)
        return self.folder

    def keep(self, data: bytes, name: str, owner: str, now: dt.datetime) -> Pending:
        """Keep `data` under a new token; expired uploads are removed first."""
        self.sweep(now)
        folder = self._open_folder()
        token = secrets.token_urlsafe(24)
        pending = Pending(token, owner, name, suffix_of(name), len(data), now)
        _write_private(folder / f"{token}.data", data)
        self.save(pending)
        return pending

    def save(self, pending: Pending) -> None:
        body = json.dumps(pending.to_json(), ensure_ascii=False).encode("utf-8")
        _write_private(self._open_folder() / f"{pending.token}.json", body)

    def find(self, token: str, owner: str, now: dt.datetime) -> Pending | None:
        """The upload `token` of `owner`, or None (unknown, someone else's, or expired)."""
        if not _TOKEN.match(token):
            return None
        try:
            raw = json.loads((self.folder / f"{token}.json").read_text(encoding="utf-8"))
            pending = Pending(**{**raw, "created": dt.datetime.fromisoformat(raw["created"])})
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if now - pending.created > self.ttl:
            self.remove(token)
            return None
        return pending if secrets.compare_digest(pending.owner, owner) else None

    @contextmanager
    def claimed_file(self, pending: Pending) -> Iterator[Path | None]:
        """The kept bytes as a private temporary file, claimed by this request alone (a
        second confirmation of the same upload gets None); the bytes are gone afterwards."""
        source = self.folder / f"{pending.token}.data"
        claimed = source.with_suffix(f".claimed-{secrets.token_hex(4)}")
        try:
            source.rename(claimed)  # atomic: of two concurrent confirmations, one wins
        except OSError:
            yield None
            return
        try:
            with private_copy(claimed.read_bytes(), pending.suffix) as path:
                yield path
        finally:
            claimed.unlink(missing_ok=True)

    def put_back(self, pending: Pending, data: bytes) -> None:
        """Keep `data` again after a claim that imported nothing (the outcome had changed
        since the check), for the confirmation of the new check."""
        _write_private(self._open_folder() / f"{pending.token}.data", data)

    def drop_data(self, pending: Pending) -> None:
        """Forget the bytes (a file that cannot be imported), keeping what its page shows."""
        (self.folder / f"{pending.token}.data").unlink(missing_ok=True)

    def remove(self, token: str) -> None:
        if not _TOKEN.match(token):
            return
        for path in self.folder.glob(f"{token}.*"):
            path.unlink(missing_ok=True)

    def sweep(self, now: dt.datetime) -> None:
        """Remove every upload older than the time to live."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.json"):
            token = path.stem
            with suppress(OSError, ValueError, KeyError, TypeError):
                created = json.loads(path.read_text(encoding="utf-8"))["created"]
                if now - dt.datetime.fromisoformat(created) > self.ttl:
                    self.remove(token)


@contextmanager
def private_copy(data: bytes, suffix: str) -> Iterator[Path]:
    """`data` in a temporary file only this user can read (a fresh 0700 folder, a 0600
    file named by `mkstemp`), removed with its folder however the block ends."""
    folder = tempfile.mkdtemp(prefix="vignettes-upload-")
    try:
        fd, name = tempfile.mkstemp(suffix=suffix, dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield Path(name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
