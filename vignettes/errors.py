"""The root of the `vignettes` package's exceptions; the CLI maps them to exit codes."""

from __future__ import annotations


class VignettesError(Exception):
    """An expected failure about content, storage or selection (exit 1)."""


class StoreError(VignettesError):
    """The database is unreachable or refused an operation."""


class NotFound(VignettesError):
    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no {what} {key!r}")


class ImportRejected(VignettesError):
    """A file failed validation; nothing from it was written. `problems` are
    `FILE:ROW ref field: reason` lines."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        listing = "\n".join(problems)
        super().__init__(f"{source}: {len(problems)} problem(s); nothing was imported\n{listing}")


class ApprovalError(VignettesError):
    """An approve/reject request that the workflow does not allow."""


class QueueError(VignettesError):
    """A queue/unqueue request that the plan does not allow."""
