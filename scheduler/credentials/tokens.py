"""The token store the daemon lives on: `var_dir/tokens.json`, one JSON object per platform,
and the warnings given before a stored token expires.

The file is 0600 and written atomically (temp file created with O_EXCL and mode 0600, fsync,
rename, fsync of the folder), so a crash never leaves half a file and a refreshed token is on
disk before it is used. Every token read is registered with the redaction filter.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scheduler.credentials.redact import add_secret
from scheduler.credentials.secrets import check_private_file
from scheduler.errors import ConfigError
from scheduler.files import write_atomic

TOKENS_FILE = "tokens.json"
WARN_BEFORE = dt.timedelta(days=14)


class TokenStore:
    """`tokens.json`: one JSON object per platform. Reads refuse a file others can read."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def in_var_dir(cls, var_dir: Path) -> TokenStore:
        return cls(Path(var_dir) / TOKENS_FILE)

    def __repr__(self) -> str:
        return f"TokenStore({str(self.path)!r})"

    def load(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        check_private_file(self.path, "token store")
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise ConfigError(str(self.path), ["token store is not readable JSON"]) from None
        if not isinstance(data, dict):
            raise ConfigError(str(self.path), ["token store must hold a JSON object"])
        for record in data.values():
            for key in (
                "access_token",
                "refresh_token",
                "access_secret",
                "access_jwt",  # Bluesky's session
                "refresh_jwt",
            ):
                if isinstance(record, dict) and record.get(key):
                    add_secret(str(record[key]))
        return data

    def get(self, platform: str) -> dict[str, Any] | None:
        record = self.load().get(platform)
        return record if isinstance(record, dict) else None

    def put(self, platform: str, record: dict[str, Any]) -> None:
        data = self.load()
        data[platform] = record
        self.save(data)

    def save(self, data: dict[str, dict[str, Any]]) -> None:
        """Replace the file atomically, mode 0600 (`scheduler.files.write_atomic`)."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(
            self.path,
            lambda handle: json.dump(data, handle, indent=2, sort_keys=True),
            text=True,
            mode=0o600,
        )


def iso(when: dt.datetime | None) -> str | None:
    return when.astimezone(dt.UTC).isoformat() if when else None


def from_iso(text: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if isinstance(text, str) and text else None


@dataclass(frozen=True)
class LinkedInTokens:
    access_token: str
    access_expires_at: dt.datetime
    refresh_token: str | None
    refresh_expires_at: dt.datetime | None
    scope: str

    def __repr__(self) -> str:
        return (
            f"LinkedInTokens(access_expires_at={self.access_expires_at.isoformat()}, "
            f"refresh={'yes' if self.refresh_token else 'no'}, scope={self.scope!r})"
        )

    def to_record(self, now: dt.datetime) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "access_expires_at": iso(self.access_expires_at),
            "refresh_token": self.refresh_token,
            "refresh_expires_at": iso(self.refresh_expires_at),
            "scope": self.scope,
            "obtained_at": iso(now),
        }

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> LinkedInTokens:
        expires = from_iso(record.get("access_expires_at"))
        if not record.get("access_token") or expires is None:
            raise ConfigError("token store", ["linkedin entry lacks access_token/expiry"])
        return cls(
            access_token=str(record["access_token"]),
            access_expires_at=expires,
            refresh_token=record.get("refresh_token") or None,
            refresh_expires_at=from_iso(record.get("refresh_expires_at")),
            scope=str(record.get("scope", "")),
        )


@dataclass(frozen=True)
class ExpiryWarning:
    platform: str
    token: str  # "access" or "refresh"
    expires_at: dt.datetime
    expired: bool
    message: str


def expiry_warnings(store: TokenStore, now: dt.datetime) -> list[ExpiryWarning]:
    """Tokens that expire within 14 days (or already have), for status, doctor and alerts.
    X OAuth 1.0a tokens never expire, so only LinkedIn appears here."""
    record = store.get("linkedin")
    if record is None:
        return []
    tokens = LinkedInTokens.from_record(record)
    warnings = []
    refreshable = bool(tokens.refresh_token) and (
        tokens.refresh_expires_at is None or tokens.refresh_expires_at > now
    )
    for which, expires in (
        ("access", tokens.access_expires_at),
        ("refresh", tokens.refresh_expires_at),
    ):
        if expires is None or expires - now > WARN_BEFORE:
            continue
        if which == "access" and refreshable:
            continue  # it will be refreshed automatically before it runs out
        expired = expires <= now
        when = f"{expires:%Y-%m-%d %H:%M} UTC"
        verb = "expired on" if expired else f"expires in {max((expires - now).days, 0)} days, on"
        warnings.append(
            ExpiryWarning(
                "linkedin",
                which,
                expires,
                expired,
                f"LinkedIn {which} token {verb} {when}; run `vignettes auth linkedin`",
            )
        )
    return warnings
