"""Who is acting, and through which interface: every operation takes one, and it is what
the audit trail records (`audit_events.actor` and `audit_events.via`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Interface = Literal["cli", "web", "daemon"]


@dataclass(frozen=True)
class Actor:
    """`name` is the person (CLI: `--by` or the login name; web: the signed-in user) or the
    daemon instance; `role` is the console role of a signed-in user, None for the CLI and the
    daemon, which act with the operator's own authority on this machine. An account acting
    (in the console, or named by `--by` where the CLI requires an account) also carries its
    id and the ids of its library services."""

    name: str
    via: Interface
    role: str | None = None
    user_id: int | None = None
    services: frozenset[int] = frozenset()

    def __str__(self) -> str:
        return f"{self.name} ({self.via})"
