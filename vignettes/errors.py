"""The root of the `vignettes` package's exceptions; the CLI maps them to exit codes."""

from __future__ import annotations

from collections.abc import Sequence

from vignettes.importing.issues import Issue


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
    """A file failed validation; nothing from it was written. `problems` are the
    `FILE:ROW ref field: reason` lines of `issues`; `warnings` are what would only have
    been warned about, had the file been accepted."""

    def __init__(
        self,
        source: str,
        problems: Sequence[Issue],
        warnings: Sequence[Issue] = (),
    ) -> None:
        self.source = source
        self.issues = list(problems)
        self.problems = [str(p) for p in problems]
        self.warnings = list(warnings)
        listing = "\n".join(self.problems)
        super().__init__(
            f"{source}: {len(self.problems)} problem(s); nothing was imported\n{listing}"
        )


class ImportInterrupted(VignettesError):
    """The person stopped an import (Ctrl-C). `written` says whether its transaction had
    already been committed when the interruption arrived (almost never: the interruption
    nearly always falls while reading or checking the file)."""

    exit_code = 130

    def __init__(self, source: str, written: bool) -> None:
        self.source = source
        self.written = written
        super().__init__(
            "interrupted after the import was written; run `vignettes list` to see it"
            if written
            else "interrupted; nothing was imported"
        )


class ApprovalError(VignettesError):
    """An approve/reject request that the workflow does not allow."""


class QueueError(VignettesError):
    """A queue/unqueue request that the plan does not allow."""
