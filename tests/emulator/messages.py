"""What the emulator receives and sends: plain data, no HTTP machinery."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Request:
    """One request as received (and recorded for tests to assert on)."""

    method: str
    path: str
    raw_query: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    op: str = ""

    @property
    def query(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.raw_query, keep_blank_values=True))

    def query_list(self) -> list[tuple[str, str]]:
        """Every query parameter in order, repeated names included (`uris=a&uris=b`)."""
        return urllib.parse.parse_qsl(self.raw_query, keep_blank_values=True)

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))


@dataclass
class Reply:
    status: int
    body: Any = None  # dict/list → JSON; bytes/str sent as is; None → empty
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if self.body is None:
            return b"", ""
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("Content-Type", "application/octet-stream")
        if isinstance(self.body, str):
            return self.body.encode(), self.headers.get("Content-Type", "text/plain; charset=utf-8")
        return json.dumps(self.body).encode(), "application/json"


class Refuse(Exception):
    """Raised inside a handler to answer with `reply` at once (auth failures, validation)."""

    def __init__(self, reply: Reply) -> None:
        super().__init__(reply.status)
        self.reply = reply
