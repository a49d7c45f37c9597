"""Fault injection: what to do instead of (or after) the normal answer to an operation."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["status", "accept_then_timeout", "reset", "hold"]


@dataclass
class Fault:
    op: str
    kind: Kind
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None  # None → the platform's representative body for `status`
    perform: bool = False  # run the real handler first (the action happens)
    stall: float = 2.0  # accept_then_timeout: seconds before the (too late) answer
    # hold: set `arrived` when the request is in (after acting, with `perform`), then answer
    # normally once `released` is set (or after `stall` seconds, so a test cannot hang).
    arrived: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)


class FaultPlan:
    """Faults queued per operation; each is used once, in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []

    def add(self, fault: Fault, times: int = 1) -> None:
        with self._lock:
            self._queue.extend([fault] * times)

    def take(self, op: str) -> Fault | None:
        with self._lock:
            for i, fault in enumerate(self._queue):
                if fault.op == op:
                    return self._queue.pop(i)
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._queue)

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
